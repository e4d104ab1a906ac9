# SPDX-License-Identifier: GPL-2.0-only
"""The Python constants have the values of the Linux 6.1 x86-64 headers kept in kernel_src/.

Every ALL-CAPS int of each constant module is looked up in the headers it mirrors and
evaluated there by lab.source.cmacros; a name the headers lack must be allow-listed here.
"""

from __future__ import annotations

import re
from types import ModuleType

import pytest

from lab.kernel.arch.x86.include.asm import pgtable, trap_pf
from lab.kernel.flagnames import decode_flags
from lab.kernel.include.linux import mm, mm_types
from lab.kernel.include.uapi import (
    capability,
    errno,
    fcntl,
    mman,
    personality,
    resource,
    signal,
)
from lab.source.cmacros import MacroError, evaluate, macro_value, macro_values, translation_unit

_CONSTANT = re.compile(r"_*[A-Z][A-Z0-9_]*")
_U64 = 2**64

MMAN_UNIT = ("arch/x86/include/uapi/asm/mman.h", "include/uapi/linux/mman.h",
             "include/linux/mman.h")
MMAN_HEADERS = {"include/uapi/asm-generic/mman-common.h", "include/uapi/asm-generic/mman.h",
                "arch/x86/include/uapi/asm/mman.h", "include/uapi/linux/mman.h",
                "include/uapi/asm-generic/hugetlb_encode.h", "include/linux/mman.h"}
# x86's page_types.h comes first: its VM_DATA_DEFAULT_FLAGS overrides mm.h's generic one.
MM_UNIT = ("arch/x86/include/asm/page_types.h", "include/linux/mm.h")
PGTABLE_UNIT = ("arch/x86/include/asm/pgtable_types.h",)  # includes the other three
PGTABLE_HEADERS = {"arch/x86/include/asm/page_types.h", "arch/x86/include/asm/page_64_types.h",
                   "arch/x86/include/asm/pgtable_64_types.h",
                   "arch/x86/include/asm/pgtable_types.h"}


def c_constants(module: ModuleType) -> dict[str, int]:
    return {k: v for k, v in vars(module).items()
            if _CONSTANT.fullmatch(k) and isinstance(v, int) and not isinstance(v, bool)}


def assert_mirrors(module: ModuleType, unit_paths: tuple[str, ...], headers: set[str],
                   allowed: dict[str, str] | None = None,
                   assume: dict[str, int] | None = None,
                   pgprots: frozenset[str] = frozenset()) -> None:
    """Each constant of `module` is defined in one of `headers` with the same value.

    A name in `pgprots` is a pgprot_t in C (`__pg(bits)`): its Python value is the bits.
    """
    allowed = allowed or {}
    unit = translation_unit(unit_paths)
    problems, checked = [], 0
    for name, value in c_constants(module).items():
        try:
            d = unit.definition(name)
        except KeyError:
            if name not in allowed:
                problems.append(f"{name}: in no header of {unit_paths}; allow-list it with a "
                                "reason if it is derived in Python")
            continue
        if name in allowed:
            problems.append(f"{name} is allow-listed, but {d.location} defines it")
        if d.path not in headers:
            problems.append(f"{name}: defined in {d.location}, not a header this module mirrors")
        try:
            c = _pgprot_bits(d, unit_paths) if name in pgprots else unit.value(name, assume)
        except MacroError as e:
            problems.append(f"{name}: {d.location} does not evaluate: {e}")
            continue
        # A negative C int (VM_LOCKED_CLEAR_MASK) meets unsigned long vm_flags modulo 2**64.
        if value < 0 or value != c % _U64:
            problems.append(f"{name} = {value:#x} in Python, but {d.location} gives {c:#x}")
        checked += 1
    assert not problems, "\n".join(problems)
    assert checked >= 5, f"only {checked} constants of {module.__name__} were checked"


def _pgprot_bits(d, unit_paths: tuple[str, ...]) -> int:
    """The argument of a `#define NAME __pg(...)`, evaluated."""
    body = list(d.body)
    if body[:2] != ["__pg", "("] or body[-1] != ")":
        raise MacroError(f"{d.name} is not __pg(...)")
    return evaluate(" ".join(body[2:-1]), unit_paths)


# -- every constant against its header ---------------------------------------------------
def test_prot_and_map_flags_equal_linux_6_1_mman_headers():
    assert_mirrors(mman, MMAN_UNIT, MMAN_HEADERS, allowed={
        "MAP_ANON": "the C library's alias of MAP_ANONYMOUS; the kernel does not define it",
    })
    assert mman.MAP_ANON == mman.MAP_ANONYMOUS


def test_open_flags_and_seals_equal_linux_6_1_fcntl_headers():
    paths = ("include/uapi/asm-generic/fcntl.h", "include/uapi/linux/fcntl.h")
    assert_mirrors(fcntl, paths, set(paths))


def test_errno_values_equal_linux_6_1_errno_headers():
    assert_mirrors(errno, ("include/uapi/asm-generic/errno.h",),
                   {"include/uapi/asm-generic/errno-base.h", "include/uapi/asm-generic/errno.h"})


def test_signal_numbers_and_codes_equal_linux_6_1_x86_signal_h_and_siginfo_h():
    paths = ("arch/x86/include/uapi/asm/signal.h", "include/uapi/asm-generic/siginfo.h")
    assert_mirrors(signal, paths, set(paths))


def test_rlimits_equal_linux_6_1_asm_generic_resource_h():
    assert_mirrors(resource, ("include/uapi/asm-generic/resource.h",),
                   {"include/uapi/asm-generic/resource.h"})
    assert resource.RLIM_INFINITY == 2**64 - 1


def test_capabilities_equal_linux_6_1_capability_h():
    assert_mirrors(capability, ("include/uapi/linux/capability.h",),
                   {"include/uapi/linux/capability.h"})


def test_personality_flags_equal_linux_6_1_personality_h():
    assert_mirrors(personality, ("include/uapi/linux/personality.h",),
                   {"include/uapi/linux/personality.h"})


def test_vm_flags_equal_linux_6_1_mm_h():
    assert_mirrors(mm, MM_UNIT, {"include/linux/mm.h"}, allowed={
        "ARCH_VM_PKEY_FLAGS": "arch/x86/include/asm/pkeys.h, which kernel_src does not keep",
    }, assume={"ARCH_VM_PKEY_FLAGS": mm.ARCH_VM_PKEY_FLAGS})


def test_page_fault_error_code_bits_equal_linux_6_1_trap_pf_h():
    assert_mirrors(trap_pf, ("arch/x86/include/asm/trap_pf.h",),
                   {"arch/x86/include/asm/trap_pf.h"})


def test_fault_results_and_flags_equal_linux_6_1_mm_types_h():
    assert_mirrors(mm_types, ("include/linux/mm_types.h",), {"include/linux/mm_types.h"})


def test_page_table_constants_equal_linux_6_1_x86_headers():
    # cc_mask: the lab's machine has no confidential-computing (memory encryption) bit
    assert_mirrors(pgtable, PGTABLE_UNIT, PGTABLE_HEADERS, assume={"cc_mask": 0},
                   pgprots=frozenset({"PAGE_NONE", "PAGE_SHARED", "PAGE_SHARED_EXEC",
                                      "PAGE_COPY_NOEXEC", "PAGE_COPY_EXEC", "PAGE_COPY",
                                      "PAGE_READONLY", "PAGE_READONLY_EXEC"}))
    assert pgtable.PAGE_MASK == 0xFFFF_FFFF_FFFF_F000
    assert pgtable.TASK_SIZE_MAX == 0x7FFF_FFFF_F000


@pytest.mark.parametrize("pers", [0, personality.READ_IMPLIES_EXEC])
def test_data_and_stack_flags_follow_read_implies_exec_as_x86_defines_them(pers):
    assert mm.TASK_EXEC(pers) == (mm.VM_EXEC if pers else 0)
    for name in ("VM_DATA_FLAGS_TSK_EXEC", "VM_DATA_DEFAULT_FLAGS", "VM_STACK_DEFAULT_FLAGS",
                 "VM_STACK_FLAGS"):
        c = macro_value(name, MM_UNIT, assume={"TASK_EXEC": mm.TASK_EXEC(pers)})
        assert getattr(mm, name)(pers) == c, name
    assert mm.VM_DATA_DEFAULT_FLAGS(0) == mm.VM_DATA_FLAGS_NON_EXEC  # x86 data is not exec


def test_allow_listed_and_unknown_names_make_the_check_fail():
    fake = ModuleType("fake")
    fake.VM_READ = 1
    fake.VM_NOT_IN_LINUX = 4
    with pytest.raises(AssertionError, match="VM_NOT_IN_LINUX: in no header"):
        assert_mirrors(fake, MM_UNIT, {"include/linux/mm.h"})
    fake.VM_NOT_IN_LINUX = 0
    fake.VM_WRITE = 3
    with pytest.raises(AssertionError, match="VM_WRITE = 0x3 in Python, but include/linux/mm.h"):
        assert_mirrors(fake, MM_UNIT, {"include/linux/mm.h"}, {"VM_NOT_IN_LINUX": "test"})


# -- smaps' VmFlags ----------------------------------------------------------------------
def test_smaps_mnemonics_are_show_smap_vma_flags_table_for_x86_64():
    unit = translation_unit(("include/linux/mm.h", "fs/proc/task_mmu.c"))
    lines = [text for _, text in unit.active_lines("fs/proc/task_mmu.c")]
    start = next(i for i, t in enumerate(lines) if "mnemonics[BITS_PER_LONG][2] = {" in t)
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "};")
    table = "\n".join(lines[start:end])
    assert '[0 ... (BITS_PER_LONG-1)] = "??"' in table
    entries = re.findall(r'\[ilog2\((\w+)\)\]\s*=\s*"(\w*)"', table)
    assert ("VM_ARM64_BTI", "bt") not in entries  # other architectures' #ifdefs are out
    flags = sorted((unit.value(flag), mnemonic) for flag, mnemonic in entries)
    assert all(v and v & (v - 1) == 0 for v, _ in flags)
    assert mm.SMAPS_MNEMONICS == tuple((v, m) for v, m in flags if m)
    assert set(mm.SMAPS_SILENT) == {v for v, m in flags if not m}


def test_smaps_vmflags_of_private_anonymous_rw_mapping():
    flags = (mm.VM_READ | mm.VM_WRITE | mm.VM_MAYREAD | mm.VM_MAYWRITE | mm.VM_MAYEXEC
             | mm.VM_ACCOUNT | mm.VM_SOFTDIRTY)
    assert mm.smaps_vmflags(flags) == ["rd", "wr", "mr", "mw", "me", "ac", "sd"]


def test_smaps_vmflags_of_shared_file_mapping_match_the_design_example():
    flags = (mm.VM_READ | mm.VM_WRITE | mm.VM_SHARED | mm.VM_MAYREAD | mm.VM_MAYWRITE
             | mm.VM_MAYEXEC | mm.VM_MAYSHARE | mm.VM_SOFTDIRTY)
    assert mm.smaps_vmflags(flags) == ["rd", "wr", "sh", "mr", "mw", "me", "ms", "sd"]


def test_smaps_vmflags_print_question_marks_for_bits_without_a_mnemonic():
    assert mm.smaps_vmflags(mm.VM_LOCKED | mm.VM_LOCKONFAULT) == ["lo", "??"]
    assert mm.smaps_vmflags(1 << 40) == ["??"]


def test_smaps_vmflags_never_show_protection_key_bits():
    assert mm.smaps_vmflags(mm.VM_READ | mm.VM_PKEY_BIT0 | mm.VM_PKEY_BIT3) == ["rd"]


# -- decoding tables ---------------------------------------------------------------------
def test_decode_flags_names_set_bits_in_table_order_then_unknown_bits_in_hex():
    assert decode_flags(mman.PROT_WRITE | mman.PROT_READ, mman.PROT_NAMES) == [
        "PROT_READ", "PROT_WRITE"]
    assert decode_flags(mman.MAP_PRIVATE | mman.MAP_ANONYMOUS | 0x200000, mman.MAP_NAMES) == [
        "MAP_PRIVATE", "MAP_ANONYMOUS", "0x200000"]
    assert decode_flags(0, mman.PROT_NAMES) == []
    assert mman.decode_prot(mman.PROT_NONE) == ["PROT_NONE"]


def test_decode_map_flags_reads_the_type_and_huge_page_size_fields():
    assert mman.decode_map_flags(mman.MAP_SHARED_VALIDATE | mman.MAP_SYNC) == [
        "MAP_SHARED_VALIDATE", "MAP_SYNC"]
    flags = mman.MAP_PRIVATE | mman.MAP_ANONYMOUS | mman.MAP_HUGETLB | mman.MAP_HUGE_1GB
    assert mman.decode_map_flags(flags) == [
        "MAP_PRIVATE", "MAP_ANONYMOUS", "MAP_HUGETLB", "MAP_HUGE_1GB"]
    # Without MAP_HUGETLB, bit 26 is MAP_UNINITIALIZED, not part of a size.
    assert mman.decode_map_flags(mman.MAP_PRIVATE | mman.MAP_UNINITIALIZED) == [
        "MAP_PRIVATE", "MAP_UNINITIALIZED"]


def test_decode_flags_of_a_pte_names_its_hardware_bits():
    pte = 0x8000_0000_1234_5067  # present, rw, user, accessed, dirty, NX
    assert decode_flags(pte & ~pgtable.PTE_PFN_MASK, pgtable.PTE_BIT_NAMES) == [
        "P", "RW", "US", "A", "D", "NX"]


@pytest.mark.parametrize("module, table", [
    (mman, "PROT_NAMES"), (mman, "MAP_NAMES"), (mm, "VM_FLAG_NAMES"),
    (personality, "PERSONALITY_FLAG_NAMES"), (mm_types, "FAULT_FLAG_NAMES"),
    (mm_types, "VM_FAULT_NAMES"),
])
def test_flag_name_tables_hold_distinct_single_bits_of_their_module(module, table):
    entries = getattr(module, table)
    for name, bit in entries:
        assert getattr(module, name) == bit, name
        assert bit and bit & (bit - 1) == 0, name
    assert len({bit for _, bit in entries}) == len(entries)


def test_vm_flag_names_cover_every_vm_flag_bit_of_x86_64():
    not_flags = {"VM_UNMAPPED_AREA_TOPDOWN", "VM_PKEY_SHIFT", "VM_HIGH_ARCH_4"}
    bits = {v for k, v in c_constants(mm).items()
            if k.startswith("VM_") and "_BIT_" not in k and k not in not_flags
            and v and v & (v - 1) == 0}
    assert {bit for _, bit in mm.VM_FLAG_NAMES} == bits
    assert [bit for _, bit in mm.VM_FLAG_NAMES] == sorted(bits)


def test_pte_bit_names_are_the_page_bits_lowest_first():
    masks = [mask for _, mask in pgtable.PTE_BIT_NAMES]
    assert masks == sorted(masks)
    assert dict(pgtable.PTE_BIT_NAMES)["SD"] == pgtable._PAGE_SOFT_DIRTY


# -- errno -------------------------------------------------------------------------------
def test_errno_name_gives_the_primary_name_of_a_shared_number():
    assert errno.errno_name(errno.EWOULDBLOCK) == "EAGAIN"
    assert errno.errno_name(errno.EDEADLOCK) == "EDEADLK"
    assert errno.errno_name(-22) == "EINVAL"
    assert errno.errno_name(9999) == "errno 9999"


def test_errno_names_cover_every_number_of_the_headers():
    numbers = set(macro_values("include/uapi/asm-generic/errno-base.h").values())
    numbers |= set(translation_unit(("include/uapi/asm-generic/errno.h",))
                   .values("include/uapi/asm-generic/errno.h").values())
    assert set(errno.ERRNO_NAMES) == numbers


def test_mmap_errno_meanings_explain_each_error_mmap_munmap_mprotect_return():
    wanted = {"EACCES", "EAGAIN", "EBADF", "EEXIST", "EINVAL", "ENFILE", "ENODEV", "ENOMEM",
              "EOVERFLOW", "EPERM", "ETXTBSY", "EOPNOTSUPP", "EINTR", "EFAULT"}
    assert set(errno.MMAP_ERRNO_MEANINGS) == wanted
    for name, meaning in errno.MMAP_ERRNO_MEANINGS.items():
        assert isinstance(getattr(errno, name), int)
        assert meaning.endswith(".") and len(meaning) > 40, name


def test_signal_names_map_numbers_to_the_primary_names():
    assert signal.SIGNAL_NAMES[signal.SIGSEGV] == "SIGSEGV"
    assert signal.SIGNAL_NAMES[signal.SIGBUS] == "SIGBUS"
    assert signal.SIGNAL_NAMES[6] == "SIGABRT"
    assert signal.SEGV_CODE_NAMES[signal.SEGV_ACCERR] == "SEGV_ACCERR"


# -- the evaluator itself ----------------------------------------------------------------
def test_cmacros_evaluates_with_c_integer_types():
    assert evaluate("~0UL") == 2**64 - 1
    assert evaluate("~0") == -1
    assert evaluate("(unsigned int)-1") == 0xFFFF_FFFF
    assert evaluate("_AC(1, UL) << 63") == 1 << 63
    assert evaluate("BIT(31)") == 1 << 31
    assert evaluate("_BITUL(4) | 010") == 0x18
    assert evaluate("-1 < 0U") == 0  # -1 converts to unsigned int
    assert evaluate("-1 < 0L") == 1
    assert evaluate("-7 / 2") == -3 and evaluate("-7 % 2") == -1  # C truncates
    assert evaluate("!0 + !5") == 1
    assert evaluate("_AT(pteval_t, 1) << _PAGE_BIT_NX", PGTABLE_UNIT) == 1 << 63


@pytest.mark.parametrize("expression", [
    "1 & 2 == 2",  # C reads 1 & (2 == 2); Python would not
    "sizeof(int)", "a ? 1 : 2", "__import__('os')", "(1).real", "1 <<", "1 << 64",
])
def test_cmacros_refuses_what_it_cannot_evaluate_faithfully(expression):
    with pytest.raises(MacroError):
        evaluate(expression)


def test_cmacros_takes_the_x86_64_branch_of_ifdefs():
    assert macro_value("VM_SOFTDIRTY", ["include/linux/mm.h"]) == 0x0800_0000
    assert macro_value("VM_PAT", ["include/linux/mm.h"]) == 0x0100_0000
    assert macro_value("VM_UFFD_MINOR", ["include/linux/mm.h"]) == 0
    assert macro_value("SEGV_PKUERR", ["include/uapi/asm-generic/siginfo.h"]) == 4
    with pytest.raises(KeyError):
        macro_value("VM_SPARC_ADI", ["include/linux/mm.h"])


def test_cmacros_honours_an_arch_header_read_first():
    alone = macro_value("VM_DATA_DEFAULT_FLAGS", ["include/linux/mm.h"])
    assert alone == mm.VM_DATA_FLAGS_EXEC  # mm.h's generic fallback
    x86 = translation_unit(MM_UNIT).definition("VM_DATA_DEFAULT_FLAGS")
    assert x86.path == "arch/x86/include/asm/page_types.h"
    # include/linux/mman.h sees MAP_32BIT from asm/mman.h, so its "#define MAP_32BIT 0" is out
    assert macro_value("MAP_32BIT", ["include/linux/mman.h"]) == 0x40
