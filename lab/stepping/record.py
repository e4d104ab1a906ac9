# SPDX-License-Identifier: GPL-2.0-only
"""Recording: run one scenario statement through the twin while a trace of steps is kept.

A step is one linked C statement reached by the twin (design section 3): where it is in the
C and in the Python, how deep the call is, the call stack, the locals of the current
function and what the step changed in the machine. Statements the lab does not model are
steps too, carrying their reason. A loop that goes round more than `fold_after` times is
folded: its later rounds become one summary step, and the machine ends in the same state.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lab.kernel import fold
from lab.kernel import twin as twin_registry
from lab.kernel.links import Link, LinkTable, default_links, display_path
from lab.kernel.machine import Machine
from lab.source.cindex import CIndex, default_index
from lab.stepping.capture import capture_locals
from lab.stepping.state import NO_CHANGES, StateTracker, StepChanges

DEFAULT_FOLD_AFTER = 4  # rounds of a loop recorded in full before the rest is folded


@dataclass(frozen=True, slots=True)
class Frame:
    """One level of the call stack: the C function and the C line it is at."""

    function: str  # C display name: "do_mmap", "SYSCALL_DEFINE6(mmap)"
    c_path: str
    c_line: int
    py_path: str
    py_line: int


@dataclass(slots=True)
class Step:
    index: int
    kind: str  # "line", or "fold" for a summary of folded loop rounds
    link: Link | None
    c_path: str
    c_line: int
    c_end: int
    function: str
    py_path: str
    py_line: int
    depth: int
    stack: tuple[Frame, ...]
    locals: dict[str, Any]
    changes: StepChanges
    ret: int | None = None  # set on the step whose statement returned from its function
    note: str | None = None  # the fold summary, or the not-modelled reason
    entry: bool = False  # the first step of a call: where `break FUNCTION` stops

    @property
    def not_modelled(self) -> str | None:
        return self.link.not_modelled if self.link is not None else None

    @property
    def c_location(self) -> str:
        return f"{self.c_path}:{self.c_line}"


@dataclass(slots=True)
class Trace:
    """The steps of one scenario statement."""

    statement_index: int
    steps: list[Step] = field(default_factory=list)
    folds: list[str] = field(default_factory=list)  # what was folded, in words
    result: Any = None


class _FrameState:
    __slots__ = (
        "c_line",
        "c_path",
        "cfn",
        "continues",
        "fold",
        "fold_changes_from",
        "fold_rounds",
        "frame",
        "last_locals",
        "last_step",
        "py_line",
        "twin",
        "visits",
    )

    def __init__(self, frame, twin, cfn, continues: bool = False):
        self.frame = frame
        self.twin = twin
        self.cfn = cfn
        # A goto-label helper called from its own C function: the same C frame, carried on.
        self.continues = continues
        self.c_path = cfn.path
        self.c_line = cfn.body_line
        self.py_line = frame.f_lineno
        self.visits: dict[tuple[int, int], int] = {}  # loop extent → rounds seen
        self.fold: tuple[int, int] | None = None  # the loop being folded
        self.fold_rounds = 0
        self.fold_changes_from = 0
        self.last_step: Step | None = None
        self.last_locals: dict[str, Any] | None = None


class Recorder:
    """Records the twin as it runs, through sys.settrace on twin functions only."""

    def __init__(self, machine: Machine, links: LinkTable | None = None,
                 index: CIndex | None = None, fold_after: int = DEFAULT_FOLD_AFTER):
        self.links = links or default_links()
        self.index = index or default_index()
        self.fold_after = fold_after
        self.machine = machine
        self.state = StateTracker(machine)
        self._stack: list[_FrameState] = []
        self._trace: Trace | None = None
        self._cfn: dict = {}  # twin → its C function
        self._loop_heads: dict = {}  # C function → {first statement of a loop body: loop}
        # Tens of thousands of steps share a few hundred distinct frames and stacks: each is
        # kept once (a step of 300 mmaps' recording keeps pointers, not its own copies).
        self._frames: dict[tuple, Frame] = {}
        self._stacks: dict[tuple[Frame, ...], tuple[Frame, ...]] = {}

    # -- public --------------------------------------------------------------------------
    def record(self, statement_index: int, call: Callable[[], Any]) -> Trace:
        trace = self._trace = Trace(statement_index)
        self.state.begin()
        old = sys.gettrace()
        old_fold_after, fold.POLICY.fold_after = fold.POLICY.fold_after, self.fold_after
        sys.settrace(self._on_call)
        try:
            trace.result = call()
        finally:
            sys.settrace(old)
            fold.POLICY.fold_after = old_fold_after
            self._stack.clear()
            self._flush()
            self.state.end()
        return trace

    def record_whole(self, statement_index: int, call: Callable[[], Any], note: str) -> Trace:
        """Run a statement untraced, as one step at its first twin function's entry.

        Past the session's trace budget: the statement runs at the speed of `mmaplab run`
        and its one step carries everything it changed, as a folded loop's step does.
        """
        trace = self._trace = Trace(statement_index)
        self.state.begin()
        entry: list[tuple[Any, Any, dict[str, Any]]] = []

        def first_twin(frame, event, arg):
            twin = twin_registry.BY_CODE.get(frame.f_code)
            if twin is not None:
                entry.append((twin, frame, capture_locals(frame, None)))
                sys.settrace(None)  # the rest of the statement runs untraced
            return None

        old = sys.gettrace()
        sys.settrace(first_twin)
        try:
            trace.result = call()
        finally:
            sys.settrace(old)
            changes = self.state.take()
            self.state.end()
        if entry:
            twin, frame, locals_ = entry[0]
            cfn = self._cfn.get(twin) or self._cfn.setdefault(
                twin, self.index.function(twin.c_name))
            path = frame.f_code.co_filename
            key = (cfn.display, cfn.path, cfn.body_line, path, frame.f_code.co_firstlineno)
            top = self._frames.get(key) or self._frames.setdefault(
                key, Frame(cfn.display, cfn.path, cfn.body_line, display_path(path),
                           frame.f_code.co_firstlineno))
            stack = self._stacks.setdefault((top,), (top,))
            trace.steps.append(Step(
                index=0, kind="whole", link=None, c_path=cfn.path, c_line=cfn.body_line,
                c_end=cfn.body_line, function=cfn.display, py_path=top.py_path,
                py_line=top.py_line, depth=1, stack=stack, locals=locals_,
                changes=changes, note=note, entry=True))
        return trace

    def close(self) -> None:
        """Stop watching the machine."""
        self.state.close()

    @property
    def folding(self) -> bool:
        """True while a loop is being folded: the twin may take its bulk path."""
        return any(fs.fold is not None for fs in self._stack)

    # -- tracing -------------------------------------------------------------------------
    def _on_call(self, frame, event, arg):
        twin = twin_registry.BY_CODE.get(frame.f_code)
        if twin is None:
            if frame.f_code in fold.FOLD_CODES and self._stack:
                return self._bulk_fold(self._stack[-1], frame)
            return None
        if self.folding:
            return None  # a call made by a folded round: no step of its own, nor its lines
        cfn = self._cfn.get(twin)
        if cfn is None:
            cfn = self._cfn[twin] = self.index.function(twin.c_name)
        continues = (twin.label is not None and bool(self._stack)
                     and self._stack[-1].cfn is cfn)
        self._stack.append(_FrameState(frame, twin, cfn, continues))
        return self._on_event

    def _on_event(self, frame, event, arg):
        fs = self._stack[-1] if self._stack else None
        if fs is None or fs.frame is not frame:
            return self._on_event
        if event == "line":
            link = self.links.link_at(frame.f_code.co_filename, frame.f_lineno)
            if link is not None:
                self._line(fs, link)
        elif event == "return":
            if fs.fold is not None:
                self._end_fold(fs)
            if fs.last_step is not None and isinstance(arg, int) and not self._outer_folding():
                fs.last_step.ret = arg
            self._stack.pop()
            if fs.continues and self._stack and fs.last_step is not None:
                parent = self._stack[-1]  # the C function goes on where the label left it
                parent.last_step = fs.last_step
                parent.c_line, parent.c_path, parent.py_line = fs.c_line, fs.c_path, fs.py_line
        return self._on_event

    def _line(self, fs: _FrameState, link: Link) -> None:
        if self._outer_folding():
            return  # a call made by a folded round: part of the summary
        c_line = link.c.line
        if fs.fold is not None:
            first, last = fs.fold
            if first <= c_line <= last:
                if c_line == first or self._is_round_start(fs, c_line):
                    fs.fold_rounds += 1
                return
            self._end_fold(fs)
        loop = self._loop_round(fs, link)
        if loop is not None and fs.visits[loop] > self.fold_after:
            self._flush()  # what came before the folded rounds was the last step's doing
            fs.fold = loop
            fs.fold_rounds = 1
            fs.fold_changes_from = self.state.mark()
            return
        fs.c_line, fs.c_path, fs.py_line = c_line, link.c.path, link.py_line
        self._emit(fs, "line", link)

    def _outer_folding(self) -> bool:
        return any(f.fold is not None for f in self._stack[:-1])

    def _heads(self, cfn) -> dict:
        heads = self._loop_heads.get(id(cfn))
        if heads is None:
            heads = {}
            for loop in cfn.loops:
                first = next((s for s in cfn.statements if loop[0] <= s.line <= loop[1]
                              and s.kind != "loop"), None)
                if first is not None:
                    heads.setdefault(first, loop)  # an inner loop never shares its outer's head
            self._loop_heads[id(cfn)] = heads
        return heads

    def _loop_round(self, fs: _FrameState, link: Link) -> tuple[int, int] | None:
        """Count rounds of the loop whose first statement this is."""
        loop = self._heads(fs.cfn).get(link.c) if fs.cfn.loops else None
        if loop is not None:
            fs.visits[loop] = fs.visits.get(loop, 0) + 1
        return loop

    def _is_round_start(self, fs: _FrameState, c_line: int) -> bool:
        loop = self._heads(fs.cfn)
        return any(st.line == c_line and lp == fs.fold for st, lp in loop.items())

    def _bulk_fold(self, fs: _FrameState, frame):
        """A call of a fold function (lab/kernel/fold.py): one summary step for its rounds."""
        if self.folding:
            return None  # made by a round being folded already: part of that fold's summary
        self._flush()
        mark = self.state.mark()
        rounds_before = frame.f_locals.get("nr_pages", 0)

        def on_return(f, event, arg):
            if event == "return" and f is frame and isinstance(arg, tuple):
                done = rounds_before - arg[2]
                if done:
                    summary = self.state.summarise_since(mark)
                    note = (f"folded {done:,} more rounds of the loop in {fs.cfn.display}"
                            + (f": {summary}" if summary else ""))
                    assert self._trace is not None
                    self._trace.folds.append(note)
                    self._emit(fs, "fold", None, note)
                    # the rounds after a bulk fold are the ones unlike it (the page that
                    # was there, the end of the file, RAM running out): traced in full
                    fs.visits.clear()
            return None

        frame.f_trace_lines = False
        return on_return

    def _end_fold(self, fs: _FrameState) -> None:
        rounds, fs.fold = fs.fold_rounds, None
        summary = self.state.summarise_since(fs.fold_changes_from)
        note = f"folded {rounds:,} more rounds of the loop in {fs.cfn.display}" + \
            (f": {summary}" if summary else "")
        assert self._trace is not None
        self._trace.folds.append(note)
        self._emit(fs, "fold", None, note)

    def _emit(self, fs: _FrameState, kind: str, link: Link | None, note: str | None = None
              ) -> None:
        trace = self._trace
        assert trace is not None
        if link is not None:
            c_path, c_line, c_end = link.c.path, link.c.line, link.statements[-1].end_line
            py_path, py_line = display_path(link.py_file), link.py_line
            note = note or link.not_modelled
        else:
            c_path, c_line, c_end = fs.c_path, fs.c_line, fs.c_line
            py_path, py_line = display_path(fs.frame.f_code.co_filename), fs.frame.f_lineno
        frames: list[Frame] = []
        for f in self._stack:
            key = (f.cfn.display, f.c_path, f.c_line, f.frame.f_code.co_filename, f.py_line)
            frame = self._frames.get(key)
            if frame is None:
                frame = self._frames[key] = Frame(f.cfn.display, f.c_path, f.c_line,
                                                  display_path(key[3]), f.py_line)
            if f.continues and frames:
                frames[-1] = frame
            else:
                frames.append(frame)
        stack = self._stacks.setdefault(tuple(frames), tuple(frames))
        fs.last_locals = capture_locals(fs.frame, fs.last_locals)
        step = Step(
            index=len(trace.steps), kind=kind, link=link, c_path=c_path, c_line=c_line,
            c_end=c_end, function=fs.cfn.display, py_path=py_path, py_line=py_line,
            depth=len(stack), stack=stack, locals=fs.last_locals,
            changes=NO_CHANGES, note=note,
            entry=fs.last_step is None and not fs.continues,
        )
        # A line event comes before its statement runs: what changed since the last step
        # is what the last step did. A fold step comes after its rounds ran (the step
        # before it was flushed when they began): what changed since is the fold's own.
        if kind == "fold":
            step.changes = self.state.take()
        else:
            self._flush()
        trace.steps.append(step)
        fs.last_step = step

    def _flush(self) -> None:
        """Add what changed since the last take to the last step, which did it."""
        changes = self.state.take()
        trace = self._trace
        if changes and trace is not None and trace.steps:
            last = trace.steps[-1]
            last.changes = last.changes.merge(changes)
