# SPDX-License-Identifier: GPL-2.0-only
"""The `mmaplab` command line."""

from __future__ import annotations

import argparse
import sys

from lab import KERNEL_VERSION, __version__


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
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
    run.add_argument("--fold-after", type=int, default=None, metavar="N",
                     help="record N rounds of a long loop in full, fold the rest (default 4)")
    run.set_defaults(func=_cmd_run)

    world = sub.add_parser("world", help="describe the default world scenarios start in")
    world.set_defaults(func=_cmd_world)
    _add_lessons_parsers(sub)
    return ap


def _add_lessons_parsers(sub) -> None:
    """`mmaplab lessons [check|show]` and `mmaplab quiz` (lab/lessons/commands.py)."""
    lang = {"choices": ["en", "zh"], "default": None,
            "help": "language (default: from LC_ALL, LC_MESSAGES or LANG)"}
    les = sub.add_parser("lessons", help="list the lessons and your progress; check lessons",
                         description="List the course's lessons and your progress. "
                         "`lessons check PATH...` validates lesson files; `lessons show N` "
                         "prints a lesson with its computed answers.")
    les.add_argument("--lessons", dest="lesson_dirs", action="append", default=[],
                     metavar="DIR", help="add an instructor's directory of lessons")
    les.add_argument("--lang", **lang)
    les.set_defaults(func=_cmd_lessons, action=None)
    acts = les.add_subparsers(dest="action", metavar="ACTION")
    chk = acts.add_parser("check", help="validate lesson files (errors as FILE:LINE:COLUMN)")
    chk.add_argument("paths", nargs="+", metavar="PATH", help="lesson files or directories")
    chk.add_argument("--stamp", action="store_true",
                     help="first write the translation stamps (once both languages agree)")
    sub_lang = {**lang, "default": argparse.SUPPRESS}  # keep `lessons --lang zh check ...`
    chk.add_argument("--lang", **sub_lang)
    shw = acts.add_parser("show", help="print a lesson from start to end, with the answers")
    shw.add_argument("lesson", metavar="N|FILE", help="a lesson number, id or file")
    shw.add_argument("--lessons", dest="show_dirs", action="append", default=[],
                     metavar="DIR", help="add an instructor's directory of lessons")
    shw.add_argument("--lang", **sub_lang)

    quiz = sub.add_parser("quiz", help="random mmap problems: predict, then check",
                          description="Random scenarios made by the simulator: predict the "
                          "result (errno, the new VMA, merge or not, pages present), then "
                          "see the answer and the C lines that decided it.")
    quiz.add_argument("--seed", type=int, default=None, metavar="N",
                      help="the same seed asks the same problems")
    quiz.add_argument("--count", type=int, default=5, metavar="K", help="problems (default 5)")
    quiz.add_argument("-c", "--answers", action="store_true", help="print the answers")
    quiz.add_argument("--lang", **lang)
    quiz.set_defaults(func=_cmd_quiz)


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

    if args.count < 1:
        print("mmaplab quiz: --count must be at least 1", file=sys.stderr)
        return 2
    return commands.quiz(args.seed, args.count, args.lang or default_language(), args.answers,
                         sys.stdin.isatty(), sys.stdin, sys.stdout)


def _load_scenario(args: argparse.Namespace):
    from lab.runner import scenario_constants
    from lab.scenario import parse_bytes, parse_scenario, split_statements

    if args.statements is not None:
        return parse_scenario(split_statements(args.statements), "-e", scenario_constants())
    with open(args.scenario, "rb") as f:
        data = f.read()
    return parse_bytes(data, args.scenario, scenario_constants())


def _cmd_run(args: argparse.Namespace) -> int:
    import json

    from lab.report import text_report
    from lab.runner import simulate
    from lab.scenario import ScenarioError

    try:
        scenario = _load_scenario(args)
    except OSError as err:
        print(f"mmaplab run: cannot read {args.scenario}: {err.strerror}", file=sys.stderr)
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
    if args.json:
        json.dump(report.to_json(), sys.stdout)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text_report(report, [getattr(s, "func", "") for s in scenario]))
    return 0


def _run_traced(args: argparse.Namespace, scenario) -> int:
    import json

    from lab.report import Report, result_text
    from lab.stepping.record import DEFAULT_FOLD_AFTER
    from lab.stepping.session import Session
    from lab.stepping.text import step_json, trace_text

    session = Session(scenario, fold_after=args.fold_after or DEFAULT_FOLD_AFTER)
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
        out += ["  " + line for line in trace_text(rec.trace)]
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


SUBCOMMANDS = ("source", "run", "world", "lessons", "quiz")


def _lab_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="mmaplab",
        usage="mmaplab [FILE | -e STATEMENTS] [--theme THEME]\n"
              f"       mmaplab {{{','.join(SUBCOMMANDS)}}} ...",
        description=f"Open the lab: step through Linux {KERNEL_VERSION}'s mmap(2) line by "
        "line. With no scenario it opens on a built-in one.",
        epilog="Commands (mmaplab COMMAND --help): source (print a kernel function), run "
        "(run a scenario and report), world (the default world).")
    ap.add_argument("--version", action="version",
                    version=f"mmaplab {__version__} (Linux {KERNEL_VERSION})")
    what = ap.add_mutually_exclusive_group()
    what.add_argument("scenario", nargs="?", metavar="FILE", help="a scenario file")
    what.add_argument("-e", dest="statements", metavar="STATEMENTS",
                      help="statements separated by ';' or newlines")
    ap.add_argument("--theme", metavar="THEME",
                    help="dark, light, or any Textual theme (default: from the terminal)")
    return ap


def _cmd_lab(argv: list[str]) -> int:
    """`mmaplab`, `mmaplab FILE`, `mmaplab -e 'STATEMENTS'`: the TUI."""
    args = _lab_parser().parse_args(argv)
    from lab.scenario import ScenarioError
    from lab.tui.default_scenario import DEFAULT_SCENARIO, SOURCE_NAME

    if args.statements is not None:
        from lab.scenario import split_statements

        text, name = split_statements(args.statements), "-e"
    elif args.scenario is not None:
        try:
            with open(args.scenario, "rb") as f:
                data = f.read()
        except OSError as err:
            print(f"mmaplab: cannot read {args.scenario}: {err.strerror}", file=sys.stderr)
            return 2
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            print(f"mmaplab: {args.scenario} is not UTF-8 text", file=sys.stderr)
            return 2
        name = args.scenario
    else:
        text, name = DEFAULT_SCENARIO, SOURCE_NAME
    from lab.tui.app import open_lab

    theme = {"dark": "textual-dark", "light": "textual-light"}.get(args.theme or "",
                                                                     args.theme)
    import os

    try:
        app = open_lab(text, name, use_cache=True, theme=theme, exit_after_first_frame=bool(
            os.environ.get("MMAPLAB_EXIT_AFTER_FIRST_FRAME")))
    except ScenarioError as err:
        print(err, file=sys.stderr)
        return 2
    app.run()
    return app.return_code or 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] not in (*SUBCOMMANDS, "--version"):
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
