# SPDX-License-Identifier: GPL-2.0-only
"""An instructor without the app: a real Session taught over a real socket, driven by
commands on standard input (tests, the benchmark, and scripted demonstrations).

    python -m lab.classroom.headless NAME [--dir DIR] [--private] [-e STATEMENTS | FILE]

Commands, one a line; each answers with one JSON line on standard output:
    step | back | next | finish       move as s, S, n, f do in the lab
    go STATEMENT STEP | goto GLOBAL   jump
    bp WHERE [CONDITION...]           add a breakpoint
    panel ID | address N | lesson ID PAGE | end 0|1    what the app would publish besides
    stats                             the broadcaster's counters
    quit                              say goodbye to followers and exit
With --rate HZ --seconds S it steps by itself (wrapping to the start at the end) and exits.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from lab.classroom.link import Teacher
from lab.classroom.sockets import ClassroomError
from lab.runner import scenario_constants
from lab.scenario import ScenarioError, parse_scenario, split_statements
from lab.stepping.session import Position, Session


def _session(args: argparse.Namespace) -> tuple[Session, str, str]:
    if args.statements is not None:
        text, name = split_statements(args.statements), "-e"
    elif args.scenario is not None:
        with open(args.scenario, encoding="utf-8") as f:
            text, name = f.read(), args.scenario
    else:
        from lab.tui.default_scenario import DEFAULT_SCENARIO, SOURCE_NAME

        text, name = DEFAULT_SCENARIO, SOURCE_NAME
    return Session(parse_scenario(text, name, scenario_constants())), text, name


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m lab.classroom.headless")
    ap.add_argument("name")
    ap.add_argument("scenario", nargs="?")
    ap.add_argument("-e", dest="statements")
    ap.add_argument("--dir", default=None)
    ap.add_argument("--group", default=None)
    ap.add_argument("--private", action="store_true")
    ap.add_argument("--rate", type=float, default=None, help="steps a second, by itself")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--wait-followers", type=int, default=0, metavar="N",
                    help="with --rate: wait (up to a minute) until N followers are connected")
    args = ap.parse_args(argv)
    try:
        session, text, _ = _session(args)
    except (OSError, ScenarioError) as err:
        print(f"headless: {err}", file=sys.stderr)
        return 2
    extras: dict = {}
    try:
        teacher = Teacher(args.name, session, directory=args.dir, group=args.group,
                          private=args.private, text=text, extras=lambda: dict(extras))
    except ClassroomError as err:
        print(f"headless: {err}", file=sys.stderr)
        return 2

    def say(doc: dict) -> None:
        sys.stdout.write(json.dumps(doc, separators=(",", ":")) + "\n")
        sys.stdout.flush()

    def where() -> dict:
        p = session.position
        return {"event": "at", "statement": p.statement, "step": p.step,
                "global": session.global_index, "time": time.time()}

    say({**where(), "event": "ready", "socket": str(teacher.broadcaster.path),
         "total_steps": session.total_steps})
    try:
        if args.rate:
            end = time.monotonic() + 60
            while teacher.broadcaster.followers < args.wait_followers and \
                    time.monotonic() < end:
                time.sleep(0.05)
            say({**where(), "event": "start", "followers": teacher.broadcaster.followers})
            _drive(session, args.rate, args.seconds)
            time.sleep(0.5)  # let the last frame reach everyone before the bye
            say({**where(), "event": "final"})
            say({"event": "stats", **teacher.broadcaster.stats()})
            return 0
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            if words[0] == "quit":
                break
            try:
                reply = _command(session, teacher, extras, words)
            except (ValueError, IndexError, ScenarioError) as err:
                reply = {"event": "error", "error": str(err)}
            say(reply or ({"event": "stats", **teacher.broadcaster.stats()}
                          if words[0] == "stats" else where()))
    finally:
        teacher.stop()
    return 0


def _command(session: Session, teacher: Teacher, extras: dict, words: list[str]):
    cmd, rest = words[0], words[1:]
    moves = {"step": session.step_into, "back": session.step_back,
             "next": session.step_over, "finish": session.step_out}
    if cmd in moves:
        moves[cmd]()
    elif cmd == "go":
        session.go(Position(int(rest[0]), int(rest[1])))
    elif cmd == "goto":
        session.goto_step(int(rest[0]))
    elif cmd == "bp":
        session.add_breakpoint(rest[0], " ".join(rest[1:]) or None)
    elif cmd == "panel":
        extras["panel"] = rest[0]
    elif cmd == "address":
        extras["address"] = int(rest[0], 0)
    elif cmd == "lesson":
        extras["lesson"], extras["page"] = rest[0], int(rest[1])
    elif cmd == "end":
        extras["at_end"] = rest[0] == "1"
    elif cmd != "stats":
        return {"event": "error", "error": f"unknown command {cmd!r}"}
    teacher.link.changed()  # what Session.subscribe does not see (breakpoints, extras)
    return None


def _drive(session: Session, rate: float, seconds: float) -> None:
    """Step at `rate` Hz on a fixed schedule (no drift), wrapping at the end."""
    start = time.monotonic()
    n = 0
    while True:
        n += 1
        at = start + n / rate
        if at - start > seconds:
            return
        time.sleep(max(0.0, at - time.monotonic()))
        if session.global_index + 1 >= session.total_steps:
            session.goto_step(0)
        else:
            session.step_into()


if __name__ == "__main__":
    raise SystemExit(main())
