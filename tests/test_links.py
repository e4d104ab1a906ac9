# SPDX-License-Identifier: GPL-2.0-only
"""Every C statement of the chain is mirrored by the twin or marked not modelled, with a reason."""

import pytest

import lab.kernel.chain  # noqa: F401  (registers every twin before the tests are parametrized)
from lab.kernel import twin
from lab.kernel.links import default_links

# The chain of design section 2 and what it calls on the way.
CHAIN = [
    "sys_mmap", "ksys_mmap_pgoff", "vm_mmap_pgoff", "do_mmap", "get_unmapped_area",
    "arch_get_unmapped_area_topdown", "vm_unmapped_area", "unmapped_area_topdown",
    "round_hint_to_min", "mlock_future_check", "file_mmap_size_max", "file_mmap_ok",
    "can_do_mlock", "calc_vm_prot_bits", "calc_vm_flag_bits", "mmap_region", "__mmap_region",
    "may_expand_vm", "accountable_mapping", "count_vma_pages_range", "is_mergeable_vma",
    "can_vma_merge_before", "can_vma_merge_after", "vma_expand", "vm_stat_account",
    "do_mas_munmap", "shmem_zero_setup", "hugetlb_file_setup", "hstate_sizelog",
    "generic_file_mmap", "__mm_populate", "populate_vma_page_range", "__get_user_pages",
    "faultin_page", "check_vma_flags", "handle_mm_fault",
]


@pytest.fixture(scope="module")
def links():
    return default_links()


def test_every_link_resolves_to_a_statement_of_its_function(links):
    assert [f"{e.py_location}: {e.message}" for e in links.errors] == []


@pytest.mark.parametrize("name", CHAIN)
def test_chain_function_has_a_twin(name):
    assert name in twin.BY_C_NAME, f"no Python twin of {name}"


@pytest.mark.parametrize("name", sorted({*CHAIN, *twin.BY_C_NAME}))
def test_every_c_statement_of_a_twinned_function_is_linked(links, cindex, name):
    if name not in twin.BY_C_NAME:
        pytest.skip(f"{name} has no twin yet")  # reported by test_chain_function_has_a_twin
    _, unlinked = links.coverage(cindex, name)
    assert [f"{s.location}: {s.text}" for s in unlinked] == []


def test_not_modelled_statements_say_why(links):
    reasons = [link.not_modelled for link in links.by_py.values() if link.not_modelled is not None]
    assert reasons, "the twin marks nothing as not modelled: suspicious"
    assert all(len(r.split()) >= 3 for r in reasons), [r for r in reasons if len(r.split()) < 3]


def test_each_link_lands_inside_the_function_it_names(links, cindex):
    for link in links.by_py.values():
        fn = cindex.function(link.twin.c_name)
        for st in link.statements:
            assert fn.line <= st.line <= fn.end_line


def test_link_counts_are_reported(links, cindex, capsys):
    linked = sum(len(links.coverage(cindex, n)[0]) for n in CHAIN if n in twin.BY_C_NAME)
    skipped = {st for link in links.by_py.values() if link.not_modelled for st in link.statements}
    with capsys.disabled():
        print(f"\nchain: {linked} C statements linked, {len(skipped)} of them not modelled")
