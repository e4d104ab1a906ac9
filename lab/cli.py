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
    return ap


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


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 0
    try:
        return args.func(args)
    except BrokenPipeError:  # `mmaplab source do_mmap | head`
        sys.stderr.close()
        return 0
