# SPDX-License-Identifier: GPL-2.0-only
"""The `mmaplab` command line."""

from __future__ import annotations

import argparse
import sys

from lab import KERNEL_VERSION, __version__


def _escape(text: str) -> str:
    """A file name as the terminal may show it: control characters as \\x1b and the like."""
    from lab.scenario.errors import escape

    return escape(text)


class _Parser(argparse.ArgumentParser):
    """argparse quotes a bad argument in its error: shown escaped, never raw to the terminal."""

    def error(self, message: str):
        super().error(_escape(message))


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    from lab.stepping.budget import TRACE_BUDGET

    ap = _Parser(
        prog="mmaplab",
        description=f"Step through Linux {KERNEL_VERSION}'s mmap(2), line by line: "
        "the real kernel C beside a faithful Python twin.",
    )
    ap.add_argument("--version", action="version",
                    version=f"mmaplab {__version__} (Linux {KERNEL_VERSION})")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")

    src = sub.add_parser("source", help="print a kernel function with its real file and lines",
                         description="Print a function of the Linux source the lab teaches, "
                         "highlighted, with its real file name and line numbers.")
    src.add_argument("name", help="function name, e.g. do_mmap or SYSCALL_DEFINE6(mmap)")
    src.add_argument("--plain", action="store_true", help="no colour")
    src.add_argument("--light", action="store_true", help="colours for a light terminal")
    src.set_defaults(func=_cmd_source)

    run = sub.add_parser("run", help="run a scenario on the simulated kernel and report",
                         description="Run a scenario (a file, or statements with -e) on the "
                         "simulated Linux 6.1 kernel and print what each statement did.")
    what = run.add_mutually_exclusive_group(required=True)
    what.add_argument("scenario", nargs="?", help="a scenario file")
    what.add_argument("-e", dest="statements", metavar="STATEMENTS",
                      help="statements separated by ';' or newlines")
    run.add_argument("--json", action="store_true", help="machine-readable output")
    run.add_argument("--steps", action="store_true",
                     help="print the lockstep trace: every C line, its Python twin, what changed")
    run.add_argument("--trace", action="store_true", help="with --json: add each event's steps")
    run.add_argument("--real", action="store_true",
                     help="also run it on this machine's kernel and show both (JSON: \"real\")")
    run.add_argument("--fold-after", type=int, default=None, metavar="N",
                     help="record N rounds of a long loop in full, fold the rest (default 4)")
    run.add_argument("--trace-budget", type=_positive, default=None, metavar="STEPS",
                     help="steps traced line by line before the middle of a long scenario "
                          f"runs whole, one step a statement (default {TRACE_BUDGET:,})")
    run.set_defaults(func=_cmd_run)

    world = sub.add_parser("world", help="describe the default world scenarios start in")
    world.set_defaults(func=_cmd_world)
    sub.add_parser("lesson", help="open the lab on lesson N of the course (mmaplab lesson "
                   "--help)", add_help=False)  # handled by _cmd_lab, listed here for --help
    _add_lessons_parsers(sub)
    _add_classroom_parsers(sub)
    return ap


def _add_lessons_parsers(sub) -> None:
    """`mmaplab lessons [check|show]` and `mmaplab quiz` (lab/lessons/commands.py); their help
    speaks the locale's language."""
    from lab.lessons.i18n import default_language, t

    h = default_language()
    lang = {"choices": ["en", "zh"], "default": None, "help": t("cli_lang", h)}
    les = sub.add_parser("lessons", help=t("cli_lessons", h), description=t("cli_lessons_desc", h))
    les.add_argument("--lessons", dest="lesson_dirs", action="append", default=[],
                     metavar="DIR", help=t("cli_dirs", h))
    les.add_argument("--lang", **lang)
    les.set_defaults(func=_cmd_lessons, action=None)
    acts = les.add_subparsers(dest="action", metavar="ACTION")
    chk = acts.add_parser("check", help=t("cli_check", h))
    chk.add_argument("paths", nargs="+", metavar="PATH", help=t("cli_check_paths", h))
    chk.add_argument("--stamp", action="store_true", help=t("cli_check_stamp", h))
    sub_lang = {**lang, "default": argparse.SUPPRESS}  # keep `lessons --lang zh check ...`
    chk.add_argument("--lang", **sub_lang)
    shw = acts.add_parser("show", help=t("cli_show", h))
    shw.add_argument("lesson", metavar="N|FILE", help=t("cli_show_lesson", h))
    shw.add_argument("--lessons", dest="show_dirs", action="append", default=[],
                     metavar="DIR", help=t("cli_dirs", h))
    shw.add_argument("--lang", **sub_lang)

    quiz = sub.add_parser("quiz", help=t("cli_quiz", h), description=t("cli_quiz_desc", h))
    quiz.add_argument("--seed", type=int, default=None, metavar="N", help=t("cli_seed", h))
    quiz.add_argument("--count", type=int, default=5, metavar="K", help=t("cli_count", h))
    quiz.add_argument("-c", "--answers", action="store_true", help=t("cli_answers", h))
    quiz.add_argument("--lang", **lang)
    quiz.set_defaults(func=_cmd_quiz)


def _add_classroom_parsers(sub) -> None:
    """`mmaplab teach`, `mmaplab follow` and `mmaplab serve` (lab/classroom/)."""
    where = {"metavar": "DIR", "default": None,
             "help": "the class directory holding the session's socket "
                     "(default: $XDG_RUNTIME_DIR/mmaplab, else /tmp/mmaplab-UID)"}
    teach = sub.add_parser("teach", help="open the lab and publish its position to students",
                           description="Open the lab as the instructor: every move, "
                           "breakpoint, panel and chosen address is sent to the students "
                           "who run `mmaplab follow NAME`.")
    what = teach.add_mutually_exclusive_group()
    what.add_argument("scenario", nargs="?", metavar="FILE", help="a scenario file")
    what.add_argument("-e", dest="statements", metavar="STATEMENTS",
                      help="statements separated by ';' or newlines")
    what.add_argument("--lesson", metavar="N",
                      help="teach lesson N of the course (students see its pages)")
    teach.add_argument("--lang", choices=("en", "zh"),
                       help="language of the lab and the lesson (default: from the locale)")
    teach.add_argument("--session", default="class", metavar="NAME",
                       help="the name students follow (default: class)")
    teach.add_argument("--dir", **where)
    who = teach.add_mutually_exclusive_group()
    who.add_argument("--group", metavar="GROUP",
                     help="the class's group: the socket is 0660 with it (default: the "
                          "directory's group)")
    who.add_argument("--private", action="store_true",
                     help="a socket only you can open (0600): for trying it out")
    teach.add_argument("--theme", metavar="THEME", help="dark, light, or any Textual theme")
    teach.set_defaults(func=_cmd_teach)

    follow = sub.add_parser("follow", help="mirror an instructor's lab, live",
                            description="Open the lab on the instructor's step and follow "
                            "every move. d detaches (explore on your own; any move of yours "
                            "does too) and rejoins at the instructor's current step.")
    follow.add_argument("name", metavar="NAME", help="the session the instructor teaches")
    follow.add_argument("--dir", **where)
    follow.add_argument("--print", action="store_true",
                        help="no lab: print one JSON line per position received")
    follow.add_argument("--theme", metavar="THEME", help="dark, light, or any Textual theme")
    follow.add_argument("--lang", choices=("en", "zh"),
                        help="language of the lab and the class line (default: from the "
                             "locale)")
    follow.set_defaults(func=_cmd_follow)

    serve = sub.add_parser("serve", help="an SSH server that gives each connection a lab",
                           description="Serve the lab over SSH for classrooms without "
                           "accounts: every connection gets its own lab in a terminal.")
    serve.add_argument("--ssh", action="store_true", required=True,
                       help="serve over SSH (the only transport)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default "
                       "127.0.0.1; 0.0.0.0 for the class network)")
    serve.add_argument("--port", type=int, default=2222, help="port (default 2222)")
    serve.add_argument("--authorized-keys", metavar="FILE",
                       help="accept the public keys in this authorized_keys file")
    serve.add_argument("--password-file", metavar="FILE",
                       help="accept the class password on this file's first line "
                            "(or set MMAPLAB_CLASS_PASSWORD)")
    serve.add_argument("--no-auth", action="store_true",
                       help="no authentication: only with a loopback --host")
    serve.add_argument("--follow", metavar="NAME",
                       help="every session follows this teach session")
    serve.add_argument("--dir", **where)
    serve.add_argument("--max-sessions", type=int, default=40, metavar="N",
                       help="connections at once (default 40)")
    serve.add_argument("--idle-timeout", type=float, default=7200, metavar="SECONDS",
                       help="close a session without input for this long (default 7200; "
                            "0: never)")
    serve.add_argument("--host-key", metavar="FILE",
                       help="the server's key (default: made once in the user's data dir)")
    serve.set_defaults(func=_cmd_serve)


def _classroom_scenario(args: argparse.Namespace) -> tuple[str, str] | None:
    from lab.tui.default_scenario import DEFAULT_SCENARIO, SOURCE_NAME

    if getattr(args, "statements", None) is not None:
        from lab.scenario import split_statements

        return split_statements(args.statements), "-e"
    if getattr(args, "scenario", None) is not None:
        from lab.scenario import ScenarioError, decode_scenario

        try:
            with open(args.scenario, "rb") as f:
                return decode_scenario(f.read(), args.scenario), args.scenario
        except OSError as err:
            print(f"mmaplab: cannot read {_escape(args.scenario)}: {err}", file=sys.stderr)
            return None
        except ScenarioError as err:  # not UTF-8: FILE:LINE:COLUMN of the first bad byte
            print(err, file=sys.stderr)
            return None
    return DEFAULT_SCENARIO, SOURCE_NAME


def _classroom_app(text: str, name: str, theme: str | None, lang: str | None = None):
    from lab.tui.app import open_lab

    theme = {"dark": "textual-dark", "light": "textual-light"}.get(theme or "", theme)
    return open_lab(text, name, theme=theme, lang=lang)


def _cmd_teach(args: argparse.Namespace) -> int:
    from lab.classroom import app_glue
    from lab.classroom.link import Teacher
    from lab.classroom.sockets import ClassroomError
    from lab.scenario import ScenarioError

    if args.lesson is not None:
        from lab.lessons.i18n import default_language
        from lab.tui.app import open_lesson_lab
        from lab.tui.lesson_mode import LessonProblem

        theme = {"dark": "textual-dark", "light": "textual-light"}.get(args.theme or "",
                                                                         args.theme)
        try:
            app = open_lesson_lab(args.lesson, args.lang or default_language(), theme=theme)
        except LessonProblem as err:
            print(f"mmaplab teach: {err}", file=sys.stderr)
            return 2
        text, name = app.lesson.run.lesson.scenario_text, app.session.scenario.source_name
    else:
        found = _classroom_scenario(args)
        if found is None:
            return 2
        text, name = found
        app = None
    try:
        app = app or _classroom_app(text, name, args.theme, args.lang)
        teacher = Teacher(args.session, app.session, directory=args.dir, group=args.group,
                          private=args.private, text=text)
    except (ScenarioError, ClassroomError) as err:
        print(f"mmaplab teach: {err}", file=sys.stderr)
        return 2
    hooks = app_glue.MmapLabHooks(app)
    try:
        app_glue.run_app(app, lambda: (app_glue.attach_teacher(app, teacher, hooks),
                                       app_glue.keep_status(app, hooks)), hooks.ready)
    finally:
        teacher.stop()
    return app.return_code or 0


def _cmd_follow(args: argparse.Namespace) -> int:
    import time

    from lab.classroom import app_glue
    from lab.classroom.follow import print_states
    from lab.classroom.link import Student
    from lab.classroom.sockets import ClassroomError
    from lab.scenario import ScenarioError

    if args.print:
        return print_states(args.name, args.dir)
    try:
        student = Student(args.name, lambda state: None, directory=args.dir,
                          call=lambda fn: None).start()
    except ClassroomError as err:
        print(f"mmaplab follow: {err}", file=sys.stderr)
        return 2
    deadline = time.monotonic() + 1.5  # open on the instructor's scenario if they are there
    while student.link.instructor is None and time.monotonic() < deadline:
        time.sleep(0.02)
    first = student.link.instructor
    text, name = (first.scenario, first.source_name) if first else _classroom_scenario(args)
    try:
        app = _classroom_app(text, name, args.theme, args.lang)
    except ScenarioError as err:
        print(f"mmaplab follow: {err}", file=sys.stderr)
        student.stop()
        return 2
    hooks = app_glue.MmapLabHooks(app)
    try:
        app_glue.run_app(app, lambda: (app_glue.attach_student(app, student, hooks),
                                       app_glue.keep_status(app, hooks)), hooks.ready)
    finally:
        student.stop()
    return app.return_code or 0


def _cmd_serve(args: argparse.Namespace) -> int:
    import asyncio
    import os
    from pathlib import Path

    try:
        from lab.classroom.serve import ServeConfig, ServeError, serve_forever
    except ImportError as err:
        print(f"mmaplab serve: needs asyncssh ({err})", file=sys.stderr)
        return 2
    password = os.environ.get("MMAPLAB_CLASS_PASSWORD")
    if args.password_file:
        try:
            with open(args.password_file, encoding="utf-8") as f:
                password = f.readline().rstrip("\r\n")
        except OSError as err:
            print(f"mmaplab serve: {args.password_file}: {err.strerror}", file=sys.stderr)
            return 2
    config = ServeConfig(
        host=args.host, port=args.port, password=password or None, no_auth=args.no_auth,
        authorized_keys=Path(args.authorized_keys) if args.authorized_keys else None,
        follow=args.follow, follow_dir=args.dir, max_sessions=args.max_sessions,
        idle_timeout=args.idle_timeout,
        host_key=Path(args.host_key) if args.host_key else None)
    try:
        asyncio.run(serve_forever(config))
    except (ServeError, OSError) as err:
        print(f"mmaplab serve: {err}", file=sys.stderr)
        return 2
    return 0


def _cmd_lessons(args: argparse.Namespace) -> int:
    from lab.lessons import commands
    from lab.lessons.i18n import default_language

    lang = args.lang or default_language()
    if args.action == "check":
        return commands.check(args.paths, lang, args.stamp, sys.stdout, sys.stderr)
    if args.action == "show":
        return commands.show(args.lesson, args.lesson_dirs + args.show_dirs, lang,
                             sys.stdout, sys.stderr)
    return commands.list_lessons(args.lesson_dirs, lang, sys.stdout, sys.stderr)


def _cmd_quiz(args: argparse.Namespace) -> int:
    from lab.lessons import commands
    from lab.lessons.i18n import default_language
    from lab.lessons.quiz import count_problem

    lang = args.lang or default_language()
    problem = count_problem(args.count, lang)  # 1 to MAX_COUNT
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    return commands.quiz(args.seed, args.count, lang, args.answers, sys.stdin.isatty(),
                         sys.stdin, sys.stdout)


def _load_scenario(args: argparse.Namespace):
    from lab.runner import scenario_constants
    from lab.scenario import parse_bytes, parse_scenario, split_statements

    if args.statements is not None:
        return parse_scenario(split_statements(args.statements), "-e", scenario_constants())
    with open(args.scenario, "rb") as f:
        data = f.read()
    return parse_bytes(data, args.scenario, scenario_constants())


def _cmd_run(args: argparse.Namespace) -> int:
    from lab.report import text_report
    from lab.runner import simulate
    from lab.scenario import ScenarioError
    from lab.scenario.errors import escape

    try:
        scenario = _load_scenario(args)
    except OSError as err:
        print(f"mmaplab run: cannot read {escape(args.scenario)}: {err.strerror}",
              file=sys.stderr)
        return 2
    except ScenarioError as err:
        print(err, file=sys.stderr)
        return 2
    if args.steps or args.trace:
        return _run_traced(args, scenario)
    try:
        report = simulate(scenario)
    except ScenarioError as err:
        print(err, file=sys.stderr)
        return 2
    if args.real:
        return _run_real(args, scenario, report.to_json())
    if args.json:
        report.write_json(sys.stdout)  # streamed: one event's maps at a time
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text_report(report, [getattr(s, "func", "") for s in scenario]))
    return 0


def _run_real(args: argparse.Namespace, scenario, sim_doc: dict) -> int:
    """The model's result beside this machine's kernel's, for the same scenario."""
    import json

    from lab.realkernel import available, compare, run_real, side_by_side_text

    ok, why = available()
    real_doc = run_real(scenario) if ok else {"skipped": why}
    differences = compare(sim_doc, real_doc) if ok and not real_doc.get("skipped") \
        and not real_doc.get("error") else []
    if args.json:
        sim_doc["real"] = real_doc
        sim_doc["differences"] = [str(d) for d in differences]
        json.dump(sim_doc, sys.stdout)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(side_by_side_text(sim_doc, real_doc, differences) + "\n")
    return 0


def _run_traced(args: argparse.Namespace, scenario) -> int:
    import json

    from lab.report import Report, result_text
    from lab.scenario.errors import escape
    from lab.stepping.budget import TRACE_BUDGET
    from lab.stepping.record import DEFAULT_FOLD_AFTER
    from lab.stepping.session import Session
    from lab.stepping.text import step_json, trace_text

    session = Session(scenario, fold_after=args.fold_after or DEFAULT_FOLD_AFTER,
                      trace_budget=args.trace_budget or TRACE_BUDGET)
    report = Report(session.initial_maps)
    for rec in session.records:
        if rec.error is not None:
            print(rec.error, file=sys.stderr)
            return 2
        report.events.append((rec.event, rec.maps_after))
    if args.json:
        doc = report.to_json()
        if args.trace:
            for ev, rec in zip(doc["events"], session.records):
                ev["steps"] = [step_json(s) for s in rec.trace.steps]
                ev["folded"] = rec.trace.folds
        json.dump(doc, sys.stdout)
        sys.stdout.write("\n")
        return 0
    out = []
    for stmt, rec in zip(scenario, session.records):
        out.append(f"line {stmt.line}: {stmt.text}")
        out += ["  " + escape(line) for line in trace_text(rec.trace)]  # a file name's ESC
        out.append(f"  = {result_text(rec.event, getattr(stmt, 'func', ''))}")
        out.append("")
    sys.stdout.write("\n".join(out))
    return 0


def _cmd_world(args: argparse.Namespace) -> int:
    from lab.kernel.default_world import default_machine, describe
    from lab.kernel.fs.proc.task_mmu import maps_line

    print(describe())
    print("\nIts /proc/PID/maps:")
    mm = default_machine().task.mm
    for vma in mm.vmas + [mm.gate_vma]:
        print("  " + maps_line(vma))
    return 0


def _cmd_source(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.text import Text

    from lab.source.cindex import UnknownFunction, default_index
    from lab.source.highlight import TAB_SIZE, highlight_c

    index = default_index()
    try:
        fn = index.function(args.name)
    except UnknownFunction as err:
        print(f"mmaplab source: {err}", file=sys.stderr)
        return 2
    lines = index.source_lines(fn)
    width = len(str(fn.end_line))
    header = f"{fn.path}:{fn.line}-{fn.end_line}  {fn.display}  (Linux {KERNEL_VERSION})"
    if args.plain:
        out = [header] + [f"{n:>{width}}  {text.expandtabs(TAB_SIZE)}" for n, text in lines]
        sys.stdout.write("\n".join(out) + "\n")
        return 0
    console = Console(highlight=False, soft_wrap=True)
    console.print(Text(header, style="bold"))
    body = highlight_c("\n".join(text for _, text in lines) + "\n",
                       "light" if args.light else "dark")
    for (n, _), text in zip(lines, body):
        console.print(Text(f"{n:>{width}}  ", style="dim") + text)
    return 0


SUBCOMMANDS = ("source", "run", "world", "lesson", "lessons", "quiz", "teach", "follow",
               "serve")


def _lab_parser() -> argparse.ArgumentParser:
    ap = _Parser(
        prog="mmaplab",
        usage="mmaplab [FILE | -e STATEMENTS | --demo] [--lang en|zh] [--lessons DIR] "
              "[--theme THEME]\n"
              "       mmaplab lesson N [--lang en|zh] [--lessons DIR]\n"
              f"       mmaplab {{{','.join(SUBCOMMANDS)}}} ...",
        description=f"Open the lab: step through Linux {KERNEL_VERSION}'s mmap(2) line by "
        "line. With no scenario it opens the course where you left it (the first lesson the "
        "first time); `mmaplab lesson N` opens lesson N.",
        epilog="The commands are listed below; mmaplab COMMAND --help describes one.")
    ap.add_argument("--version", action="version",
                    version=f"mmaplab {__version__} (Linux {KERNEL_VERSION})")
    what = ap.add_mutually_exclusive_group()
    what.add_argument("scenario", nargs="?", metavar="FILE", help="a scenario file")
    what.add_argument("-e", dest="statements", metavar="STATEMENTS",
                      help="statements separated by ';' or newlines")
    what.add_argument("--demo", action="store_true",
                      help="the built-in scenario, without a lesson")
    ap.add_argument("--theme", metavar="THEME",
                    help="dark, light, or any Textual theme (default: from the terminal)")
    ap.add_argument("--lang", choices=("en", "zh"),
                    help="language of the lab and lessons (default: the one you last took "
                    "the lesson in, else the locale's)")
    ap.add_argument("--lessons", dest="lesson_dirs", action="append", default=[],
                    metavar="DIR", help="add an instructor's directory of lessons")
    return ap


def _lesson_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="mmaplab lesson",
                                 description="Open the lab on one lesson of the course, "
                                 "where you left it (mmaplab lessons lists them).")
    ap.add_argument("lesson", metavar="N", help="a lesson number (from 1) or id")
    ap.add_argument("--lang", choices=("en", "zh"),
                    help="language of the lab and lessons (default: the one you last took "
                    "the lesson in, else the locale's)")
    ap.add_argument("--lessons", dest="lesson_dirs", action="append", default=[],
                    metavar="DIR", help="add an instructor's directory of lessons")
    ap.add_argument("--theme", metavar="THEME",
                    help="dark, light, or any Textual theme (default: from the terminal)")
    return ap


def _cmd_lab(argv: list[str]) -> int:
    """`mmaplab`, `mmaplab FILE`, `mmaplab -e 'STATEMENTS'`: the TUI."""
    import gc

    # Start-up makes only objects that live as long as the app: no collection is worth its
    # time until the first frame is up (the lab turns the collector back on when idle, and
    # here it is back on for a caller of main() whatever happened).
    gc.disable()
    try:
        return _open_lab(argv)
    finally:
        gc.enable()


def _open_lab(argv: list[str]) -> int:
    if argv and argv[0] == "lesson":
        args = _lesson_parser().parse_args(argv[1:])
        args.statements = args.scenario = None
        args.demo = False
    else:
        args = _lab_parser().parse_args(argv)
        args.lesson = None
    from lab.scenario import ScenarioError
    from lab.tui.default_scenario import DEFAULT_SCENARIO, SOURCE_NAME

    theme = {"dark": "textual-dark", "light": "textual-light"}.get(args.theme or "",
                                                                     args.theme)
    import os

    first_frame = bool(os.environ.get("MMAPLAB_EXIT_AFTER_FIRST_FRAME"))
    if args.statements is None and args.scenario is None and not args.demo:
        from lab.tui.app import open_lesson_lab
        from lab.tui.lesson_mode import LessonProblem

        try:  # --lang, else the language this lesson was last taken in, else the locale's
            app = open_lesson_lab(args.lesson, args.lang, args.lesson_dirs, theme=theme,
                                  exit_after_first_frame=first_frame)
        except LessonProblem as err:
            print(f"mmaplab: {err}", file=sys.stderr)
            return 2
        app.run()
        return app.return_code or 0
    if args.statements is not None:
        from lab.scenario import split_statements

        text, name = split_statements(args.statements), "-e"
    elif args.scenario is not None:
        try:
            with open(args.scenario, "rb") as f:
                data = f.read()
        except OSError as err:
            print(f"mmaplab: cannot read {_escape(args.scenario)}: {err.strerror}",
                  file=sys.stderr)
            return 2
        from lab.scenario import decode_scenario

        try:
            text = decode_scenario(data, args.scenario)
        except ScenarioError as err:  # FILE:LINE:COLUMN of the first byte that is not UTF-8
            print(err, file=sys.stderr)
            return 2
        name = args.scenario
    else:
        text, name = DEFAULT_SCENARIO, SOURCE_NAME
    from lab.tui.app import open_lab

    try:
        app = open_lab(text, name, use_cache=True, theme=theme, lang=args.lang,
                       exit_after_first_frame=first_frame)
    except ScenarioError as err:
        print(err, file=sys.stderr)
        return 2
    app.run()
    return app.return_code or 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] not in (*SUBCOMMANDS, "--version") or argv[0] == "lesson":
        if argv and argv[0] in ("-h", "--help"):
            _lab_parser().print_help()
            print()
            _parser().print_help()
            return 0
        return _cmd_lab(argv)
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 0
    try:
        return args.func(args)
    except BrokenPipeError:  # `mmaplab source do_mmap | head`
        sys.stderr.close()
        return 0
