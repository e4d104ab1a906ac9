# SPDX-License-Identifier: GPL-2.0-only
"""What an instructor publishes: enough for a student's lab to be at the same place.

Plain data. The scenario is sent as text with its source name, and the position as
(statement, step): the same text records the same trace everywhere, so the step index means
the same line of C on every student's machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lab.stepping.session import Position


class BadState(ValueError):
    """A state message whose fields do not have the types and ranges below."""


@dataclass(frozen=True)
class ClassState:
    scenario: str
    source_name: str
    position: Position
    at_end: bool = False
    breakpoints: tuple[tuple[str, str | None], ...] = ()  # (where, condition)
    lesson: str | None = None  # a lesson id, with the page the instructor is on
    page: int | None = None
    panel: str | None = None  # the focused panel's id ("c", "vmas", ...)
    address: int | None = None  # the address the page-table panel walks, if one was chosen
    extra: dict = field(default_factory=dict, compare=False)  # fields of a newer instructor

    def to_json(self) -> dict:
        return {"scenario": self.scenario, "source_name": self.source_name,
                "statement": self.position.statement, "step": self.position.step,
                "at_end": self.at_end,
                "breakpoints": [[w, c] for w, c in self.breakpoints],
                "lesson": self.lesson, "page": self.page, "panel": self.panel,
                "address": self.address}

    @classmethod
    def from_json(cls, doc: object) -> ClassState:
        """Check every field; raise BadState on anything a follower should not apply."""
        if not isinstance(doc, dict):
            raise BadState("state is not an object")
        scenario = _get(doc, "scenario", str)
        source_name = _get(doc, "source_name", str)
        statement = _get(doc, "statement", int)
        step = _get(doc, "step", int)
        if statement < 0:
            raise BadState("statement is negative")
        if step < 0:
            raise BadState("step is negative")
        raw_bps = doc.get("breakpoints", [])
        if not isinstance(raw_bps, list):
            raise BadState("breakpoints is not a list")
        bps = []
        for i, bp in enumerate(raw_bps):
            if (not isinstance(bp, list) or len(bp) != 2 or not isinstance(bp[0], str)
                    or not isinstance(bp[1], str | None)):
                raise BadState(f"breakpoints[{i}] is not [where, condition]")
            bps.append((bp[0], bp[1]))
        address = _get(doc, "address", int, optional=True)
        if address is not None and not 0 <= address < 1 << 64:
            raise BadState("address is outside 0..2**64-1")
        page = _get(doc, "page", int, optional=True)
        if page is not None and page < 0:  # a negative index would count from the end
            raise BadState("page is negative")
        known = {"scenario", "source_name", "statement", "step", "at_end", "breakpoints",
                 "lesson", "page", "panel", "address"}
        return cls(scenario, source_name, Position(statement, step),
                   at_end=_get(doc, "at_end", bool, optional=True) or False,
                   breakpoints=tuple(bps),
                   lesson=_get(doc, "lesson", str, optional=True),
                   page=page,
                   panel=_get(doc, "panel", str, optional=True),
                   address=address,
                   extra={k: v for k, v in doc.items() if k not in known})


def _get(doc: dict, key: str, kind: type, optional: bool = False):
    value = doc.get(key)
    if value is None and optional:
        return None
    if kind is int and isinstance(value, bool):  # JSON true is not a step number
        raise BadState(f"{key} is not an integer")
    if not isinstance(value, kind):
        raise BadState(f"{key} is missing or not {kind.__name__}")
    return value
