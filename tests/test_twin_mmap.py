# SPDX-License-Identifier: GPL-2.0-only
"""The twin of the mmap chain up to mmap_region, called directly on a simulated machine.

Each case is one the real Linux 6.1 kernel answers the same way; the machine is the
default world (or a bare one where the test needs a known address space).
"""

from __future__ import annotations

import pytest

from lab.kernel.arch.x86.include.asm.pgtable import PAGE_NONE, PAGE_SHARED, PAGE_SIZE, TASK_SIZE_MAX
from lab.kernel.arch.x86.kernel.sys_x86_64 import (
    arch_get_unmapped_area,
    arch_get_unmapped_area_topdown,
    sys_mmap,
)
from lab.kernel.arch.x86.mm.pgprot import vm_get_page_prot
from lab.kernel.default_world import default_machine
from lab.kernel.drivers.char.mem import null_fops, zero_fops
from lab.kernel.file import (
    FMODE_READ,
    FMODE_WRITE,
    MNT_NOEXEC,
    S_APPEND,
    S_SWAPFILE,
    File,
    Inode,
    SuperBlock,
)
from lab.kernel.include.linux.mm import (
    VM_ACCOUNT,
    VM_EXEC,
    VM_GROWSDOWN,
    VM_LOCKED,
    VM_MAYEXEC,
    VM_MAYSHARE,
    VM_MAYWRITE,
    VM_NORESERVE,
    VM_READ,
    VM_SHARED,
    VM_SOFTDIRTY,
    VM_WRITE,
)
from lab.kernel.include.uapi.capability import CAP_IPC_LOCK, CAP_SYS_RAWIO
from lab.kernel.include.uapi.errno import (
    EACCES,
    EAGAIN,
    EBADF,
    EEXIST,
    EINVAL,
    ENODEV,
    ENOMEM,
    EOPNOTSUPP,
    EOVERFLOW,
    EPERM,
    ETXTBSY,
)
from lab.kernel.include.uapi.mman import (
    MAP_32BIT,
    MAP_ANONYMOUS,
    MAP_FIXED,
    MAP_FIXED_NOREPLACE,
    MAP_GROWSDOWN,
    MAP_HUGE_SHIFT,
    MAP_HUGETLB,
    MAP_LOCKED,
    MAP_NONBLOCK,
    MAP_NORESERVE,
    MAP_POPULATE,
    MAP_PRIVATE,
    MAP_SHARED,
    MAP_SHARED_VALIDATE,
    PROT_EXEC,
    PROT_NONE,
    PROT_READ,
    PROT_WRITE,
)
from lab.kernel.include.uapi.personality import READ_IMPLIES_EXEC
from lab.kernel.include.uapi.resource import RLIMIT_AS, RLIMIT_DATA, RLIMIT_MEMLOCK
from lab.kernel.lib.maple_tree import MaState, mas_empty_area_rev
from lab.kernel.machine import Machine, running
from lab.kernel.mm.filemap import ext4_file_operations
from lab.kernel.mm.mmap import (
    VmUnmappedAreaInfo,
    do_mas_munmap,
    do_mmap,
    get_unmapped_area,
    vm_start_gap,
    vm_unmapped_area,
)
from lab.kernel.mm.shmem import shmem_file_operations
from lab.kernel.mm_struct import MM_ANONPAGES, VmAreaStruct
from lab.kernel.twin import ULONG_MAX, Out, ulong

ANON = MAP_PRIVATE | MAP_ANONYMOUS
RW = PROT_READ | PROT_WRITE
BASE = 0x7FFF00000000
MiB = 1 << 20


# -- the machine -------------------------------------------------------------------------------
@pytest.fixture
def m() -> Machine:
    machine = default_machine()
    with running(machine):
        yield machine
    check_invariants(machine)


def check_invariants(machine: Machine) -> None:
    mm = machine.task.mm
    assert mm.map_count == len(mm.vmas)
    for a, b in zip(mm.vmas, mm.vmas[1:]):
        assert a.vm_end <= b.vm_start, (a, b)
    for v in mm.vmas:
        assert v.vm_start < v.vm_end and not v.vm_start % PAGE_SIZE and not v.vm_end % PAGE_SIZE
    assert mm.total_vm == sum(v.pages for v in mm.vmas)


def open_file(machine: Machine, path: str, f_mode: int = FMODE_READ | FMODE_WRITE,
              size: int = 8 * PAGE_SIZE, fs: str = "ext4", mnt_flags: int = 0,
              i_flags: int = 0, f_op=None) -> int:
    """What open(2) would leave: an inode on a file system and a descriptor for it."""
    f_op = f_op or {"ext4": ext4_file_operations, "tmpfs": shmem_file_operations}[fs]
    inode = Inode(machine.next_ino, SuperBlock(fs, mnt_flags), i_size=size, i_flags=i_flags,
                  f_op=f_op)
    machine.next_ino += 1
    machine.inodes[path] = inode
    fd = max(machine.task.files, default=2) + 1
    machine.task.files[fd] = File(path, inode, f_mode)
    return fd


def mmap(addr: int, length: int, prot: int, flags: int, fd: int = -1, off: int = 0) -> int:
    """The raw system call: every argument as the unsigned long the kernel sees."""
    return sys_mmap(ulong(addr), ulong(length), prot, flags, ulong(fd), ulong(off))


def vma_at(machine: Machine, addr: int) -> VmAreaStruct:
    vma = machine.task.mm.vma_lookup(addr)
    assert vma is not None, f"no VMA at {addr:#x}"
    return vma


def near(machine: Machine, addr: int, span: int = 16 * PAGE_SIZE) -> list[VmAreaStruct]:
    return machine.task.mm.overlapping(addr, addr + span)


# -- lengths, offsets, descriptors -------------------------------------------------------------
def test_zero_length_is_einval(m):
    assert mmap(0, 0, RW, ANON) == -EINVAL


@pytest.mark.parametrize("length", [ULONG_MAX, 1 << 63, 1 << 47])
def test_lengths_that_wrap_or_pass_task_size_are_enomem(m, length):
    assert mmap(0, length, RW, ANON) == -ENOMEM


def test_unaligned_offset_is_einval_before_the_descriptor_is_looked_up(m):
    assert mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, 999, 1) == -EINVAL


@pytest.mark.parametrize("fd", [-1, 999])
def test_a_file_mapping_of_a_bad_descriptor_is_ebadf(m, fd):
    assert mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd) == -EBADF


def test_a_bad_descriptor_is_found_before_the_zero_length(m):
    assert mmap(0, 0, PROT_READ, MAP_PRIVATE, 999) == -EBADF


def test_an_offset_past_what_a_regular_file_can_address_is_eoverflow(m):
    fd = open_file(m, "data.bin")
    assert mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd, 1 << 63) == -EOVERFLOW


def test_a_device_allows_offsets_a_regular_file_cannot_reach(m):
    fd = open_file(m, "/dev/zero", fs="devtmpfs", size=0, f_op=zero_fops)
    assert mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd, 1 << 63) > 0


# -- map types ---------------------------------------------------------------------------------
def test_anonymous_memory_without_a_map_type_is_einval(m):
    assert mmap(0, PAGE_SIZE, PROT_READ, MAP_ANONYMOUS) == -EINVAL


def test_shared_and_private_together_is_einval_for_anonymous_memory(m):
    assert mmap(0, PAGE_SIZE, PROT_READ, MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS) == -EINVAL


def test_shared_and_private_together_on_a_file_is_shared_validate(m):
    fd = open_file(m, "data.bin")
    p = mmap(0, PAGE_SIZE, RW, MAP_SHARED | MAP_PRIVATE, fd)
    assert vma_at(m, p).vm_flags & (VM_SHARED | VM_MAYSHARE | VM_WRITE) == \
        VM_SHARED | VM_MAYSHARE | VM_WRITE


def test_an_unknown_flag_is_eopnotsupp_with_shared_validate_and_dropped_with_shared(m):
    fd = open_file(m, "data.bin")
    assert mmap(0, PAGE_SIZE, PROT_READ, MAP_SHARED_VALIDATE | 0x800000, fd) == -EOPNOTSUPP
    assert mmap(0, PAGE_SIZE, PROT_READ, MAP_SHARED | 0x800000, fd) > 0


# -- the file's open mode and flags ------------------------------------------------------------
def test_a_read_only_descriptor_refuses_a_shared_writable_mapping(m):
    fd = open_file(m, "ro.bin", FMODE_READ)
    assert mmap(0, PAGE_SIZE, RW, MAP_SHARED, fd) == -EACCES


def test_a_shared_read_only_mapping_of_a_read_only_descriptor_may_never_write(m):
    fd = open_file(m, "ro.bin", FMODE_READ)
    flags = vma_at(m, mmap(0, PAGE_SIZE, PROT_READ, MAP_SHARED, fd)).vm_flags
    assert flags & VM_MAYSHARE and not flags & (VM_SHARED | VM_MAYWRITE)


def test_a_private_writable_mapping_of_a_read_only_descriptor_is_allowed(m):
    fd = open_file(m, "ro.bin", FMODE_READ)
    assert vma_at(m, mmap(0, PAGE_SIZE, RW, MAP_PRIVATE, fd)).vm_flags & VM_WRITE


def test_a_write_only_descriptor_cannot_be_mapped(m):
    fd = open_file(m, "wo.bin", FMODE_WRITE)
    assert mmap(0, PAGE_SIZE, PROT_READ, MAP_SHARED, fd) == -EACCES


def test_an_append_only_file_refuses_shared_but_allows_private_mappings(m):
    fd = open_file(m, "log.bin", i_flags=S_APPEND)
    assert mmap(0, PAGE_SIZE, PROT_READ, MAP_SHARED, fd) == -EACCES
    assert mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd) > 0


def test_a_swap_file_refuses_a_shared_writable_mapping(m):
    fd = open_file(m, "swap.img", i_flags=S_SWAPFILE)
    assert mmap(0, PAGE_SIZE, RW, MAP_SHARED, fd) == -ETXTBSY


# -- exec --------------------------------------------------------------------------------------
def test_prot_exec_on_a_noexec_mount_is_eperm(m):
    fd = open_file(m, "tool.bin", FMODE_READ, mnt_flags=MNT_NOEXEC)
    assert mmap(0, PAGE_SIZE, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd) == -EPERM


def test_read_implies_exec_spares_noexec_files_and_takes_their_mayexec(m):
    m.task.personality = READ_IMPLIES_EXEC
    fd = open_file(m, "tool.bin", FMODE_READ, mnt_flags=MNT_NOEXEC)
    flags = vma_at(m, mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd)).vm_flags
    assert not flags & (VM_EXEC | VM_MAYEXEC)


def test_read_implies_exec_makes_files_and_anonymous_memory_executable(m):
    m.task.personality = READ_IMPLIES_EXEC
    fd = open_file(m, "lib.bin", FMODE_READ)
    assert vma_at(m, mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd)).vm_flags & VM_EXEC
    assert vma_at(m, mmap(0, PAGE_SIZE, PROT_READ, ANON)).vm_flags & VM_EXEC


# -- devices and stacks ------------------------------------------------------------------------
def test_dev_null_has_no_mmap_and_is_enodev(m):
    fd = open_file(m, "/dev/null", fs="devtmpfs", size=0, f_op=null_fops)
    assert mmap(0, PAGE_SIZE, PROT_READ, MAP_SHARED, fd) == -ENODEV


def test_dev_zero_private_is_anonymous_and_shared_gets_its_own_shmem_file(m):
    fd = open_file(m, "/dev/zero", fs="devtmpfs", size=0, f_op=zero_fops)
    private = vma_at(m, mmap(0, PAGE_SIZE, RW, MAP_PRIVATE, fd))
    shared = vma_at(m, mmap(0, PAGE_SIZE, RW, MAP_SHARED, fd))
    assert private.vm_ops is None
    assert shared.vm_file.path == "/dev/zero" and shared.vm_file.deleted
    assert shared.vm_file is not m.task.files[fd]


def test_growsdown_is_only_for_private_anonymous_memory(m):
    fd = open_file(m, "ro.bin", FMODE_READ)
    assert mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_GROWSDOWN, fd) == -EINVAL
    assert mmap(0, PAGE_SIZE, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN) == -EINVAL
    assert vma_at(m, mmap(0, PAGE_SIZE, PROT_READ, ANON | MAP_GROWSDOWN)).vm_flags & VM_GROWSDOWN


def test_no_hint_lands_within_the_guard_gap_below_a_stack_vma(m):
    stack = mmap(BASE + 0x100000, PAGE_SIZE, RW, ANON | MAP_GROWSDOWN | MAP_FIXED)
    assert vm_start_gap(vma_at(m, stack)) == BASE
    for hint in (BASE + 0xFF000, BASE):
        assert mmap(hint, PAGE_SIZE, PROT_READ, ANON) != hint
    assert mmap(BASE - PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON) == BASE - PAGE_SIZE


# -- locking -----------------------------------------------------------------------------------
def test_map_locked_over_rlimit_memlock_is_eagain(m):
    m.task.rlimits[RLIMIT_MEMLOCK] = [65536, 65536]
    assert mmap(0, 131072, RW, ANON | MAP_LOCKED) == -EAGAIN


def test_map_locked_with_rlimit_memlock_zero_is_eperm(m):
    m.task.rlimits[RLIMIT_MEMLOCK] = [0, 0]
    assert mmap(0, PAGE_SIZE, RW, ANON | MAP_LOCKED) == -EPERM


def test_cap_ipc_lock_lifts_the_memlock_limit(m):
    m.task.rlimits[RLIMIT_MEMLOCK] = [0, 0]
    m.task.cred.caps = {CAP_IPC_LOCK}
    assert mmap(0, 131072, RW, ANON | MAP_LOCKED) > 0
    assert m.task.mm.locked_vm == 32


def test_the_memlock_limit_is_checked_before_the_file_access(m):
    m.task.rlimits[RLIMIT_MEMLOCK] = [4096, 4096]
    fd = open_file(m, "ro.bin", FMODE_READ)
    assert mmap(0, 8192, RW, MAP_SHARED | MAP_LOCKED, fd) == -EAGAIN


def test_fixed_noreplace_is_checked_before_the_file_access(m):
    fd = open_file(m, "ro.bin", FMODE_READ)
    mmap(BASE, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED)
    assert mmap(BASE, PAGE_SIZE, RW, MAP_SHARED | MAP_FIXED_NOREPLACE, fd) == -EEXIST


def test_map_locked_counts_locked_vm_and_unmapping_gives_it_back(m):
    p = mmap(0, 16 * PAGE_SIZE, RW, ANON | MAP_LOCKED)
    assert vma_at(m, p).vm_flags & VM_LOCKED and m.task.mm.locked_vm == 16
    mmap(p, 2 * PAGE_SIZE, PROT_READ, ANON | MAP_FIXED)
    assert m.task.mm.locked_vm == 14


# -- merging -----------------------------------------------------------------------------------
@pytest.mark.parametrize("order", [(1, 0), (0, 1), (0, 2, 1)])
def test_adjacent_private_anonymous_mappings_merge(m, order):
    for i in order:
        mmap(BASE + i * PAGE_SIZE, PAGE_SIZE, RW, ANON | MAP_FIXED)
    assert [(v.vm_start, v.vm_end) for v in near(m, BASE)] == \
        [(BASE, BASE + len(order) * PAGE_SIZE)]


def test_different_protections_do_not_merge(m):
    mmap(BASE, PAGE_SIZE, RW, ANON | MAP_FIXED)
    mmap(BASE + PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED)
    assert len(near(m, BASE)) == 2


def test_shared_anonymous_mappings_never_merge(m):
    mmap(BASE, PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED)
    mmap(BASE + PAGE_SIZE, PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED)
    vmas = near(m, BASE)
    assert len(vmas) == 2 and vmas[0].vm_file is not vmas[1].vm_file


def test_file_mappings_merge_only_where_offsets_continue(m):
    fd = open_file(m, "big.bin", FMODE_READ, size=16 * PAGE_SIZE)
    mmap(BASE, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0)
    mmap(BASE + PAGE_SIZE, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, PAGE_SIZE)
    assert len(near(m, BASE)) == 1
    mmap(BASE + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 8 * PAGE_SIZE)
    assert len(near(m, BASE)) == 2
    assert m.inodes["big.bin"].i_mmap == near(m, BASE)


def test_touched_neighbours_with_different_anon_vmas_are_not_bridged(m):
    for i in (0, 2):
        mmap(BASE + i * PAGE_SIZE, PAGE_SIZE, RW, ANON | MAP_FIXED | MAP_POPULATE)
    assert vma_at(m, BASE).anon_vma is not vma_at(m, BASE + 2 * PAGE_SIZE).anon_vma
    mmap(BASE + PAGE_SIZE, PAGE_SIZE, RW, ANON | MAP_FIXED)
    # next is tried first and takes the new page; prev's anon_vma then differs from next's
    assert [(v.vm_start - BASE, v.vm_end - BASE) for v in near(m, BASE)] == \
        [(0, PAGE_SIZE), (PAGE_SIZE, 3 * PAGE_SIZE)]


# -- MAP_FIXED and hints -----------------------------------------------------------------------
def test_map_fixed_over_the_middle_page_leaves_three_vmas(m):
    mmap(BASE, 3 * PAGE_SIZE, RW, ANON | MAP_FIXED)
    mmap(BASE + PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED)
    assert [(v.vm_start - BASE, v.vm_end - BASE, v.vm_flags & (VM_READ | VM_WRITE))
            for v in near(m, BASE)] == [
        (0, PAGE_SIZE, VM_READ | VM_WRITE), (PAGE_SIZE, 2 * PAGE_SIZE, VM_READ),
        (2 * PAGE_SIZE, 3 * PAGE_SIZE, VM_READ | VM_WRITE)]
    assert [v.vm_pgoff for v in near(m, BASE)] == [(BASE >> 12) + i for i in range(3)]


def test_map_fixed_over_touched_pages_frees_their_frames_and_page_tables(m):
    physmem, mm = m.physmem, m.task.mm
    tables, frames = mm.pgd.table_count(), physmem.in_use
    p = mmap(BASE, 4 * MiB, RW, ANON | MAP_FIXED | MAP_POPULATE)
    assert mm.get_mm_counter(MM_ANONPAGES) == 1024 and physmem.in_use == frames + 1024
    mmap(p, 4 * MiB, PROT_READ, ANON | MAP_FIXED)
    assert mm.get_mm_counter(MM_ANONPAGES) == 0 and physmem.in_use == frames
    assert list(mm.pgd.leaves(p, p + 4 * MiB)) == []
    # The PTE tables and the PMD table go; the PUD table also covers the libraries above.
    assert mm.pgd.table_count() == tables + 1


@pytest.mark.parametrize("flag", [MAP_FIXED, MAP_FIXED_NOREPLACE])
def test_an_unaligned_fixed_address_is_einval(m, flag):
    assert mmap(BASE + 1, PAGE_SIZE, PROT_READ, ANON | flag) == -EINVAL


def test_fixed_noreplace_over_any_mapped_page_is_eexist(m):
    mmap(BASE, 3 * PAGE_SIZE, PROT_READ, ANON | MAP_FIXED)
    assert mmap(BASE + 2 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ, ANON | MAP_FIXED_NOREPLACE) == \
        -EEXIST
    assert mmap(BASE + 3 * PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED_NOREPLACE) == \
        BASE + 3 * PAGE_SIZE


def test_a_hint_in_a_free_range_is_honoured_and_rounded_down(m):
    assert mmap(BASE + 123, PAGE_SIZE, RW, ANON) == BASE


def test_a_hint_below_the_mmap_min_addr_floor_is_raised_to_it(m):
    assert mmap(0x1000, PAGE_SIZE, RW, ANON) == 65536


def test_without_a_hint_mappings_are_placed_top_down_below_mmap_base(m):
    mm = m.task.mm
    first = mmap(0, 2 * PAGE_SIZE, RW, ANON)
    below = mm.find_vma(first + 2 * PAGE_SIZE)
    assert first + 2 * PAGE_SIZE == below.vm_start and below.vm_start <= mm.mmap_base
    assert mmap(0, PAGE_SIZE, PROT_READ, ANON) == first - PAGE_SIZE


def test_fixed_below_dac_mmap_min_addr_needs_cap_sys_rawio(m):
    assert mmap(0, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED) == -EPERM
    m.task.cred.caps = {CAP_SYS_RAWIO}
    assert mmap(0, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED) == 0


def test_map_32bit_places_the_mapping_in_the_second_gigabyte(m):
    assert mmap(0, PAGE_SIZE, RW, ANON | MAP_32BIT) == 0x40000000


def test_a_large_ext4_mapping_is_aligned_to_2_mib(m):
    fd = open_file(m, "big.bin", FMODE_READ, size=8 * MiB)
    assert mmap(0, 4 * MiB, PROT_READ, MAP_PRIVATE, fd) % (2 * MiB) == 0


# -- limits and accounting ---------------------------------------------------------------------
def test_max_map_count_is_compared_with_greater_than(m):
    mm = m.task.mm
    m.sysctl_max_map_count = mm.map_count
    assert mmap(BASE, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED) == BASE
    assert mm.map_count == m.sysctl_max_map_count + 1
    assert mmap(BASE + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED) == -ENOMEM


def test_a_split_that_would_pass_max_map_count_is_enomem(m):
    mmap(BASE, 3 * PAGE_SIZE, RW, ANON | MAP_FIXED)
    m.sysctl_max_map_count = m.task.mm.map_count
    assert mmap(BASE + PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED) == -ENOMEM
    assert len(near(m, BASE)) == 1


def test_rlimit_as_is_enforced(m):
    m.task.rlimits[RLIMIT_AS] = [64 * MiB, 64 * MiB]
    assert mmap(0, 64 * MiB, RW, ANON) == -ENOMEM


def test_map_fixed_counts_the_pages_it_replaces_against_rlimit_as(m):
    mm = m.task.mm
    mmap(BASE, 4 * PAGE_SIZE, RW, ANON | MAP_FIXED)
    limit = mm.total_vm * PAGE_SIZE
    m.task.rlimits[RLIMIT_AS] = [limit, limit]
    assert mmap(BASE, 4 * PAGE_SIZE, PROT_READ, ANON | MAP_FIXED) == BASE
    assert mmap(BASE, 5 * PAGE_SIZE, PROT_READ, ANON | MAP_FIXED) == -ENOMEM


def test_rlimit_data_limits_private_writable_memory_only(m):
    m.task.rlimits[RLIMIT_DATA] = [MiB, MiB]
    assert mmap(0, 2 * MiB, RW, ANON) == -ENOMEM
    assert mmap(0, 2 * MiB, PROT_READ, ANON) > 0
    assert mmap(0, 2 * MiB, RW, MAP_SHARED | MAP_ANONYMOUS) > 0


def test_counters_follow_new_and_replaced_mappings(m):
    mm = m.task.mm
    before = (mm.total_vm, mm.data_vm, mm.exec_vm, mm.stack_vm)
    p = mmap(0, 4 * PAGE_SIZE, RW, ANON)
    mmap(0, 2 * PAGE_SIZE, PROT_READ | PROT_EXEC, ANON)
    mmap(0, PAGE_SIZE, RW, ANON | MAP_GROWSDOWN)
    assert (mm.total_vm, mm.data_vm, mm.exec_vm, mm.stack_vm) == \
        (before[0] + 7, before[1] + 4, before[2] + 2, before[3] + 1)
    mmap(p, 4 * PAGE_SIZE, PROT_READ, ANON | MAP_FIXED)
    assert (mm.total_vm, mm.data_vm) == (before[0] + 7, before[1])


def test_private_writable_memory_is_charged_to_the_commit_and_given_back(m):
    committed = m.vm_committed_as
    p = mmap(0, 8 * PAGE_SIZE, RW, ANON)
    assert vma_at(m, p).vm_flags & VM_ACCOUNT and m.vm_committed_as == committed + 8
    mmap(p, 8 * PAGE_SIZE, PROT_READ, ANON | MAP_FIXED)
    assert not vma_at(m, p).vm_flags & VM_ACCOUNT and m.vm_committed_as == committed


def test_noreserve_read_only_and_shared_mappings_are_not_accounted(m):
    for prot, flags in [(RW, ANON | MAP_NORESERVE), (PROT_READ, ANON)]:
        assert not vma_at(m, mmap(0, PAGE_SIZE, prot, flags)).vm_flags & VM_ACCOUNT
    assert vma_at(m, mmap(0, PAGE_SIZE, RW, ANON | MAP_NORESERVE)).vm_flags & VM_NORESERVE
    assert not vma_at(m, mmap(0, PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS)).vm_flags & \
        VM_ACCOUNT


def test_shared_anonymous_memory_goes_with_its_last_mapping(m):
    committed, frames = m.vm_committed_as, m.physmem.in_use
    p = mmap(BASE, 2 * PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE)
    assert m.vm_committed_as == committed + 2 and m.physmem.in_use == frames + 2
    mmap(p, 2 * PAGE_SIZE, RW, ANON | MAP_FIXED | MAP_NORESERVE)
    assert m.vm_committed_as == committed and m.physmem.in_use == frames


def test_heuristic_overcommit_refuses_only_more_than_ram_and_swap(m):
    assert mmap(0, 8 << 30, RW, ANON) > 0
    assert mmap(0, (8 << 30) + PAGE_SIZE, RW, ANON) == -ENOMEM


def test_overcommit_always_promises_anything(m):
    m.sysctl_overcommit_memory = 1
    assert mmap(0, 64 << 30, RW, ANON) > 0


def test_strict_overcommit_stops_at_the_commit_limit(m):
    m.sysctl_overcommit_memory = 2
    assert mmap(0, 3 << 30, RW, ANON) > 0
    assert mmap(0, 1 << 30, RW, ANON) == -ENOMEM
    assert mmap(0, 1 << 30, RW, ANON | MAP_NORESERVE) == -ENOMEM  # no NORESERVE under "never"
    assert mmap(0, 1 << 30, PROT_READ, ANON) > 0


def test_every_new_or_expanded_vma_is_soft_dirty(m):
    mmap(BASE, PAGE_SIZE, RW, ANON | MAP_FIXED)
    vma = vma_at(m, BASE)
    vma.vm_flags &= ~VM_SOFTDIRTY
    mmap(BASE + PAGE_SIZE, PAGE_SIZE, RW, ANON | MAP_FIXED)
    assert vma_at(m, BASE + PAGE_SIZE) is vma and vma.vm_flags & VM_SOFTDIRTY


# -- huge pages --------------------------------------------------------------------------------
def test_map_hugetlb_on_a_regular_file_is_einval(m):
    fd = open_file(m, "ro.bin", FMODE_READ)
    assert mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_HUGETLB, fd) == -EINVAL


def test_a_huge_page_size_the_machine_lacks_is_einval(m):
    assert mmap(0, PAGE_SIZE, PROT_READ, ANON | MAP_HUGETLB | (25 << MAP_HUGE_SHIFT)) == -EINVAL


def test_a_hugetlb_vma_splits_only_on_a_huge_page_boundary(m):
    m.default_hstate.nr_huge_pages = m.default_hstate.free_huge_pages = 2
    p = mmap(0, 4 * MiB, RW, ANON | MAP_HUGETLB)
    assert mmap(p + PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED) == -ENOMEM
    assert [(v.vm_start, v.vm_end) for v in near(m, p, 4 * MiB)] == [(p, p + 4 * MiB)]


# -- populate ----------------------------------------------------------------------------------
@pytest.mark.parametrize("prot,flags,populates", [
    (RW, ANON | MAP_POPULATE, True),
    (RW, ANON | MAP_LOCKED, True),
    (RW, ANON | MAP_POPULATE | MAP_NONBLOCK, False),
    (RW, ANON, False),
])
def test_do_mmap_asks_for_populate_for_map_populate_and_locked_memory(m, prot, flags,
                                                                       populates):
    populate = Out()
    addr = do_mmap(None, 0, 3 * PAGE_SIZE, prot, flags, 0, populate, [])
    assert addr > 0 and populate.value == (3 * PAGE_SIZE if populates else 0)


def test_map_populate_faults_the_pages_in(m):
    p = mmap(0, 8 * PAGE_SIZE, RW, ANON | MAP_POPULATE)
    assert m.task.mm.pgd.present_pages(p, p + 8 * PAGE_SIZE) == 8


# -- page protections --------------------------------------------------------------------------
def test_page_protections_follow_the_vma_and_shared_files_start_write_protected(m):
    fd = open_file(m, "data.bin")
    assert vma_at(m, mmap(0, PAGE_SIZE, PROT_NONE, ANON)).vm_page_prot == PAGE_NONE
    shmem = vma_at(m, mmap(0, PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS))
    assert shmem.vm_page_prot == PAGE_SHARED
    ext4 = vma_at(m, mmap(0, PAGE_SIZE, RW, MAP_SHARED, fd))
    # ext4 wants to hear of the first write (page_mkwrite), so the PTEs start read-only
    assert ext4.vm_page_prot == vm_get_page_prot(VM_READ | VM_WRITE)


# -- the address search on a known address space ----------------------------------------------
@pytest.fixture
def bare() -> Machine:
    """The default machine with its VMAs replaced by three, for predictable gaps."""
    machine = default_machine()
    mm = machine.task.mm
    mm.vmas = [VmAreaStruct(0x10000000, 0x10004000, VM_READ),
               VmAreaStruct(0x10008000, 0x10009000, VM_READ),
               VmAreaStruct(0x20000000, 0x20001000, VM_READ)]
    mm.map_count, mm.total_vm, mm.mmap_base = 3, 6, 0x20000000
    with running(machine):
        yield machine


def test_mas_empty_area_rev_finds_the_highest_gap_that_is_big_enough(bare):
    mas = MaState(bare.task.mm, 0, 0)
    assert mas_empty_area_rev(mas, PAGE_SIZE, 0x20000000 - 1, 0x4000) == 0
    assert (mas.index, mas.last) == (0x20000000 - 0x4000, 0x20000000 - 1)
    assert mas_empty_area_rev(mas, PAGE_SIZE, 0x10008000 - 1, 0x4000) == 0
    assert mas.last == 0x10004000 + 0x4000 - 1  # the 16 KiB hole between the first two
    assert mas_empty_area_rev(mas, PAGE_SIZE, 0x10008000 - 1, 0x5000) == 0
    assert mas.last == 0x10000000 - 1


def test_vm_unmapped_area_searches_down_or_up(bare):
    info = VmUnmappedAreaInfo(length=0x4000, low_limit=PAGE_SIZE, high_limit=0x10008000)
    assert vm_unmapped_area(info) == PAGE_SIZE
    info.flags = 1  # VM_UNMAPPED_AREA_TOPDOWN
    assert vm_unmapped_area(info) == 0x10004000
    info.length = 0x20000000
    assert vm_unmapped_area(info) == -ENOMEM


def test_topdown_falls_back_to_bottom_up_when_nothing_fits_below_mmap_base(bare):
    length = 0x30000000  # more than lies below mmap_base (0x20000000)
    addr = arch_get_unmapped_area_topdown(None, 0, length, 0, 0)
    assert addr == arch_get_unmapped_area(None, 0, length, 0, 0) == 0x2AAAAAAAB000


def test_a_hint_is_taken_only_where_it_fits(bare):
    assert arch_get_unmapped_area_topdown(None, 0x10004000, 0x4000, 0, 0) == 0x10004000
    assert arch_get_unmapped_area_topdown(None, 0x10004000, 0x5000, 0, 0) == \
        0x20000000 - 0x5000
    assert arch_get_unmapped_area_topdown(None, TASK_SIZE_MAX - PAGE_SIZE, 2 * PAGE_SIZE, 0,
                                          0) == 0x20000000 - 2 * PAGE_SIZE


def test_get_unmapped_area_checks_what_the_placement_returns(bare):
    assert get_unmapped_area(None, 0x10000001, PAGE_SIZE, 0, MAP_FIXED) == -EINVAL
    assert get_unmapped_area(None, TASK_SIZE_MAX, PAGE_SIZE, 0, MAP_FIXED) == -ENOMEM
    assert get_unmapped_area(None, 0, TASK_SIZE_MAX + 1, 0, 0) == -ENOMEM


def test_do_mas_munmap_of_an_empty_range_changes_nothing(bare):
    mm = bare.task.mm
    mas = MaState(mm, 0x30000000, 0x30000FFF)
    assert do_mas_munmap(mas, mm, 0x30000000, PAGE_SIZE, [], False) == 0
    assert mm.map_count == 3
    assert do_mas_munmap(mas, mm, 0x30000001, PAGE_SIZE, [], False) == -EINVAL


def test_do_mas_munmap_splits_and_removes(bare):
    mm = bare.task.mm
    mas = MaState(mm, 0x10001000, 0x10008FFF)
    assert do_mas_munmap(mas, mm, 0x10001000, 0x8000, [], False) == 0
    assert [(v.vm_start, v.vm_end) for v in mm.vmas] == [(0x10000000, 0x10001000),
                                                          (0x20000000, 0x20001000)]
    assert (mm.map_count, mm.total_vm) == (2, 2)
