# SPDX-License-Identifier: GPL-2.0-only
"""A run document read back as a scenario: each statement's arguments, and its mappings.

Addresses differ between the model's process and the real one, so comparing needs them in
terms both share. A mapping made at line 3 is "line 3's mapping"; an address inside it is
("line", 3, offset). A hint-less mapping is placed "below" something: the row above it
(another scenario mapping, or the top of the free area below the libraries) and the gap.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.realkernel.world import MMAP_AREA

ULONG_MAX = (1 << 64) - 1
PAGE = 4096
PROGRAM_START = 0x555555554000  # below it, placements are bottom-up and absolute
MAP_HUGETLB, MAP_HUGE_SHIFT = 0x40000, 26
MMAP_MIN_FLOOR = 65536


@dataclass(frozen=True)
class Extent:
    line: int
    start: int
    end: int


def coord_text(c: tuple) -> str:
    if c[0] == "none":
        return "nothing"
    if c[0] == "world":
        return f"the program's memory at top {'+' if c[1] >= 0 else '-'} {abs(c[1]):#x}"
    if c[0] == "line":
        return f"line {c[1]}'s mapping {'+' if c[2] >= 0 else '-'} {abs(c[2]):#x}"
    if c[0] == "top":
        return f"the top of the free area {'+' if c[1] >= 0 else '-'} {abs(c[1]):#x}"
    return f"{c[1]:#x}"


class Placement:
    """Where an mmap put its mapping, as a tuple both machines can share."""

    @staticmethod
    def text(p: tuple) -> str:
        if p[0] == "at":
            return "at " + coord_text(p[1])
        if p[0] == "hint":
            return f"at the hint {'+' if p[1] >= 0 else '-'} {abs(p[1]):#x}"
        if p[0] == "abs":
            return f"at {p[1]:#x}"
        above = "the top of the free area" if p[1] == ("top",) else coord_text(p[1])
        return f"{p[2]:#x} bytes below {above}" if p[2] else f"right below {above}"


class ScenarioView:
    """One side's document, with its statements parsed and evaluated again."""

    def __init__(self, doc: dict, side: str) -> None:
        from lab.runner import scenario_constants
        from lab.scenario import parse_statement

        self.doc, self.side = doc, side
        self.events: list[dict] = doc["events"]
        self.world = {_key(r) for r in doc["initial_maps"]}
        area = [r["start"] for r in doc["initial_maps"]
                if MMAP_AREA <= r["start"] < 1 << 47 and r["path"] != "[stack]"]
        self.top = min(area) if area else 0
        constants = scenario_constants()
        env: dict = {}
        self.calls: list[tuple[str, list, dict]] = []
        self.extents: list[Extent | None] = []
        for ev in self.events:
            call = ("", [], {})
            try:
                stmt = parse_statement(ev["stmt"], ev["line"], "-e", constants, env.keys())
                call = _evaluated(stmt, {**constants, **env})
            except Exception:  # not a statement this view understands: compare what it can
                stmt = None
            self.calls.append(call)
            self.extents.append(self._extent(ev, call))
            target = getattr(stmt, "target", None)
            if target is not None:
                value = ev.get("value") if ev.get("value") is not None else ev["ret"]
                if value is not None:
                    env[target] = value

    def func(self, k: int) -> str:
        return self.calls[k][0]

    def _extent(self, ev: dict, call) -> Extent | None:
        func, args, _ = call
        if func != "mmap" or ev["errno"] is not None or not isinstance(ev["ret"], int):
            return None
        length, flags = args[1] & ULONG_MAX, args[3] & ULONG_MAX
        align = PAGE
        row = next((r for r in ev["maps"] if r["start"] <= ev["ret"] < r["end"]), None)
        if flags & MAP_HUGETLB or (row is not None and "ht" in row["vmflags"]):
            shift = flags >> MAP_HUGE_SHIFT & 0x3F
            align = 1 << shift if shift else 2 << 20
        return Extent(ev["line"], ev["ret"], ev["ret"] + -(-length // align) * align)

    def coord(self, x: int, upto: int, end: bool = False) -> tuple:
        """Address x as ("line", L, offset) by the mappings of events 0..upto."""
        extents = [e for e in self.extents[:upto + 1] if e is not None]
        for e in reversed(extents):  # an edge of a mapping names the boundary best
            if x in (e.start, e.end):
                return ("line", e.line, x - e.start)
        for e in reversed(extents):
            if (e.start < x <= e.end) if end else (e.start <= x < e.end):
                return ("line", e.line, x - e.start)
        near = [e for e in extents if abs(x - e.start) < 1 << 30]
        if near:
            e = min(near, key=lambda e: abs(x - e.start))
            return ("line", e.line, x - e.start)
        return ("abs", x) if x < PROGRAM_START else ("top", x - self.top)

    def is_world(self, row: dict) -> bool:
        return row.get("owner") == "runner" or _key(row) in self.world

    def placement(self, k: int) -> tuple:
        ev, (_, args, _) = self.events[k], self.calls[k]
        ret, addr = ev["ret"], args[0] & ULONG_MAX
        if addr and ret in (addr & ~(PAGE - 1), MMAP_MIN_FLOOR):
            return ("hint", ret - addr)
        inside = self.coord(ret, k - 1) if k else ("abs", ret)
        if inside[0] == "line" and self._within(ret, k - 1):
            return ("at", inside)
        if ret < PROGRAM_START:
            return ("abs", ret)
        end = self.extents[k].end
        before = self.events[k - 1]["maps"] if k else self.doc["initial_maps"]
        above = min((r for r in before if r["start"] >= end), key=lambda r: r["start"],
                    default=None)
        if above is None:
            return ("below", ("none",), 0)
        if self.is_world(above):
            ident = ("top",) if above["start"] == self.top else \
                ("world", above["start"] - self.top)
        else:
            ident = self.coord(above["start"], k - 1)
        return ("below", ident, above["start"] - end)

    def _within(self, x: int, upto: int) -> bool:
        return any(e is not None and e.start <= x <= e.end for e in self.extents[:upto + 1])

    def rows(self, k: int) -> dict[tuple, dict]:
        """The scenario's own rows after event k, by (start, end) coordinates."""
        out = {}
        for r in self.events[k]["maps"]:
            if self.is_world(r):
                continue
            key = (self.coord(r["start"], k), self.coord(r["end"], k, end=True))
            out[key] = r
        return out


def _key(row: dict) -> tuple:
    return (row["start"], row["end"], row["perms"], row["offset"], row["path"])


def _evaluated(stmt, env: dict) -> tuple[str, list, dict]:
    from lab.scenario import Call, evaluate

    if not isinstance(stmt, Call):
        return (type(stmt).__name__.lower(), [], {})
    return (stmt.func, [evaluate(a, env) for a in stmt.args],
            {k: evaluate(v, env) for k, v in stmt.kwargs})
