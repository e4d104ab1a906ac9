# SPDX-License-Identifier: GPL-2.0-only
"""ftruncate(2) of a mapped file, close(), and when dirty pages reach the disk (msync,
writeback): the OS, not the program, decides when the disk sees a write."""

import pytest
from simhelp import PAGE, last, row_at, run

from lab.runner import scenario_constants
from lab.scenario import parse_scenario, split_statements
from lab.stepping.session import Session

SHARED = ('fd = open("db.bin", O_RDWR, size=8192); '
          "p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0); ")


def disk(doc: dict, path: str = "db.bin") -> dict[int, bytes]:
    return {i: bytes(b) for i, b in doc["machine"].inodes[path].data.items()}


# -- ftruncate --------------------------------------------------------------------------------
def test_after_ftruncate_an_access_past_the_new_end_is_sigbus():
    doc = run(SHARED + "x = p[4096]; r = ftruncate(fd, 4096); y = p[4096]")
    ev = last(doc)
    assert doc["events"][-2]["ret"] == 0
    assert (ev["signal"], ev["si_code"]) == ("SIGBUS", "BUS_ADRERR")


def test_ftruncate_zaps_the_ptes_of_the_cut_pages_and_drops_them_from_the_cache():
    doc = run(SHARED + "p[0] = 1; p[4096] = 2; r = ftruncate(fd, 4096)")
    machine, p = doc["machine"], doc["events"][1]["ret"]
    assert machine.task.mm.pgd.pte(p + PAGE) == 0 and machine.task.mm.pgd.pte(p) != 0
    assert sorted(machine.inodes["db.bin"].pages) == [0]
    assert row_at(last(doc), p)["rss"] == PAGE


def test_ftruncate_unmaps_private_copies_of_the_cut_pages_too():
    doc = run('fd = open("db.bin", O_RDWR, size=8192); '
              "p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0); p[4096] = 7; "
              "r = ftruncate(fd, 4096); x = p[4096]")
    assert last(doc)["signal"] == "SIGBUS"


def test_a_partial_last_page_reads_zeros_past_the_new_end():
    doc = run(SHARED + "p[100] = 1; p[200] = 2; r = ftruncate(fd, 150); a = p[100]; b = p[200]")
    assert (doc["events"][-2]["value"], last(doc)["value"]) == (1, 0)


def test_growing_a_file_with_ftruncate_makes_its_new_pages_accessible():
    doc = run(SHARED + "r = ftruncate(fd, 4096); s = ftruncate(fd, 8192); x = p[4096]")
    assert last(doc)["signal"] is None and last(doc)["value"] == 0


@pytest.mark.parametrize("stmt,errno", [
    ("r = ftruncate(fd, -1)", "EINVAL"),
    ("r = ftruncate(99, 0)", "EBADF"),
])
def test_ftruncate_refuses_bad_lengths_and_descriptors(stmt, errno):
    assert last(run(SHARED + stmt))["errno"] == errno


def test_ftruncate_of_a_read_only_descriptor_is_einval():
    doc = run('fd = open("ro.bin", O_RDONLY, size=8192); r = ftruncate(fd, 0)')
    assert last(doc)["errno"] == "EINVAL"


def test_ftruncate_of_an_append_only_file_is_eperm():
    doc = run('fd = open("log.bin", O_RDWR, size=8192, append_only=True); r = ftruncate(fd, 0)')
    assert last(doc)["errno"] == "EPERM"


def test_ftruncate_past_rlimit_fsize_is_sigxfsz():
    doc = run('fd = open("db.bin", O_RDWR, size=8192); setrlimit(RLIMIT_FSIZE, 16384); '
              "r = ftruncate(fd, 65536)")
    assert (last(doc)["ret"], last(doc)["signal"]) == (-27, "SIGXFSZ")


def test_ftruncate_cuts_the_bytes_on_disk_too():
    doc = run(SHARED + "p[4096] = 9; writeback(); r = ftruncate(fd, 4096)")
    assert 1 not in disk(doc)


# -- close ------------------------------------------------------------------------------------
def test_close_leaves_the_mapping_usable():
    doc = run(SHARED + "c = close(fd); p[0] = 3; x = p[0]")
    assert doc["events"][2]["ret"] == 0 and last(doc)["value"] == 3
    assert row_at(last(doc), doc["events"][1]["ret"])["path"] == "db.bin"


# -- the disk and the page cache --------------------------------------------------------------
def test_a_write_through_a_shared_mapping_reaches_the_disk_only_at_writeback():
    doc = run(SHARED + "p[10] = 42; writeback()")
    before = run(SHARED + "p[10] = 42")
    assert disk(before) == {}  # only the page cache has it
    assert 0 in before["machine"].inodes["db.bin"].dirty
    assert disk(doc)[0][10] == 42
    assert not doc["machine"].inodes["db.bin"].dirty


def test_msync_ms_sync_writes_the_dirty_pages_of_the_range_now():
    doc = run(SHARED + "p[10] = 1; p[4096 + 10] = 2; r = msync(p, 4096, MS_SYNC)")
    assert last(doc)["ret"] == 0
    assert disk(doc)[0][10] == 1 and 1 not in disk(doc)
    assert doc["machine"].inodes["db.bin"].dirty == {1}


def test_msync_ms_async_writes_nothing():
    doc = run(SHARED + "p[10] = 1; r = msync(p, 8192, MS_ASYNC)")
    assert last(doc)["ret"] == 0 and disk(doc) == {}


def test_after_writeback_the_next_write_faults_and_dirties_the_page_again():
    doc = run(SHARED + "p[0] = 1; writeback(); p[1] = 2")
    machine = doc["machine"]
    assert 0 in machine.inodes["db.bin"].dirty  # write-protected at writeback, faulted again
    assert disk(doc)[0][:2] == b"\x01\x00"  # the disk has the first write only


def test_a_write_to_a_private_mapping_never_reaches_the_disk():
    doc = run('fd = open("db.bin", O_RDWR, size=8192); '
              "p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0); p[0] = 5; "
              "r = msync(p, 8192, MS_SYNC); writeback()")
    assert disk(doc) == {}


def test_data_written_back_is_read_by_a_new_mapping_after_the_cache_is_dropped():
    doc = run(SHARED + "p[7] = 77; writeback(); u = munmap(p, 8192); r = ftruncate(fd, 0); "
                       "s = ftruncate(fd, 8192); q = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, "
                       "0); x = q[7]")
    assert last(doc)["value"] == 0  # truncated away: the disk lost it too


def test_msync_over_a_hole_is_enomem_and_bad_flags_are_einval():
    assert last(run("r = msync(0x10000000, 4096, MS_SYNC)"))["errno"] == "ENOMEM"
    assert last(run(SHARED + "r = msync(p, 4096, MS_SYNC | MS_ASYNC)"))["errno"] == "EINVAL"
    assert last(run(SHARED + "r = msync(p + 1, 4096, MS_SYNC)"))["errno"] == "EINVAL"


def test_the_flusher_setting_writes_back_after_every_statement():
    from lab.kernel.default_world import default_machine
    from lab.runner import simulate

    machine = default_machine()
    machine.writeback_after_each_statement = True
    text = SHARED + "p[3] = 33"
    report = simulate(parse_scenario(split_statements(text), "-e", scenario_constants()),
                      machine)
    assert report.machine.inodes["db.bin"].data[0][3] == 33


# -- the whole story, step by step ------------------------------------------------------------
STORY = """\
fd = open("data.bin", O_RDWR, size=10000)
p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)
x = p[0]
p[4096] = 1
r = ftruncate(fd, 4096)
y = p[8192]
"""


@pytest.fixture(scope="module")
def story() -> Session:
    return Session(parse_scenario(STORY, "story", scenario_constants()))


def functions(session: Session, k: int) -> set[str]:
    return {s.function for s in session.records[k].trace.steps}


def test_a_file_read_private_copy_truncate_and_touch_past_end_step_through_the_kernel(story):
    assert len(story.records) == 6
    read, write, trunc, touch = (functions(story, k) for k in (2, 3, 4, 5))
    assert {"do_user_addr_fault", "handle_mm_fault", "do_read_fault"} <= read
    assert "filemap_fault" in read and "do_fault_around" in read
    # fault-around mapped page 1 read-only on the read: the write copies it on write
    assert {"do_wp_page", "wp_page_copy"} <= write
    assert {"truncate_setsize", "truncate_pagecache", "unmap_mapping_range"} <= trunc
    assert "filemap_fault" in touch and "do_sigbus" in touch
    assert story.records[5].event.signal == "SIGBUS"
    last_steps = story.records[5].trace.steps
    assert any(s.function == "filemap_fault" and s.ret is not None for s in last_steps)


def test_a_first_write_to_a_private_file_page_copies_it_in_do_cow_fault():
    text = STORY.replace("x = p[0]\n", "")
    steps = Session(parse_scenario(text, "story", scenario_constants())).records[2].trace.steps
    names = {s.function for s in steps}
    assert {"do_cow_fault", "filemap_fault", "do_sync_mmap_readahead"} <= names
