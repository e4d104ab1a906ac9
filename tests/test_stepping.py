# SPDX-License-Identifier: GPL-2.0-only
"""Recording a scenario through the twin and moving over it, both ways."""

import pytest

from lab.runner import scenario_constants
from lab.scenario import parse_scenario, split_statements
from lab.stepping.session import Position, Session

POPULATE = ("p = mmap(NULL, {n} * 4096, PROT_READ | PROT_WRITE, "
            "MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)")


def session(src: str, **kw) -> Session:
    return Session(parse_scenario(split_statements(src), "-e", scenario_constants()), **kw)


@pytest.fixture(scope="module")
def populate8():
    return session(POPULATE.format(n=8))


def test_first_step_is_the_syscall_and_every_step_lies_in_its_function(populate8, cindex):
    steps = populate8.records[0].trace.steps
    assert steps[0].function == "SYSCALL_DEFINE6(mmap)"
    assert steps[0].c_location == "arch/x86/kernel/sys_x86_64.c:90"
    for s in steps:
        fn = cindex.function_at(s.c_path, s.c_line)
        assert fn is not None and fn.display == s.function, s
        assert s.stack[-1].function == s.function and len(s.stack) == s.depth


def test_the_chain_is_visited_in_order(populate8):
    seen = []
    for s in populate8.records[0].trace.steps:
        if not seen or seen[-1] != s.function:
            seen.append(s.function)
    chain = ["SYSCALL_DEFINE6(mmap)", "ksys_mmap_pgoff", "vm_mmap_pgoff", "do_mmap",
             "get_unmapped_area", "mmap_region", "__mm_populate", "populate_vma_page_range",
             "__get_user_pages", "faultin_page", "handle_mm_fault"]
    it = iter(seen)
    assert all(any(f == c for f in it) for c in chain), seen


def test_not_modelled_statements_are_visited_with_their_reason(populate8):
    skipped = [s for s in populate8.records[0].trace.steps if s.not_modelled]
    assert skipped and all(s.note == s.not_modelled for s in skipped)


def test_into_and_back_return_to_the_same_step(populate8):
    s = populate8
    for g in range(0, s.total_steps - 1, 7):
        s.goto_step(g)
        here = s.position
        s.step_into()
        s.step_back()
        assert s.position == here


def test_over_and_reverse_over_return_to_the_same_step(populate8):
    s = populate8
    checked = 0
    for g in range(s.total_steps - 1):
        s.goto_step(g)
        here, depth = s.position, s.step.depth
        s.step_over()
        if s.step.depth == depth and s.global_index > g:
            s.reverse_step_over()
            assert s.position == here
            checked += 1
    assert checked > 20


def test_out_and_reverse_out_meet_at_the_call(populate8):
    s = populate8
    first_do_mmap = next(i for i, st in enumerate(s.records[0].trace.steps)
                         if st.function == "do_mmap")
    s.goto_step(first_do_mmap + 3)
    s.step_out()
    after = s.position
    assert s.step.function == "vm_mmap_pgoff"
    s.goto_step(first_do_mmap + 3)
    s.reverse_step_out()
    assert s.step.function == "vm_mmap_pgoff"
    s.step_over()
    assert s.position == after


def test_breakpoint_on_a_function_and_on_a_line_with_a_condition():
    s = session("mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); "
                "mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0)")
    s.add_breakpoint("mmap_region")
    s.continue_()
    assert s.step.function == "mmap_region" and s.position.statement == 0
    s.continue_()
    assert s.step.function == "mmap_region" and s.position.statement == 1
    s.reverse_continue()
    assert s.position.statement == 0
    s.breakpoints.clear()
    s.goto_step(0)
    s.add_breakpoint("mm/mmap.c:1339", "vm_flags & VM_LOCKED")  # if (flags & MAP_LOCKED)
    s.continue_()
    assert s.position.statement == 1 and s.step.c_line == 1339


def test_goto_errno_finds_the_returning_check():
    s = session("mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)")
    pos = s.goto_errno("EINVAL")
    assert pos is not None and s.step.function == "do_mmap"
    assert s.step.c_location == "mm/mmap.c:1282"


def test_who_set_this_pte_finds_the_faulting_step(populate8):
    s = populate8
    addr = s.records[0].event.ret + 3 * 4096
    s.goto_step(s.total_steps - 1)
    pos = s.who_set_pte(addr)
    assert pos is not None
    assert any(a == addr for a, _, _ in s.step.changes.ptes)
    assert s.step.function in ("do_anonymous_page", "handle_pte_fault")


def test_who_changed_the_vma_finds_mmap_region(populate8):
    s = populate8
    s.goto_step(s.total_steps - 1)
    assert s.who_changed_vma(s.records[0].event.ret) is not None
    assert s.step.function == "__mmap_region"


def test_state_at_a_step_is_as_it_was_then(populate8):
    s = populate8
    addr = s.records[0].event.ret
    before = s.vmas_at(Position(0, 0))
    after = s.vmas_at(Position(0, len(s.records[0].trace.steps) - 1))
    assert not any(v.start <= addr < v.end for v in before)
    assert any(v.start <= addr < v.end for v in after)


def test_long_populate_is_folded_and_ends_in_the_same_state():
    folded = session(POPULATE.format(n=64), fold_after=2)
    full = session(POPULATE.format(n=64), fold_after=10_000)
    assert folded.records[0].trace.folds and not full.records[0].trace.folds
    assert "faulted" in folded.records[0].trace.folds[0]
    assert len(folded.records[0].trace.steps) < len(full.records[0].trace.steps) / 4
    assert folded.records[0].maps_after == full.records[0].maps_after
    a, b = folded.machine.task.mm.pgd, full.machine.task.mm.pgd
    assert list(a.leaves(0, 1 << 47)) == list(b.leaves(0, 1 << 47))


FOLDED_SCENARIOS = {
    "private anonymous (bulk fold)": POPULATE.format(n=64),
    "shared anonymous (bulk fold, shmem)":
        POPULATE.format(n=64).replace("MAP_PRIVATE", "MAP_SHARED"),
    "private file (nested folds)":
        'fd = open("data.bin", O_RDWR, size=65536 * 4)\n'
        "p = mmap(NULL, 64 * 4096, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0)",
}


def _pte_writes(s: Session) -> list:
    return [w for st in s.records[-1].trace.steps for w in st.changes.ptes]


@pytest.mark.parametrize("src", FOLDED_SCENARIOS.values(), ids=FOLDED_SCENARIOS.keys())
def test_folded_steps_together_changed_the_ptes_a_full_recording_shows(src):
    folded, full = session(src, fold_after=2), session(src, fold_after=10_000)
    assert folded.records[-1].trace.folds
    writes = _pte_writes(folded)
    assert len(writes) == 64 and writes == _pte_writes(full)


@pytest.mark.parametrize("src", FOLDED_SCENARIOS.values(), ids=FOLDED_SCENARIOS.keys())
def test_counter_changes_chain_from_step_to_step_across_a_fold(src):
    s = session(src, fold_after=2)
    seen: dict[str, int] = {}
    for st in s.records[-1].trace.steps:
        for name, (old, new) in st.changes.counters.items():
            assert seen.get(name, old) == old, (st.index, name)
            seen[name] = new
    mm = s.machine.task.mm
    assert seen and all(getattr(mm, name) == new for name, new in seen.items())


def test_a_fold_step_carries_the_ptes_of_the_rounds_it_folded():
    s = session(POPULATE.format(n=64), fold_after=2)
    steps = s.records[0].trace.steps
    fold = next(st for st in steps if st.kind == "fold")
    p = s.records[0].event.ret
    assert [a for a, _, _ in fold.changes.ptes] == [p + i * 4096 for i in range(2, 64)]
    assert steps[fold.index + 1].changes.ptes == []  # the next step did not write PTEs


def test_the_state_before_a_fold_step_has_none_of_its_pages():
    s = session(POPULATE.format(n=64), fold_after=2)
    fold = next(st for st in s.records[0].trace.steps if st.kind == "fold")
    p = s.records[0].event.ret
    at, after = Position(0, fold.index), Position(0, fold.index + 1)
    assert s.pte_at(p + 40 * 4096, at) == 0 and s.pte_at(p + 40 * 4096, after) != 0
    assert s.present_map_at(p, p + 64 * 4096, 1, at) == [2]
    assert s.present_map_at(p, p + 64 * 4096, 1, after) == [64]
    assert s.present_pages_at(p, p + 64 * 4096, at) == 2
    s.goto_step(s.total_steps - 1)
    assert s.who_set_pte(p + 40 * 4096) == Position(0, fold.index)


def test_goto_errno_with_a_name_that_is_not_an_errno_is_none_and_stays():
    s = session("mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)")
    s.goto_step(3)
    assert s.goto_errno("EFOO") is None
    assert s.goto_errno("") is None
    assert s.position == Position(0, 3)


def test_goto_errno_of_an_errno_the_path_never_returned_is_none(populate8):
    populate8.goto_step(5)
    assert populate8.goto_errno("ENOMEM") is None
    assert populate8.position == Position(0, 5)


@pytest.mark.parametrize("prot", ["PROT_READ", "PROT_READ | PROT_WRITE"])
def test_present_pages_of_whole_page_tables_count_as_the_rounds_one_by_one(prot):
    """1,300 pages fill whole PTE tables, which are counted a table at a time; a read
    populate maps the zero page (present, not in Rss), a write one a frame a page."""
    src = POPULATE.format(n=1300).replace("PROT_READ | PROT_WRITE", prot)
    folded, full = session(src, fold_after=2), session(src, fold_after=10_000)
    assert folded.records[0].trace.folds and not full.records[0].trace.folds
    p = folded.records[0].event.ret
    fold = next(st for st in folded.records[0].trace.steps if st.kind == "fold")
    ends = [Position(0, len(s.records[0].trace.steps) - 1) for s in (folded, full)]
    for lo, hi in [(p, p + 1300 * 4096), (p - (4 << 20), p + (8 << 20)),
                   (p + 5 * 4096, p + 1000 * 4096)]:
        for cells in (1, 7, 650):
            assert folded.present_map_at(lo, hi, cells, ends[0]) == \
                full.present_map_at(lo, hi, cells, ends[1])
            assert sum(folded.present_map_at(lo, hi, cells, Position(0, fold.index))) == \
                len([a for a in range(p, p + 2 * 4096, 4096) if lo <= a < hi])
        rss = folded.rss_pages_at(lo, hi, ends[0])
        assert rss == full.rss_pages_at(lo, hi, ends[1])
        assert (rss == 0) == (prot == "PROT_READ")
