# SPDX-License-Identifier: GPL-2.0-only
"""A step's page-table writes (lab/stepping/ptewrites.py): a bulk populate's run of PTEs is
logged as one PteRun and compacted without a tuple a page, yet reads, and answers every
question, as the writes one by one would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lab.kernel.arch.x86.include.asm.pgtable import _PAGE_PRESENT, _PAGE_USER, PAGE_SIZE
from lab.kernel.pagetable import PageTable, PteRun
from lab.runner import scenario_constants
from lab.scenario import parse_scenario
from lab.stepping.ptewrites import PteWrites, compact
from lab.stepping.session import Session

START = 0x7F0000000000
ZERO = (0x5 << 12) | _PAGE_PRESENT | _PAGE_USER
values = st.lists(st.sampled_from([ZERO, (0x9 << 12) | _PAGE_PRESENT, 0x3000]),
                  min_size=1, max_size=1500)


def answers(w: PteWrites) -> tuple:
    probe = [START - PAGE_SIZE, START, START + 7 * PAGE_SIZE, START + 1400 * PAGE_SIZE]
    return (list(w), w.lo, w.hi, w.counts(), w.uniform_gain(None), w.uniform_gain(0x5),
            [w.index_of(a) for a in probe], [w.any_in(a, a + 2 * PAGE_SIZE) for a in probe])


@settings(max_examples=100, deadline=None)
@given(values)
def test_a_run_compacts_to_what_its_writes_one_by_one_do(news):
    run = PteRun(START, news)
    one_by_one = PteWrites(list(run.writes()))
    assert answers(PteWrites.of_run(run)) == answers(one_by_one)
    assert isinstance(compact([run]), PteWrites)
    assert list(compact([run])) == list(run.writes())


@settings(max_examples=100, deadline=None)
@given(values, values)
def test_a_log_of_runs_and_single_writes_keeps_their_order(a, b):
    before = (START - PAGE_SIZE, 0, ZERO)
    log = [before, PteRun(START, a), PteRun(START + len(a) * PAGE_SIZE, b)]
    writes = [before, *PteRun(START, a).writes(), *PteRun(START + len(a) * PAGE_SIZE,
                                                          b).writes()]
    assert list(compact(log)) == writes


def test_set_range_logs_one_run_and_fills_the_tables():
    pt = PageTable()
    pt.log = []
    pt.set_range(START - 3 * PAGE_SIZE, [ZERO] * 1030)  # across three PTE tables
    assert len(pt.log) == 1 and len(pt.log[0]) == 1030
    assert pt.present_pages(START - 3 * PAGE_SIZE, START + 1027 * PAGE_SIZE) == 1030
    assert list(pt.log[0].writes())[-1] == (START + 1026 * PAGE_SIZE, 0, ZERO)


def test_a_recorded_read_populate_folds_into_one_step_with_a_run_of_zero_page_ptes():
    text = ("p = mmap(NULL, 64 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,"
            " -1, 0)\nx = p[(64 << 20) - 1]\n")
    session = Session(parse_scenario(text, "t.scn", scenario_constants()))
    folds = [s for s in session.records[0].trace.steps if s.kind == "fold"]
    assert len(folds) == 1
    ptes = folds[0].changes.ptes
    assert isinstance(ptes, PteWrites) and isinstance(ptes.addrs, range)
    assert len(ptes) == 16384 - 4  # the first rounds ran one by one
    assert "faulted 16,380 more pages, PFNs" in folds[0].note
    session.goto_step(session.total_steps - 1)
    found = session.who_set_pte(ptes.hi - PAGE_SIZE)  # the last page: set by the fold step
    assert found is not None and session.step is folds[0]
