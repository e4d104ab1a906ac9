# SPDX-License-Identifier: GPL-2.0-only
"""The C index finds the chain's functions, their statements and definitions at real lines."""

import pytest

from lab.source.cindex import UnknownFunction

# (function, file, first line, last line) in Linux 6.1.192
CHAIN = [
    ("sys_mmap", "arch/x86/kernel/sys_x86_64.c", 86, 94),
    ("arch_get_unmapped_area_topdown", "arch/x86/kernel/sys_x86_64.c", 160, 228),
    ("ksys_mmap_pgoff", "mm/mmap.c", 1452, 1495),
    ("do_mmap", "mm/mmap.c", 1269, 1450),
    ("mmap_region", "mm/mmap.c", 2904, 2932),
    ("__mmap_region", "mm/mmap.c", 2675, 2902),
    ("get_unmapped_area", "mm/mmap.c", 1829, 1869),
    ("vm_unmapped_area", "mm/mmap.c", 1695, 1706),
    ("unmapped_area_topdown", "mm/mmap.c", 1647, 1684),
    ("round_hint_to_min", "mm/mmap.c", 1208, 1215),
    ("mlock_future_check", "mm/mmap.c", 1217, 1232),
    ("file_mmap_size_max", "mm/mmap.c", 1234, 1251),
    ("file_mmap_ok", "mm/mmap.c", 1253, 1264),
    ("may_expand_vm", "mm/mmap.c", 3479, 3502),
    ("accountable_mapping", "mm/mmap.c", 1577, 1587),
    ("can_vma_merge_before", "mm/mmap.c", 939, 952),
    ("can_vma_merge_after", "mm/mmap.c", 961, 976),
    ("is_mergeable_vma", "mm/mmap.c", 888, 912),
    ("vma_expand", "mm/mmap.c", 512, 612),
    ("count_vma_pages_range", "mm/mmap.c", 392, 407),
    ("vm_stat_account", "mm/mmap.c", 3504, 3514),
    ("do_mas_munmap", "mm/mmap.c", 2636, 2659),
    ("__vm_munmap", "mm/mmap.c", 2934, 2958),
    ("vm_mmap_pgoff", "mm/util.c", 507, 528),
    ("__mm_populate", "mm/gup.c", 1683, 1735),
    ("populate_vma_page_range", "mm/gup.c", 1566, 1611),
    ("__get_user_pages", "mm/gup.c", 1179, 1304),
    ("faultin_page", "mm/gup.c", 996, 1061),
    ("check_vma_flags", "mm/gup.c", 1063, 1117),
    ("can_do_mlock", "mm/mlock.c", 40, 47),
    ("shmem_zero_setup", "mm/shmem.c", 4314, 4335),
    ("hugetlb_file_setup", "fs/hugetlbfs/inode.c", 1592, 1643),
    ("generic_file_mmap", "mm/filemap.c", 3573, 3582),
    ("filemap_fault", "mm/filemap.c", 3219, 3364),
    ("calc_vm_prot_bits", "include/linux/mman.h", 138, 145),
    ("calc_vm_flag_bits", "include/linux/mman.h", 150, 157),
    ("handle_mm_fault", "mm/memory.c", 5263, 5312),
    ("__handle_mm_fault", "mm/memory.c", 5080, 5173),
    ("handle_pte_fault", "mm/memory.c", 4973, 5072),
    ("do_anonymous_page", "mm/memory.c", 4137, 4246),
    ("do_fault", "mm/memory.c", 4723, 4771),
    ("do_read_fault", "mm/memory.c", 4615, 4639),
    ("do_cow_fault", "mm/memory.c", 4641, 4678),
    ("do_shared_fault", "mm/memory.c", 4680, 4713),
    ("wp_page_copy", "mm/memory.c", 3129, 3289),
    ("do_wp_page", "mm/memory.c", 3403, 3523),
    ("do_user_addr_fault", "arch/x86/mm/fault.c", 1202, 1400),
    ("access_error", "arch/x86/mm/fault.c", 1058, 1109),
    ("do_mprotect_pkey", "mm/mprotect.c", 671, 814),
    ("mprotect_fixup", "mm/mprotect.c", 547, 666),
]


@pytest.mark.parametrize("name,path,first,last", CHAIN)
def test_chain_function_found_at_its_real_lines(cindex, name, path, first, last):
    fn = cindex.function(name)
    assert (fn.path, fn.line, fn.end_line) == (path, first, last)
    assert fn.active


@pytest.mark.parametrize("name,path,first,last", CHAIN)
def test_every_statement_lies_inside_its_function(cindex, name, path, first, last):
    fn = cindex.function(name)
    assert fn.statements
    for st in fn.statements:
        assert fn.body_line < st.line <= st.end_line < fn.end_line


def test_syscall_define6_is_a_function_under_each_of_its_names(cindex):
    for name in ("SYSCALL_DEFINE6(mmap)", "sys_mmap", "mmap"):
        fn = cindex.function(name)
        assert fn.display == "SYSCALL_DEFINE6(mmap)"
        assert fn.location == "arch/x86/kernel/sys_x86_64.c:86"
    texts = [s.text for s in cindex.function("sys_mmap").statements]
    assert texts == ["if (off & ~PAGE_MASK)", "return -EINVAL;",
                     "return ksys_mmap_pgoff(addr, len, prot, flags, fd, off >> PAGE_SHIFT);"]


def test_syscall_with_user_pointer_argument_is_indexed(cindex):
    # SYSCALL_DEFINE1(old_mmap, struct mmap_arg_struct __user *, arg): only built where
    # __ARCH_WANT_SYS_OLD_MMAP is set, which x86-64 does not
    fn = cindex.function("sys_old_mmap")
    assert fn.location == "mm/mmap.c:1514"
    assert not fn.active
    assert cindex.function("fault_in_readable").statements  # `const char __user *uaddr`


def test_ifdef_picks_the_definition_the_x86_64_config_compiles(cindex):
    defs = cindex.functions("hstate_sizelog")
    assert [d.location for d in defs] == ["include/linux/hugetlb.h:790",
                                          "include/linux/hugetlb.h:1078"]
    assert defs[0].active and not defs[1].active
    # mm/mmap.c's generic allocator is compiled out: x86 has HAVE_ARCH_UNMAPPED_AREA_TOPDOWN
    assert cindex.function("arch_get_unmapped_area_topdown").path == "arch/x86/kernel/sys_x86_64.c"


def test_statements_inside_a_compiled_out_ifdef_are_left_out(cindex):
    texts = [s.text for s in cindex.function("__mmap_region").statements]
    assert "WARN_ON_ONCE(!arch_validate_flags(vm_flags));" not in texts  # CONFIG_SPARC64
    assert "vma->vm_flags |= VM_SOFTDIRTY;" in texts


def test_statement_headers_labels_and_cases(cindex):
    sts = cindex.function("ksys_mmap_pgoff").statements
    by_text = {s.text: s for s in sts}
    assert by_text["if (!(flags & MAP_ANONYMOUS))"].line == 1459
    assert by_text["out_fput:"].kind == "label"
    assert by_text["return -EBADF;"].line == 1463
    multi = by_text["file = hugetlb_file_setup(HUGETLB_ANON_FILE, len, VM_NORESERVE, "
                    "HUGETLB_ANONHUGE_INODE, (flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK);"]
    assert (multi.line, multi.end_line) == (1482, 1485)
    cases = [s.text for s in cindex.function("do_mmap").statements if s.kind == "case"]
    assert cases == ["case MAP_SHARED:", "case MAP_SHARED_VALIDATE:", "case MAP_PRIVATE:",
                     "default:", "case MAP_SHARED:", "case MAP_PRIVATE:", "default:"]


def test_declarations_without_initialiser_and_break_are_not_statements(cindex):
    texts = [s.text for s in cindex.function("do_mmap").statements]
    assert "vm_flags_t vm_flags;" not in texts
    assert "int pkey = 0;" in texts
    assert "break;" not in texts and "fallthrough;" not in texts


def test_identifiers_resolve_to_their_definitions(cindex):
    vm_locked = cindex.definitions("VM_LOCKED")[0]
    assert (vm_locked.kind, vm_locked.path) == ("macro", "include/linux/mm.h")
    assert "VM_LOCKED" in cindex.line_text(vm_locked.path, vm_locked.line)
    vma = cindex.definitions("vm_area_struct")[0]
    assert (vma.kind, vma.path) == ("struct", "include/linux/mm_types.h")
    assert cindex.definitions("do_mmap")[0].line == 1269
    assert cindex.definitions("no_such_identifier_anywhere") == []


def test_unknown_function_lists_close_matches(cindex):
    with pytest.raises(UnknownFunction) as err:
        cindex.function("do_mmapp")
    assert "do_mmap" in err.value.close
    assert "close matches: do_mmap" in str(err.value)


def test_a_lookup_before_the_whole_table_parses_few_files_and_finds_the_same(cindex):
    """Start-up asks for a few functions (a lesson's anchors, the locals' flag words): those
    are found by reading the files that name them, with the same definitions in the same
    order as the table of every file gives."""
    from lab.source.cindex import CIndex

    lazy = CIndex()
    lazy.FEW_LOOKUPS = 10**6  # the lookups of every name, all from the files that name them
    assert [f.path for f in lazy.functions("do_mmap")] == \
        [f.path for f in cindex.functions("do_mmap")]
    assert len(lazy._files) < len(cindex.paths) // 2  # not every file was parsed for it
    for name in [*cindex.function_names(), "SYSCALL_DEFINE6(mmap)"]:
        assert [(f.path, f.line) for f in lazy.functions(name)] == \
            [(f.path, f.line) for f in cindex.functions(name)], name
    assert lazy._functions is None  # all of it answered without the whole table
    assert lazy.functions("no_such_function") == []
    many = CIndex()
    for name in cindex.function_names()[:CIndex.FEW_LOOKUPS + 1]:
        many.functions(name)
    assert many._functions is not None  # past a few, the table of every file is built
