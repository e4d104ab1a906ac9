# SPDX-License-Identifier: GPL-2.0-only
"""The real-kernel runner records what the kernel did, and leaves the machine as it was.

These run scenarios on this machine's kernel only (no model involved); the values asserted
are Linux's behaviour on any recent kernel, so they hold on 6.1 and on the host alike.
"""

from __future__ import annotations

import platform

import pytest

from lab.realkernel import available, run_real
from lab.realkernel.host import privileged

OK, WHY_NOT = available()
pytestmark = pytest.mark.skipif(not OK, reason=WHY_NOT)
needs_root = pytest.mark.skipif(not privileged(), reason="needs root (mounts, sysctls)")
PAGE = 4096


def own_rows(event: dict) -> list[dict]:
    return [r for r in event["maps"] if r.get("owner") != "runner" and
            r["path"] != "[vsyscall]" and r["start"] < 1 << 47]


def new_rows(doc: dict, k: int = -1) -> list[dict]:
    initial = {(r["start"], r["end"]) for r in doc["initial_maps"]}
    return [r for r in own_rows(doc["events"][k]) if (r["start"], r["end"]) not in initial]


def test_available_explains_other_platforms(monkeypatch):
    monkeypatch.setattr(platform, "system", lambda: "Darwin")
    ok, why = available()
    assert not ok and "Linux" in why
    monkeypatch.setattr(platform, "system", lambda: "Linux")
    monkeypatch.setattr(platform, "machine", lambda: "aarch64")
    ok, why = available()
    assert not ok and "x86-64" in why


def test_document_has_the_run_json_shape():
    doc = run_real("p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)")
    assert doc["skipped"] is None and doc["error"] is None
    assert doc["host_kernel"] == platform.release()
    event = doc["events"][0]
    assert set(event) >= {"line", "stmt", "ret", "errno", "signal", "maps"}
    [row] = new_rows(doc)
    assert (row["start"], row["end"] - row["start"], row["perms"], row["path"]) == \
        (event["ret"], 8192, "r--p", "")
    assert {"rss", "locked", "present", "hugetlb", "vmflags"} <= set(row)


def test_failure_is_minus_errno():
    event = run_real("mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)")["events"][0]
    assert (event["ret"], event["errno"]) == (-22, "EINVAL")


def test_raw_syscall_takes_64_bit_lengths_unchecked():
    doc = run_real("mmap(NULL, 0xffffffffffffffff, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)")
    assert doc["events"][0]["errno"] == "ENOMEM"


def test_populate_counts_rss_and_present_pages():
    doc = run_real("p = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE, "
                   "MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)")
    [row] = new_rows(doc)
    assert (row["rss"], row["present"], row["locked"]) == (16 * PAGE, 16, 0)


def test_the_zero_page_is_present_but_not_rss():
    doc = run_real("p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\n"
                   "x = p[0]")
    event = doc["events"][1]
    [row] = new_rows(doc)
    assert (event["value"], row["present"], row["rss"]) == (0, 1, 0)


def test_a_write_is_seen_by_a_later_read():
    doc = run_real("p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, "
                   "-1, 0)\np[4096] = 42\nx = p[4096]")
    assert doc["events"][2]["value"] == 42
    assert new_rows(doc)[0]["rss"] == PAGE


@pytest.mark.parametrize("statements, signal", [
    ("p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\np[0] = 1", "SIGSEGV"),
    ('fd = open("d.bin", O_RDWR, size=4096)\np = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0)'
     "\nx = p[4096]", "SIGBUS"),
])
def test_a_fatal_access_records_its_signal_and_ends_the_run(statements, signal):
    doc = run_real(statements + "\nx = p[0]")
    events = doc["events"]
    assert events[-1]["signal"] == signal
    assert len(events) == statements.count("\n") + 1  # the statement after it never ran


def test_files_are_sparse_zeros_and_fds_start_at_three():
    doc = run_real('a = open("a.bin", O_RDONLY, size=10000)\n'
                   'b = open("b.bin", O_RDONLY, size=4096)\n'
                   "p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, a, 8192)\nx = p[100]")
    assert [e["ret"] for e in doc["events"][:2]] == [3, 4]
    assert doc["events"][3]["value"] == 0
    assert new_rows(doc)[0]["path"] == "a.bin"


def test_fds_the_scenario_did_not_open_are_bad():
    for fd in (0, 1, 2, 999):
        doc = run_real(f"mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, {fd}, 0)")
        assert doc["events"][0]["errno"] == "EBADF", fd


def test_the_process_starts_unprivileged_with_stock_limits():
    doc = run_real("setrlimit(RLIMIT_MEMLOCK, 1024 * 1024 * 1024)\n"
                   "mmap(NULL, 16 * 1024 * 1024, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | "
                   "MAP_LOCKED, -1, 0)")
    assert [e["errno"] for e in doc["events"]] == ["EPERM", "EAGAIN"]


def test_hint_less_mappings_stack_down_from_the_reserved_top():
    doc = run_real("p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\n"
                   "q = mmap(NULL, 4096, PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)")
    p, q = (e["ret"] for e in doc["events"])
    top = doc["runner"]["offsets"]["top"]
    assert (p + PAGE, q + PAGE) == (top, p)
    assert (top - doc["runner"]["offsets"]["sim_top"]) % (1 << 30) == 0


def test_the_runner_adds_no_mappings_of_its_own_during_a_scenario():
    prots = ("PROT_READ", "PROT_READ | PROT_WRITE")  # alternating, so that none merge
    text = "\n".join(f"p{i} = mmap(NULL, {4096 * (i + 1)}, {prots[i % 2]}, MAP_PRIVATE | "
                     f"MAP_ANONYMOUS | MAP_POPULATE, -1, 0)" for i in range(8))
    doc = run_real(text)
    initial = {(r["start"], r["end"]) for r in doc["initial_maps"] if r["path"] != "[heap]"}
    for k, event in enumerate(doc["events"]):
        runner = {(r["start"], r["end"]) for r in event["maps"]
                  if r.get("owner") == "runner" and r["path"] not in ("[heap]", "[stack]")}
        assert runner <= initial
        assert len(own_rows(event)) == k + 1


def test_touching_the_runners_memory_is_skipped_with_the_reason():
    doc = run_real("mmap(0x555555554000, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | "
                   "MAP_FIXED, -1, 0)")
    assert "differs between the model and this real process" in doc["skipped"]


def test_faulting_in_gigabytes_is_skipped():
    doc = run_real("capset(CAP_IPC_LOCK)\nmmap(NULL, 4 * 1024 * 1024 * 1024, PROT_READ | "
                   "PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)")
    assert "fault in" in doc["skipped"]


def test_pagemap_scan_counts_as_pagemap_does():
    import mmap

    from lab.realkernel import syscalls
    from lab.realkernel.procfs import ProcSelf

    area = mmap.mmap(-1, 64 * PAGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    for i in range(0, 64 * PAGE, 3 * PAGE):
        area[i] = 1
    import ctypes

    start = ctypes.addressof(ctypes.c_char.from_buffer(area))
    proc = ProcSelf()
    scanned = syscalls.pagemap_scan_present(proc.pagemap_fd, start, start + 64 * PAGE)
    assert proc.present(start, start + 64 * PAGE) == 22
    assert scanned in (None, 22)


@needs_root
def test_sysctls_are_written_for_the_scenario_and_restored():
    from lab.realkernel.sysctl import read_vm

    before = {n: read_vm(n) for n in ("max_map_count", "overcommit_memory", "nr_hugepages")}
    doc = run_real('sysctl("vm.nr_hugepages", 1)\nsysctl("vm.overcommit_memory", 2)\n'
                   "p = mmap(NULL, 2 * 1024 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | "
                   "MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE, -1, 0)")
    if doc["skipped"]:
        pytest.skip(doc["skipped"])
    [row] = new_rows(doc)
    assert (row["hugetlb"], row["rss"], row["path"]) == (2 << 20, 0, "/anon_hugepage (deleted)")
    assert {n: read_vm(n) for n in before} == before


@needs_root
@pytest.mark.parametrize("statement, prot, errno", [
    ('fd = open("t.bin", O_RDONLY, size=8192, noexec=True)', "PROT_READ | PROT_EXEC", "EPERM"),
    ('fd = open("t.bin", O_RDWR, size=8192, append_only=True)', "PROT_READ | PROT_WRITE",
     "EACCES"),
])
def test_mounts_and_inode_flags_are_real(statement, prot, errno):
    doc = run_real(f"{statement}\nmmap(NULL, 4096, {prot}, MAP_SHARED, fd, 0)")
    assert doc["events"][-1]["errno"] == errno


@needs_root
def test_a_hugetlbfs_file_of_odd_size_is_skipped():
    doc = run_real('fd = open("h.bin", O_RDWR, size=8192, fs="hugetlbfs")')
    assert "multiple of 2 MiB" in doc["skipped"]


def test_a_capability_the_runner_lacks_is_skipped():
    from lab.realkernel import syscalls

    _, permitted = syscalls.capget()
    missing = next((c for c in (24, 21, 14) if not permitted >> c & 1), None)
    if missing is None:
        pytest.skip("this runner holds every capability a scenario may ask for")
    doc = run_real(f"capset({missing})")
    assert "does not hold" in doc["skipped"]
