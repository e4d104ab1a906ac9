# SPDX-License-Identifier: GPL-2.0-only
"""A recording keeps what repeats once: tens of thousands of steps share their stacks,
unchanged locals and VMA views, and the maps after each statement keep only its changes.
benchmarks/bench_limits.py measures the memory; these check the sharing and that nothing
a panel reads changed."""

from __future__ import annotations

from lab.kernel.default_world import default_machine
from lab.kernel.fs.proc.task_mmu import maps_rows
from lab.runner import Run, scenario_constants
from lab.scenario import parse_scenario
from lab.stepping.session import Session

ANON = "MAP_PRIVATE | MAP_ANONYMOUS"


def _session(count: int) -> Session:
    text = "\n".join(f"p{i} = mmap(NULL, 4096, {'PROT_READ' if i % 2 else 'PROT_NONE'}, "
                     f"{ANON}, -1, 0)" for i in range(count))
    return Session(parse_scenario(text, "<t>", scenario_constants()))


def test_the_same_call_path_in_two_statements_keeps_one_stack():
    s = _session(3)
    first, third = s.records[0].trace.steps, s.records[2].trace.steps
    assert [st.c_location for st in first] == [st.c_location for st in third]
    assert all(a.stack is b.stack for a, b in zip(first, third))


def test_vma_snapshots_share_the_views_of_vmas_that_did_not_change():
    s = _session(4)
    before, after = s.records[0].vmas_before, s.records[3].vmas_at(len(s.records[3].trace.steps))
    assert len(after) == len(before) + 4
    old = {(v.start, v.end): v for v in before}
    assert all(v is old[(v.start, v.end)] for v in after if (v.start, v.end) in old)


def test_steps_that_change_no_local_share_the_last_steps_locals():
    s = _session(2)
    steps = s.records[1].trace.steps
    same = [b for a, b in zip(steps, steps[1:]) if a.stack[-1].function == b.stack[-1].function
            and a.locals == b.locals]
    assert same and all(any(b.locals is a.locals for a in steps) for b in same)


def test_maps_after_each_statement_read_as_the_whole_maps():
    s = _session(5)
    run = Run(default_machine())
    for stmt, rec in zip(s.scenario, s.records):
        run.execute(stmt)
        assert list(rec.maps_after) == maps_rows(run.machine)
