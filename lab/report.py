# SPDX-License-Identifier: GPL-2.0-only
"""`mmaplab run` output: the JSON of design section 5, and a report a person reads."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from lab import KERNEL_VERSION
from lab.kernel.include.uapi.errno import MMAP_ERRNO_MEANINGS
from lab.runner import Event
from lab.scenario.errors import escape
from lab.world.maps import iter_maps

SHOWN_MAPS = ("start", "end", "perms", "offset", "path", "rss", "locked", "present", "hugetlb",
              "vmflags")


@dataclass
class Report:
    initial_maps: list[dict]
    # Each event's maps: a list, or a lab.world.maps.MapsAfter (what the statement changed)
    events: list[tuple[Event, Sequence[dict]]] = field(default_factory=list)
    machine: object = None  # the machine as the scenario left it

    def to_json(self) -> dict:
        return {
            "kernel": KERNEL_VERSION,
            "initial_maps": self.initial_maps,
            "events": list(self.events_json()),
        }

    def events_json(self) -> Iterator[dict]:
        """Each event's JSON object in turn, its maps in full."""
        maps = iter_maps(self.initial_maps, (m for _, m in self.events))
        for (event, _), rows in zip(self.events, maps):
            yield _event_json(event, rows)

    def write_json(self, out: TextIO) -> None:
        """Write to_json() as json.dump would, one event at a time: the whole document of a
        long scenario is never in memory at once."""
        out.write('{"kernel": ' + json.dumps(KERNEL_VERSION) + ', "initial_maps": ')
        json.dump(self.initial_maps, out)
        out.write(', "events": [')
        for k, doc in enumerate(self.events_json()):
            if k:
                out.write(", ")
            json.dump(doc, out)
        out.write("]}")


def _event_json(event: Event, maps: list[dict]) -> dict:
    out = {"line": event.line, "stmt": event.stmt, "ret": event.ret, "errno": event.errno,
           "signal": event.signal, "maps": maps}
    if event.value is not None:
        out["value"] = event.value
    if event.signal is not None:  # an extension of section 5: how the signal came about
        out["si_code"] = event.si_code
        if event.si_addr is not None:
            out["si_addr"] = event.si_addr
    return out


def _row_key(row: dict) -> tuple:
    return (row["start"], row["end"])


def _kb(n: int) -> str:
    return f"{n // 1024} kB"


def maps_text(rows: list[dict], before: list[dict] | None = None) -> list[str]:
    """maps rows with Rss and Locked; rows new or changed since `before` marked + or ~."""
    old = {_row_key(r): r for r in (before or [])}
    width = max([25] + [len(f"{r['start']:x}-{r['end']:x}") for r in rows])
    lines = [f"  {'start-end':<{width}} {'perms':<5} {'offset':<8} {'Rss':>8} {'Locked':>8}  path"]
    for row in rows:
        prev = old.pop(_row_key(row), None)
        mark = " " if before is None or prev == row else ("+" if prev is None else "~")
        span = f"{row['start']:x}-{row['end']:x}"
        lines.append(f"{mark} {span:<{width}} {row['perms']:<5} {row['offset']:08x} "
                     f"{_kb(row['rss']):>8} {_kb(row['locked']):>8}  {_shown_path(row)}")
    for row in old.values():
        span = f"{row['start']:x}-{row['end']:x}"
        lines.append(f"- {span:<{width}} {row['perms']:<5} {row['offset']:08x} "
                     f"{'':>8} {'':>8}  {_shown_path(row)}")
    return lines


def _shown_path(row: dict) -> str:
    # A file name came from the user: never send its control characters to the terminal.
    return escape(row["path"])


def result_text(event: Event, func: str) -> str:
    if event.errno is not None:
        failed = "MAP_FAILED" if func == "mmap" else str(-1)
        meaning = MMAP_ERRNO_MEANINGS.get(event.errno, "")
        return f"{failed}, errno {event.errno} ({-event.ret})" + (f": {meaning}" if meaning
                                                                  else "")
    if event.signal is not None:
        how = f" ({event.si_code}" + (f" at {event.si_addr:#x})" if event.si_addr else ")") \
            if event.si_code else ""
        return f"killed by {event.signal}{how}"
    if func == "mmap":
        return f"{event.ret:#x}"
    if event.value is not None:
        return str(event.value)
    if event.ret is None:
        return "done"  # a write to memory: no value
    return str(event.ret)


def text_report(report: Report, funcs: list[str]) -> str:
    out = [f"mmaplab: Linux {KERNEL_VERSION} model, default world (see `mmaplab world`)", ""]
    before = report.initial_maps
    every_maps = iter_maps(report.initial_maps, (m for _, m in report.events))
    for (event, _), maps, func in zip(report.events, every_maps, funcs):
        out.append(f"line {event.line}: {event.stmt}")
        out.append(f"  = {result_text(event, func)}")
        if maps != before:
            out.append("  maps after it (+ new, ~ changed, - gone):")
            out += ["  " + line for line in maps_text(maps, before)]
        else:
            out.append("  maps unchanged")
        out.append("")
        before = maps
    return "\n".join(out)
