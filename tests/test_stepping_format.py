# SPDX-License-Identifier: GPL-2.0-only
"""Locals are shown with the flag names of the word they hold in their own function."""

import pytest

from lab.runner import scenario_constants
from lab.scenario import parse_scenario, split_statements
from lab.stepping.capture import VmFaultPicture, format_value
from lab.stepping.session import Session

FAULT_SCENARIO = ("p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, "
                  "MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\n"
                  "p[0] = 1\n")


@pytest.mark.parametrize(("function", "name", "value", "shown"), [
    ("do_mmap", "flags", 0x22, "0x22 (MAP_PRIVATE | MAP_ANONYMOUS)"),
    ("vm_mmap_pgoff", "flag", 0x22, "0x22 (MAP_PRIVATE | MAP_ANONYMOUS)"),
    ("handle_mm_fault", "flags", 0x255,
     "0x255 (FAULT_FLAG_WRITE | FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE | FAULT_FLAG_USER"
     " | FAULT_FLAG_INTERRUPTIBLE)"),
    ("__handle_mm_fault", "flags", 0x1, "0x1 (FAULT_FLAG_WRITE)"),
    ("do_user_addr_fault", "flags", 0x40, "0x40 (FAULT_FLAG_USER)"),
    ("do_user_addr_fault", "error_code", 0x6, "0x6 (X86_PF_WRITE | X86_PF_USER)"),
    ("faultin_page", "flags", 0x3, "0x3 (FOLL_WRITE | FOLL_TOUCH)"),  # C: unsigned int *flags
    ("faultin_page", "fault_flags", 0x1, "0x1 (FAULT_FLAG_WRITE)"),
    ("follow_page_mask", "flags", 0x1, "0x1 (FOLL_WRITE)"),
    ("__get_user_pages", "gup_flags", 0x12, "0x12 (FOLL_TOUCH | FOLL_FORCE)"),
    ("may_expand_vm", "flags", 0x2000, "0x2000 (VM_LOCKED)"),  # C: vm_flags_t flags
    ("mlock_future_check", "flags", 0x2000, "0x2000 (VM_LOCKED)"),
    ("mmap_region", "vm_flags", 0x0, "0x0 (VM_NONE)"),
    ("handle_mm_fault", "ret", 0x400, "0x400 (VM_FAULT_RETRY)"),  # C: vm_fault_t ret
    ("handle_mm_fault", "ret", 0, "0"),
    ("do_mmap", "prot", 0x3, "0x3 (PROT_READ | PROT_WRITE)"),
    ("SYSCALL_DEFINE3(msync)", "flags", 0x4, "0x4 (MS_SYNC)"),
    ("alloc_file_pseudo", "flags", 0x2, "0x2"),  # O_* flags the lab does not name: hex
])
def test_a_local_is_decoded_as_the_word_it_holds_in_its_function(function, name, value,
                                                                   shown):
    assert format_value(name, value, function) == shown


def test_an_out_parameter_is_decoded_as_the_word_it_points_to():
    assert format_value("flags", ("*", 0x1), "faultin_page") == "*0x1 (FOLL_WRITE)"


def test_a_fault_is_shown_with_its_fault_flags():
    vmf = VmFaultPicture(address=0x7ffff7ff7000, flags=0x1, pgoff=0x7ffff7ff7)
    assert format_value("vmf", vmf, "do_anonymous_page") == \
        "{address=0x7ffff7ff7000, flags=0x1 (FAULT_FLAG_WRITE), pgoff=0x7ffff7ff7}"


def test_no_local_of_the_fault_path_is_shown_with_map_names():
    s = Session(parse_scenario(split_statements(FAULT_SCENARIO), "-e", scenario_constants()))
    fault_steps = [st for st in s.records[1].trace.steps if "flags" in st.locals]
    functions = {st.function for st in fault_steps}
    assert {"do_user_addr_fault", "handle_mm_fault", "__handle_mm_fault"} <= functions
    for st in fault_steps:
        shown = format_value("flags", st.locals["flags"], st.function)
        assert "MAP_" not in shown and "FAULT_FLAG_" in shown, (st.function, shown)
    vmf = next(st.locals["vmf"] for st in s.records[1].trace.steps if "vmf" in st.locals)
    assert isinstance(vmf, VmFaultPicture) and vmf.flags & 0x1  # FAULT_FLAG_WRITE
