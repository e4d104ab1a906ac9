# SPDX-License-Identifier: GPL-2.0-only
"""The trace budget: past it, a long scenario's middle statements run whole, one step each,
and everything the panels read at a statement's end is what the full recording says."""

from __future__ import annotations

import pytest

from lab.runner import scenario_constants
from lab.scenario import parse_scenario
from lab.stepping.budget import budget_plan
from lab.stepping.session import Position, Session
from lab.world.invariants import check_invariants

ANON = "MAP_PRIVATE | MAP_ANONYMOUS"
PAGE = 4096


def _plan(budget: int, steps_per_statement: list[int]) -> list[bool]:
    plan = budget_plan(budget, len(steps_per_statement))
    next(plan)
    traced, steps = [], 0
    for cost in steps_per_statement:
        t = plan.send(steps)
        traced.append(t)
        steps += cost if t else 0
    return traced


def test_the_plan_traces_the_beginning_and_the_end_and_runs_the_middle_whole():
    traced = _plan(200, [10] * 100)
    assert traced[:10] == [True] * 10  # until half the budget: 10 statements of 10 steps
    assert traced[10:90] == [False] * 80
    assert traced[90:] == [True] * 10  # the other half, at 10 steps a statement
    assert _plan(200, [10] * 15) == [True] * 15  # under the budget: all of it


def test_the_plan_always_traces_the_last_statement_and_stops_at_twice_the_budget():
    traced = _plan(100, [60, 1, 1, 1])
    assert traced == [True, False, False, True]
    assert _plan(100, [250, 1, 1]) == [True, False, False]  # past twice the budget


def _scenario(count: int) -> str:
    """mmaps that cannot merge, with touches, a populate, an mprotect and munmaps among
    them: the statements run whole change VMAs, PTEs and counters."""
    lines = []
    for i in range(count):
        prot = "PROT_READ" if i % 2 else "PROT_READ | PROT_WRITE"
        lines.append(f"p{i} = mmap(NULL, 2 * 4096, {prot}, {ANON}, -1, 0)")
        if i % 5 == 0:
            lines.append(f"x{i} = p{i}[4096]")
        if i % 2 == 0 and i % 3 == 0:
            lines.append(f"p{i}[0] = 7")
        if i % 7 == 3:
            lines.append(f"mprotect(p{i}, 4096, PROT_NONE)")
        if i % 11 == 5:
            lines.append(f"munmap(p{i - 2}, 2 * 4096)")
    lines.append(f"q = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE, {ANON} | MAP_POPULATE,"
                 " -1, 0)")
    # MAP_FIXED at 0 is below vm.mmap_min_addr: EPERM
    lines.append(f"q2 = mmap(NULL, 4096, PROT_READ, {ANON} | MAP_FIXED, -1, 0)")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def pair() -> tuple[Session, Session]:
    scenario = parse_scenario(_scenario(60), "<t>", scenario_constants())
    return Session(scenario), Session(scenario, trace_budget=3000)


def _end(s: Session, k: int) -> Position:
    """The position after statement k: the next statement's first step."""
    return Position(k + 1, 0)


def test_the_middle_runs_whole_one_step_each(pair):
    full, budgeted = pair
    assert full.whole_statements is None
    first, last = budgeted.whole_statements
    assert 0 < first < last < len(budgeted.records) - 2
    for rec in budgeted.records[first:last + 1]:
        assert not rec.traced
        steps = rec.trace.steps
        if rec.event is not None and steps:
            assert len(steps) == 1 and steps[0].kind == "whole" and steps[0].entry
            assert steps[0].note.startswith("run whole")
    # the beginning and the end have the same steps as the full recording
    for k in [*range(first), *range(last + 1, len(full.records))]:
        assert [st.c_location for st in budgeted.records[k].trace.steps] == \
            [st.c_location for st in full.records[k].trace.steps]
    assert [r.event for r in budgeted.records] == [r.event for r in full.records]
    assert budgeted.records[-1].event.errno == "EPERM"


def test_after_every_statement_the_state_is_the_full_recordings(pair):
    full, budgeted = pair
    addrs = sorted({r["start"] for rec in full.records for r in rec.maps_after})
    for k in range(len(full.records) - 1):
        a, b = _end(full, k), _end(budgeted, k)
        assert tuple(full.vmas_at(a)) == tuple(budgeted.vmas_at(b)), k
        assert list(full.records[k].maps_after) == list(budgeted.records[k].maps_after)
        for addr in addrs[::3]:
            for page in (addr, addr + PAGE):
                assert full.pte_at(page, a) == budgeted.pte_at(page, b), (k, hex(page))
        lo, hi = addrs[0], addrs[-1] + 2 * PAGE
        assert full.present_pages_at(lo, hi, a) == budgeted.present_pages_at(lo, hi, b)
    assert check_invariants(budgeted.machine) == []


def test_a_whole_step_carries_what_its_statement_changed(pair):
    _, s = pair
    first, last = s.whole_statements
    touched = next(r for r in s.records[first:last + 1]
                   if r.event is not None and r.event.stmt.startswith("x"))
    step = touched.trace.steps[0]
    assert step.function == "handle_mm_fault" or step.changes.ptes
    assert step.changes.counters or step.changes.ptes
    mapped = next(r for r in s.records[first:last + 1]
                  if r.event is not None and r.event.stmt.startswith("p")
                  and "mmap" in r.event.stmt)
    only = mapped.trace.steps[0]
    assert only.function == "SYSCALL_DEFINE6(mmap)" and only.locals["len"] == 2 * PAGE
    assert only.changes.vma_notes and only.changes.vma_notes[0].startswith(("added", "expanded"))


def test_who_questions_find_the_whole_step(pair):
    _, s = pair
    first, last = s.whole_statements
    rec = next(r for r in s.records[first:last + 1]
               if r.event is not None and r.event.stmt.startswith("p") and "mmap" in
               r.event.stmt and r.event.ret > 0)
    s.go(Position(last + 1, 0))
    assert s.who_changed_vma(rec.event.ret) == Position(rec.index, 0)
    write = next(r for r in s.records[first:last + 1]
                 if r.event is not None and "] = 7" in r.event.stmt)
    target = next(r for r in s.records if r.event is not None and r.event.stmt.startswith(
        write.event.stmt.split("[")[0] + " = mmap"))
    s.go(Position(last + 1, 0))
    assert s.who_set_pte(target.event.ret) == Position(write.index, 0)


# -- in the lab ------------------------------------------------------------------------------------
async def test_the_lab_narrates_a_whole_step_and_sums_up_a_long_scenario(pair):
    from lab.tui.app import MmapLab
    from lab.tui.panels.base import LineList

    def lines(widget) -> list[str]:  # noqa: ANN001
        ll = widget.query_one(LineList)
        return [(m() if callable(m) else m).plain for _, m in
                (ll._source[i] for i in range(len(ll._source)))]

    _, s = pair
    first, last = s.whole_statements
    mapped = next(r for r in s.records[first:last + 1] if r.event is not None
                  and "mmap" in r.event.stmt and r.trace.steps[0].changes.vma_notes[0]
                  .startswith("added"))
    a = MmapLab(s, env={"LANG": "C.UTF-8", "TERM": "xterm-256color"})
    async with a.run_test(size=(140, 42)) as pilot:
        await pilot.pause()
        lab = a.lab
        assert lab.goto(f"stmt {mapped.index + 1}") is None
        lab.show_step()
        await pilot.pause()
        narration = " ".join(lines(lab.query_one("#narration")))
        assert "Run whole" in narration and "trace budget of 3,000 steps" in narration
        assert f"added {mapped.event.ret:x}" in narration
        await pilot.press("s")  # past the whole step: its VMA is in the list, marked
        await pilot.pause()
        assert lab.session.position == Position(mapped.index + 1, 0)
        vmas = lines(lab.query_one("#vmas"))
        assert any(line.lstrip("+ ").startswith(f"{mapped.event.ret:012x}") and "added" in line
                   for line in vmas)
        scen = lines(lab.query_one("#scenario"))
        assert len(scen) == len(s.records)
        assert lab.goto(str(s.total_steps)) is None
        lab.show_step()
        await pilot.press("s")
        await pilot.pause()
        narration = lines(lab.query_one("#narration"))
        assert any("more statements" in line for line in narration)
        said = sum(line.lstrip().startswith("line ") for line in narration)
        assert said == 30  # the first 10 and the last 20 statements, not every one
