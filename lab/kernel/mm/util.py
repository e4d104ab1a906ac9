# SPDX-License-Identifier: GPL-2.0-only
"""Twin of mm/util.c: vm_mmap_pgoff(), the locked middle of mmap(2), and the overcommit
policy that decides whether a private writable mapping may be promised its memory.
"""

from __future__ import annotations

from lab.kernel.arch.x86.include.asm.pgtable import PAGE_SHIFT
from lab.kernel.include.linux.mman import vm_acct_memory, vm_unacct_memory
from lab.kernel.include.uapi.errno import ENOMEM
from lab.kernel.include.uapi.mman import OVERCOMMIT_ALWAYS, OVERCOMMIT_GUESS
from lab.kernel.machine import kernel
from lab.kernel.mm.gup import __mm_populate
from lab.kernel.mm_struct import MmStruct
from lab.kernel.security import security_mmap_file
from lab.kernel.twin import Out, goto_label, kernel_function, not_modelled, ulong


def totalram_pages() -> int:
    return kernel.totalram_pages


def hugetlb_total_pages() -> int:
    """mm/hugetlb.c: base pages held by every huge page pool (they are not committable)."""
    return sum(h.nr_huge_pages << h.order for h in kernel.hstates)


def percpu_counter_read_positive(counter: int) -> int:
    return max(counter, 0)


@kernel_function
def vm_mmap_pgoff(file, addr: int, len: int, prot: int, flag: int, pgoff: int) -> int:
    not_modelled("mm is used only by the locking and userfaultfd calls "
                 "below, which are not modelled")  # C: struct mm_struct *mm = current->mm;
    populate = Out(0)
    uf: list = []  # C: LIST_HEAD(uf);

    ret = security_mmap_file(file, prot, flag)  # C: ret = security_mmap_file(file, prot, flag);
    if not ret:  # C: if (!ret)
        not_modelled(  # C: if (mmap_write_lock_killable(mm)) ... return -EINTR;
            "locking: one thread, so the lock is never contended and no fatal signal "
            "interrupts the wait")
        ret = do_mmap(  # C: ret = do_mmap(file, addr, len, prot, flag, pgoff, &populate, &uf);
            file, addr, len, prot, flag, pgoff, populate, uf)
        not_modelled("locking: one thread, no contention")  # C: mmap_write_unlock(mm);
        not_modelled("no VMA in the lab is registered with "
                     "userfaultfd")  # C: userfaultfd_unmap_complete(mm, &uf);
        if populate.value:  # C: if (populate)
            mm_populate(ret, populate.value)  # C: mm_populate(ret, populate);
    return ret  # C: return ret;


@kernel_function
def mm_populate(addr: int, len: int) -> None:
    # Ignore errors: the mapping exists; populating is only a head start.
    __mm_populate(addr, len, 1)  # C: (void) __mm_populate(addr, len, 1);


@kernel_function
def vm_commit_limit() -> int:
    if kernel.sysctl_overcommit_kbytes:  # C: if (sysctl_overcommit_kbytes)
        allowed = (kernel.sysctl_overcommit_kbytes  # C: allowed = sysctl_overcommit_kbytes >> (
                   >> (PAGE_SHIFT - 10))
    else:
        # The int ratio is converted to unsigned long: a negative one wraps to a huge limit.
        allowed = ulong(  # C: allowed = ((totalram_pages() -
            (totalram_pages() - hugetlb_total_pages()) * kernel.sysctl_overcommit_ratio) // 100
    allowed += kernel.total_swap_pages  # C: allowed += total_swap_pages;

    return allowed  # C: return allowed;


@kernel_function
def __vm_enough_memory(mm: MmStruct | None, pages: int, cap_sys_admin: int) -> int:
    vm_acct_memory(pages)  # C: vm_acct_memory(pages);

    # Sometimes we want to use more memory than we have
    if kernel.sysctl_overcommit_memory == OVERCOMMIT_ALWAYS:  # C: if (sysctl_overcommit_memory ==
        return 0  # C: return 0;

    if kernel.sysctl_overcommit_memory == OVERCOMMIT_GUESS:  # C: if (sysctl_overcommit_memory ==
        if pages > totalram_pages() + kernel.total_swap_pages:  # C: if (pages > totalram_pages() +
            return __vm_enough_memory_error(pages)  # C: goto error;
        return 0  # C: return 0;

    allowed = vm_commit_limit()  # C: allowed = vm_commit_limit();
    # Reserve some for root
    if not cap_sys_admin:  # C: if (!cap_sys_admin)
        allowed -= (kernel.sysctl_admin_reserve_kbytes  # C: allowed -= sysctl_admin_reserve_kbytes
                    >> (PAGE_SHIFT - 10))

    # Don't let a single process grow so big a user can't recover
    if mm:  # C: if (mm)
        reserve = (kernel.sysctl_user_reserve_kbytes  # C: long reserve = sysctl_user_reserve_kbytes
                   >> (PAGE_SHIFT - 10))

        allowed -= min(mm.total_vm // 32, reserve)  # C: allowed -= min_t(long, mm->total_vm / 32,

    if (percpu_counter_read_positive(  # C: if (percpu_counter_read_positive(&vm_committed_as) <
            kernel.vm_committed_as) < allowed):
        return 0  # C: return 0;
    return __vm_enough_memory_error(pages)


@goto_label("__vm_enough_memory", "error")
def __vm_enough_memory_error(pages: int) -> int:
    not_modelled("a kernel log message (not enough memory for the "
                 "allocation)")  # C: error: ... pr_warn_ratelimited("%s: pid: %d, comm: %s, no
    vm_unacct_memory(pages)  # C: vm_unacct_memory(pages);

    return -ENOMEM  # C: return -ENOMEM;


# mm/mmap.c's twin imports this module too: import it last, when this one is complete.
from lab.kernel.mm.mmap import do_mmap  # noqa: E402
