# SPDX-License-Identifier: GPL-2.0-only
"""Anchors: the step of the recorded trace a narration, checkpoint or question belongs to.

`at = "do_mmap"` is the first step that enters do_mmap; `at = "mm/mmap.c:1281"` the first
step on that C line; `statement = K` limits the search to statement K, and alone means the
statement's first step (its last, for a checkpoint). Anything that does not resolve is an
error with a hint: which functions or lines the statement does reach.
"""

from __future__ import annotations

from lab.lessons.model import Anchor
from lab.lessons.recording import Recording
from lab.source.cindex import CIndex, default_index
from lab.stepping.session import Breakpoint


class AnchorError(Exception):
    """An anchor that names nothing, or nothing the scenario reaches."""

    def __init__(self, key: str, **params):
        super().__init__(key, params)
        self.key = key
        self.params = params


def static_check(at: str, index: CIndex | None = None) -> None:
    """Raise AnchorError unless `at` names a kept C function or a kept C statement's line."""
    index = index or default_index()
    if ":" not in at:
        if _function_known(index, at):
            return
        close = index.close_matches(at, n=1)
        raise AnchorError("anchor_function_unknown", name=at, hint=close[0] if close else "")
    path, _, line_text = at.rpartition(":")
    if not line_text.isdigit():
        raise AnchorError("anchor_line_bad", at=at)
    line = int(line_text)
    if path not in index.paths:
        close = [p for p in index.paths if p.endswith("/" + path.rsplit("/", 1)[-1])]
        raise AnchorError("anchor_file_unknown", path=path, hint=close[0] if close else "")
    kfile = index.manifest.files[path]
    if kfile.local_line(line) is None:
        raise AnchorError("anchor_line_not_kept", at=at)
    fn = index.function_at(path, line)
    if fn is None or fn.statement_at(line) is None:
        raise AnchorError("anchor_line_not_statement", at=at)


def _function_known(index: CIndex, name: str) -> bool:
    """A C function by name or by the display name the trace uses (SYSCALL_DEFINE6(mmap))."""
    return bool(index.functions(name) or index.functions("sys_" + name))


def step_range(anchor: Anchor, rec: Recording) -> range:
    if anchor.statement is None:
        return range(0, rec.session.total_steps)  # type: ignore[attr-defined]
    k = anchor.statement
    if k > len(rec.session.records):  # type: ignore[attr-defined]
        raise AnchorError("statement_not_run", n=k, ran=len(rec.session.records))  # type: ignore
    return range(rec.first_step(k), rec.last_step(k) + 1)


def resolve(anchor: Anchor, rec: Recording, default: str = "first") -> int:
    """The global step index of the anchor; raises AnchorError."""
    steps = step_range(anchor, rec)
    if anchor.at is None:
        if anchor.statement is None:
            raise AnchorError("anchor_nothing")
        return steps[0] if default == "first" else steps[-1]
    session = rec.session
    bp = Breakpoint(anchor.at)
    for g in steps:
        step = session.step_at(session.position_of(g))  # type: ignore[attr-defined]
        if step is not None and step.kind == "line" and bp.matches_place(step):
            return g  # a step of the trace names only kept functions and statements
    static_check(anchor.at)  # not reached: say first if it names nothing at all (this
    #                          reads every C file, which opening a lesson need not wait for)
    raise AnchorError("anchor_unreached", at=anchor.at, where=_scope(anchor),
                      reached=_reached_hint(anchor, rec, steps))


def _scope(anchor: Anchor) -> str:
    return f"statement {anchor.statement}" if anchor.statement else "the scenario"


def _reached_hint(anchor: Anchor, rec: Recording, steps: range) -> str:
    """What the scenario does reach nearby: lines of the same function, or functions."""
    session = rec.session
    seen = [session.step_at(session.position_of(g)) for g in steps]  # type: ignore[attr-defined]
    seen = [s for s in seen if s is not None and s.kind == "line"]
    assert anchor.at is not None
    if anchor.is_line:
        path, _, line = anchor.at.rpartition(":")
        fn = default_index().function_at(path, int(line))
        lines = sorted({s.c_line for s in seen if fn is not None and s.c_path == path
                        and fn.line <= s.c_line <= fn.end_line})
        if lines:
            near = sorted(lines, key=lambda n: abs(n - int(line)))[:4]
            return ", ".join(f"{path}:{n}" for n in sorted(near))
    names = list(dict.fromkeys(s.function for s in seen))
    return ", ".join(names[:12]) + (" ..." if len(names) > 12 else "") if names else "-"
