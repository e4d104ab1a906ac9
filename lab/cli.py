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
    return ap


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
