# SPDX-License-Identifier: GPL-2.0-only
"""A lesson's scenario: parsed where the lesson file holds it, and recorded by the simulator.

The recording is a real `lab.stepping.Session`, the one the app steps through, so anchors and
answers are resolved against exactly what the learner will see. A statement the simulator
cannot run yet (the runner says "not modelled yet") does not make the lesson wrong: it makes
it unavailable, with the reason, until the model lands.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lab.lessons.diagnostics import Diagnostics
from lab.lessons.model import Lesson
from lab.runner import scenario_constants
from lab.scenario import Call, Load, Scenario, ScenarioError, Statement, Store, parse_scenario
from lab.scenario.lexer import code_end

NOT_MODELLED = "not modelled yet"

#: A tiny scenario per statement kind: if the model raises "not modelled yet" on its last
#: statement, lessons using that kind of statement are unavailable.
_PROBE_MAP = "p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)"
_PROBES = {
    "store": f"{_PROBE_MAP}\np[0] = 1",
    "load": f"{_PROBE_MAP}\nx = p[0]",
    "munmap": f"{_PROBE_MAP}\nmunmap(p, 4096)",
    "mprotect": f"{_PROBE_MAP}\nmprotect(p, 4096, PROT_READ)",
    "ftruncate": 'fd = open("probe.bin", O_RDWR, size=8192)\nftruncate(fd, 4096)',
    "msync": f"{_PROBE_MAP}\nmsync(p, 4096, MS_SYNC)",
    "writeback": "writeback()",
}


def statement_kind(stmt: Statement) -> str:
    if isinstance(stmt, Store):
        return "store"
    if isinstance(stmt, Load):
        return "load"
    assert isinstance(stmt, Call)
    return stmt.func


@cache
def kind_unmodelled(kind: str) -> str | None:
    """The simulator's own words if it cannot run this kind of statement yet, else None."""
    probe = _PROBES.get(kind)
    if probe is None:
        return None
    from lab.runner import simulate

    try:
        simulate(parse_scenario(probe, "<probe>", scenario_constants()))
    except ScenarioError as err:
        return err.message if NOT_MODELLED in err.message else None
    except Exception:  # noqa: BLE001 - a half-landed model: let the real recording decide
        return None
    return None


def unmodelled_statement(scenario: Scenario) -> tuple[Statement, str] | None:
    """The first statement the simulator cannot run yet, and why."""
    for stmt in scenario:
        reason = kind_unmodelled(statement_kind(stmt))
        if reason is not None:
            return stmt, reason
    return None


def parse_lesson_scenario(lesson: Lesson, diags: Diagnostics) -> Scenario | None:
    """Parse the lesson's scenario; errors point at the scenario's lines in the lesson file."""
    text = lesson.scenario_text
    if not text.strip():
        diags.error(lesson.path, max(lesson.scenario_line - 1, 1), 1, "scenario_empty")
        return None
    try:
        scenario = parse_scenario(text, lesson.path, scenario_constants())
    except ScenarioError as err:
        diags.error(lesson.path, lesson.scenario_file_line(err.line), err.column,
                    "scenario_syntax", detail=err.message)
        return None
    if len(lesson.languages) > 1:
        for n, line in enumerate(text.split("\n"), 1):
            at = code_end(line)
            if at < len(line):
                diags.error(lesson.path, lesson.scenario_file_line(n), at + 1,
                            "scenario_comment")
    lesson.scenario = scenario
    _resolve_statements(lesson, scenario, diags)
    return scenario


def _resolve_statements(lesson: Lesson, scenario: Scenario, diags: Diagnostics) -> None:
    count = len(scenario)
    for block in lesson.blocks:
        anchor = block.anchor
        if anchor is not None and anchor.statement_ref is None and block.answer:
            _infer_statement(block, scenario)
        if anchor is None or anchor.statement_ref is None:
            continue
        ref = anchor.statement_ref
        where = block.raw.where("statement") if block.raw else (block.line, block.column)
        if isinstance(ref, int):
            if not 1 <= ref <= count:
                diags.error(lesson.path, where[0], where[1], "statement_range", n=ref,
                            count=count)
                continue
            anchor.statement = ref
            continue
        found = statement_of_name(scenario, ref)
        if found is None:
            names = [s.target for s in scenario if getattr(s, "target", None)]
            diags.error(lesson.path, where[0], where[1], "statement_name", name=ref,
                        names=", ".join(names) or "-")
        elif found == 0:
            diags.error(lesson.path, where[0], where[1], "statement_name_twice", name=ref)
        else:
            anchor.statement = found


def _infer_statement(block, scenario: Scenario) -> None:
    """A question with no `statement` belongs to the last statement its answer names."""
    from lab.lessons.answers import ExpressionError, compile_expression, statements_named

    try:
        named = statements_named(compile_expression(block.answer), scenario)
    except ExpressionError:
        return  # reported by the validator, where the expression is
    named = [k for k in named if 1 <= k <= len(scenario)]
    if named:
        block.anchor.statement = max(named)


def statement_of_name(scenario: Scenario, name: str) -> int | None:
    """The 1-based number of the statement binding `name`; 0 if several bind it."""
    hits = [i for i, s in enumerate(scenario, 1) if getattr(s, "target", None) == name]
    if not hits:
        return None
    return hits[0] if len(hits) == 1 else 0


@dataclass
class Recording:
    """A recorded scenario: the Session the app steps through, with statement bookkeeping."""

    scenario: Scenario
    session: object  # lab.stepping.session.Session
    error: ScenarioError | None = None  # a statement the simulator refused (not a model gap)

    def __post_init__(self) -> None:
        s = self.session
        self.starts: list[int] = []
        for rec in s.records:  # type: ignore[attr-defined]
            self.starts.append(s.global_of(_position(rec.index, 0)))  # type: ignore[attr-defined]

    @property
    def ran(self) -> int:
        """How many statements ran (a signal or an error stops the scenario)."""
        return sum(1 for r in self.session.records if r.event is not None)  # type: ignore

    def first_step(self, k: int) -> int:
        """Global step index where statement k (1-based) begins."""
        return self.starts[k - 1]

    def last_step(self, k: int) -> int:
        rec = self.session.records[k - 1]  # type: ignore[attr-defined]
        return self.starts[k - 1] + max(len(rec.trace.steps), 1) - 1

    def statement_of_step(self, g: int) -> int:
        return self.session.position_of(g).statement + 1  # type: ignore[attr-defined]


def _position(statement: int, step: int):
    from lab.stepping.session import Position

    return Position(statement, step)


def record(scenario: Scenario) -> Recording:
    """Record every statement (raises nothing: a refused statement is kept as `error`)."""
    from lab.stepping.session import Session

    session = Session(scenario)
    error = next((r.error for r in session.records if r.error is not None), None)
    return Recording(scenario, session, error)
