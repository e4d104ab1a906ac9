# SPDX-License-Identifier: GPL-2.0-only
"""The default world: the machine and process every scenario starts from.

One place says what it is (`DESCRIPTION`, shown by `mmaplab world` and in the app):

- an unprivileged process (uid 1000, no capabilities) running /usr/bin/demo, a small
  dynamically linked program, with the address space `setarch -R` gives it (no ASLR):
  program, [heap], libc, [vvar], [vdso], ld.so and [stack], under 3 MiB in all;
- the limits of a stock system: RLIMIT_MEMLOCK 8 MiB, RLIMIT_STACK 8 MiB, the rest unlimited;
- vm.max_map_count 65530, vm.overcommit_memory 0 (heuristic), vm.overcommit_ratio 50,
  vm.nr_hugepages 0, vm.mmap_min_addr 4096 (the effective floor is 65536: Debian's
  CONFIG_LSM_MMAP_MIN_ADDR);
- 8 GiB of RAM, no swap; huge page sizes 2 MiB (the default) and 1 GiB, none reserved;
- mmap_base 0x7ffff7fff000: TASK_SIZE less the 128 MiB minimum stack gap
  (arch/x86/mm/mmap.c), so new mappings are placed top-down just below the libraries.

The starting VMAs have no pages resident: the lab shows the pages a scenario itself faults.
"""

from __future__ import annotations

from lab.kernel.arch.x86.include.asm.pgtable import PAGE_SHIFT, PAGE_SIZE
from lab.kernel.file import FMODE_EXEC, FMODE_READ, File, Inode, SuperBlock
from lab.kernel.include.linux.mm import (
    VM_ACCOUNT,
    VM_DONTDUMP,
    VM_DONTEXPAND,
    VM_EXEC,
    VM_GROWSDOWN,
    VM_IO,
    VM_MAYEXEC,
    VM_MAYREAD,
    VM_MAYWRITE,
    VM_PFNMAP,
    VM_READ,
    VM_SOFTDIRTY,
    VM_WRITE,
)
from lab.kernel.include.uapi.resource import (
    RLIM_INFINITY,
    RLIMIT_AS,
    RLIMIT_CORE,
    RLIMIT_CPU,
    RLIMIT_DATA,
    RLIMIT_FSIZE,
    RLIMIT_LOCKS,
    RLIMIT_MEMLOCK,
    RLIMIT_MSGQUEUE,
    RLIMIT_NICE,
    RLIMIT_NOFILE,
    RLIMIT_NPROC,
    RLIMIT_RSS,
    RLIMIT_RTPRIO,
    RLIMIT_RTTIME,
    RLIMIT_SIGPENDING,
    RLIMIT_STACK,
)
from lab.kernel.machine import Cred, Hstate, Machine, Task
from lab.kernel.mm_struct import MmStruct, VmAreaStruct
from lab.kernel.pagetable import PageTable
from lab.kernel.physmem import PhysMem

GiB = 1 << 30
MiB = 1 << 20
TASK_SIZE = (1 << 47) - PAGE_SIZE  # x86-64, 4-level paging
STACK_GUARD_GAP = 256 << PAGE_SHIFT  # mm/mmap.c: stack_guard_gap
MIN_GAP = 128 * MiB  # arch/x86/mm/mmap.c: SIZE_128M

STOCK_RLIMITS = {
    RLIMIT_CPU: (RLIM_INFINITY, RLIM_INFINITY),
    RLIMIT_FSIZE: (RLIM_INFINITY, RLIM_INFINITY),
    RLIMIT_DATA: (RLIM_INFINITY, RLIM_INFINITY),
    RLIMIT_STACK: (8 * MiB, RLIM_INFINITY),
    RLIMIT_CORE: (0, RLIM_INFINITY),
    RLIMIT_RSS: (RLIM_INFINITY, RLIM_INFINITY),
    RLIMIT_NPROC: (95_000, 95_000),
    RLIMIT_NOFILE: (1024, 524_288),
    RLIMIT_MEMLOCK: (8 * MiB, 8 * MiB),
    RLIMIT_AS: (RLIM_INFINITY, RLIM_INFINITY),
    RLIMIT_LOCKS: (RLIM_INFINITY, RLIM_INFINITY),
    RLIMIT_SIGPENDING: (95_000, 95_000),
    RLIMIT_MSGQUEUE: (819_200, 819_200),
    RLIMIT_NICE: (0, 0),
    RLIMIT_RTPRIO: (0, 0),
    RLIMIT_RTTIME: (RLIM_INFINITY, RLIM_INFINITY),
}

R, RW, RX = VM_READ, VM_READ | VM_WRITE, VM_READ | VM_EXEC
_MAY = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC
PROGRAM, LIBC, LD = "/usr/bin/demo", "/usr/lib/x86_64-linux-gnu/libc.so.6", \
    "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"

# (start, end, vm_flags, pgoff in pages, file path or special name or None for anonymous)
LAYOUT = [
    (0x555555554000, 0x555555555000, R, 0x0, PROGRAM),
    (0x555555555000, 0x555555556000, RX, 0x1, PROGRAM),
    (0x555555556000, 0x555555557000, R, 0x2, PROGRAM),
    (0x555555557000, 0x555555558000, R, 0x2, PROGRAM),
    (0x555555558000, 0x555555559000, RW | VM_ACCOUNT, 0x3, PROGRAM),
    (0x555555559000, 0x55555557A000, RW | VM_ACCOUNT, 0x555555559, "[heap]"),
    (0x7FFFF7DE3000, 0x7FFFF7E09000, R, 0x0, LIBC),
    (0x7FFFF7E09000, 0x7FFFF7F5E000, RX, 0x26, LIBC),
    (0x7FFFF7F5E000, 0x7FFFF7FB1000, R, 0x17B, LIBC),
    (0x7FFFF7FB1000, 0x7FFFF7FB5000, R, 0x1CE, LIBC),
    (0x7FFFF7FB5000, 0x7FFFF7FB7000, RW | VM_ACCOUNT, 0x1D2, LIBC),
    (0x7FFFF7FB7000, 0x7FFFF7FC4000, RW | VM_ACCOUNT, 0x7FFFF7FB7, None),
    (0x7FFFF7FC4000, 0x7FFFF7FC8000, R | VM_IO | VM_PFNMAP | VM_DONTDUMP, 0x0, "[vvar]"),
    (0x7FFFF7FC8000, 0x7FFFF7FCA000, RX, 0x0, "[vdso]"),
    (0x7FFFF7FCA000, 0x7FFFF7FCB000, R, 0x0, LD),
    (0x7FFFF7FCB000, 0x7FFFF7FF1000, RX, 0x1, LD),
    (0x7FFFF7FF1000, 0x7FFFF7FFB000, R, 0x27, LD),
    (0x7FFFF7FFB000, 0x7FFFF7FFD000, R, 0x31, LD),
    (0x7FFFF7FFD000, 0x7FFFF7FFF000, RW | VM_ACCOUNT, 0x33, LD),
    (0x7FFFFFFDE000, 0x7FFFFFFFF000, RW | VM_GROWSDOWN | VM_ACCOUNT, 0x7FFFFFFDE, "[stack]"),
]
FILE_SIZES = {PROGRAM: 0x4100, LIBC: 0x1D4E20, LD: 0x35C60}

DESCRIPTION = __doc__.split("\n\n", 2)[2].strip()  # the list, without the note above it


def mmap_base(stack_rlimit: int, task_size: int = TASK_SIZE) -> int:
    """arch/x86/mm/mmap.c: mmap_base() with no randomisation (setarch -R)."""
    gap = stack_rlimit + STACK_GUARD_GAP
    gap = min(max(gap, MIN_GAP), task_size // 6 * 5)
    return (task_size - gap) & ~(PAGE_SIZE - 1)


def default_machine() -> Machine:
    """A fresh default world (see the module's description)."""
    from lab.kernel.arch.x86.kernel.sys_x86_64 import arch_get_unmapped_area_topdown
    from lab.kernel.arch.x86.mm.pgprot import vm_get_page_prot
    from lab.kernel.mm.filemap import ext4_file_operations, generic_file_vm_ops

    physmem = PhysMem(total_pages=8 * GiB >> PAGE_SHIFT)
    mm = MmStruct(
        mmap_base=mmap_base(STOCK_RLIMITS[RLIMIT_STACK][0]),
        task_size=TASK_SIZE,
        get_unmapped_area=arch_get_unmapped_area_topdown,
        pgd=PageTable(physmem.alloc_table),
        start_brk=0x555555559000,
        brk=0x55555557A000,
        start_stack=0x7FFFFFFFE000,
    )
    task = Task(pid=4242, comm="demo", mm=mm, cred=Cred(uid=1000, caps=set()),
                rlimits={k: list(v) for k, v in STOCK_RLIMITS.items()})
    machine = Machine(task=task, physmem=physmem, totalram_pages=8 * GiB >> PAGE_SHIFT,
                      hstates=[Hstate(order=9), Hstate(order=18)])
    rootfs = SuperBlock("ext4")
    files: dict[str, File] = {}
    for path, size in FILE_SIZES.items():
        inode = Inode(machine.next_ino, rootfs, i_size=size, f_op=ext4_file_operations)
        machine.next_ino += 1
        machine.inodes[path] = inode
        files[path] = File(path, inode, FMODE_READ | FMODE_EXEC)

    for start, end, flags, pgoff, what in LAYOUT:
        vm_flags = flags | _MAY
        if what in ("[vvar]", "[vdso]"):
            vm_flags = flags | VM_MAYREAD | (_MAY if what == "[vdso]" else 0) | VM_DONTEXPAND
        if what != "[stack]":
            vm_flags |= VM_SOFTDIRTY
        vma = VmAreaStruct(start, end, vm_flags, pgoff, vm_page_prot=vm_get_page_prot(vm_flags))
        if what in files:
            vma.vm_file = files[what]
            vma.vm_ops = generic_file_vm_ops
            files[what].f_inode.i_mmap.append(vma)
        elif what is not None:
            vma.name = what
        mm.vmas.append(vma)
        mm.map_count += 1
        _account(machine, mm, vma)
    # The vsyscall page is the gate VMA: shown in maps, but not one of the mm's VMAs.
    mm.gate_vma = VmAreaStruct(0xFFFFFFFFFF600000, 0xFFFFFFFFFF601000, VM_EXEC, 0,
                               name="[vsyscall]")
    return machine


def _account(machine: Machine, mm: MmStruct, vma: VmAreaStruct) -> None:
    """The counters exec and ld.so's mmaps left behind (mm/mmap.c: vm_stat_account)."""
    pages = vma.pages
    mm.total_vm += pages
    flags = vma.vm_flags
    if flags & (VM_EXEC | VM_WRITE | VM_GROWSDOWN) == VM_EXEC:
        mm.exec_vm += pages
    elif flags & VM_GROWSDOWN:
        mm.stack_vm += pages
    elif flags & (VM_WRITE | VM_GROWSDOWN) == VM_WRITE:
        mm.data_vm += pages
    if flags & VM_ACCOUNT:
        machine.vm_committed_as += pages


def describe() -> str:
    """The default world in words, for `mmaplab world` and the app's help."""
    return DESCRIPTION
