# SPDX-License-Identifier: GPL-2.0-only
"""The simulated mmap(2) behaves as Linux 6.1 does (each case measured on a real kernel)."""

import pytest
from simhelp import PAGE, MiB, errno_of, last, new_rows, row_at, run

ANON_RW = "PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0"
DATA = 'fd = open("data.bin", O_RDWR, size=10000); '
RO = 'fd = open("data.bin", O_RDONLY, size=8192); '


# -- lengths, offsets and file descriptors ---------------------------------------------------
def test_zero_length_is_einval():
    assert errno_of(f"mmap(NULL, 0, {ANON_RW})") == "EINVAL"


@pytest.mark.parametrize("length", [2**64 - 1, 2**63, 2**47])
def test_impossible_lengths_are_enomem(length):
    assert errno_of(f"mmap(NULL, {length}, {ANON_RW})") == "ENOMEM"


def test_unaligned_offset_is_einval_even_with_a_bad_fd():
    assert errno_of("mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 999, 1)") == "EINVAL"


@pytest.mark.parametrize("fd", [-1, 999])
def test_bad_fd_without_map_anonymous_is_ebadf(fd):
    assert errno_of(f"mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, {fd}, 0)") == "EBADF"


def test_bad_fd_is_checked_before_zero_length():
    assert errno_of("mmap(NULL, 0, PROT_READ, MAP_PRIVATE, 999, 0)") == "EBADF"


def test_failed_mmap_returns_minus_errno():
    event = last(run(f"p = mmap(NULL, 0, {ANON_RW})"))
    assert (event["ret"], event["errno"]) == (-22, "EINVAL")


# -- map types -------------------------------------------------------------------------------
def test_anonymous_without_a_map_type_is_einval():
    assert errno_of("mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0)") == "EINVAL"


def test_shared_and_private_together_anonymous_is_einval():
    assert errno_of("mmap(NULL, 4096, PROT_READ, MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS, "
                    "-1, 0)") == "EINVAL"


def test_shared_and_private_together_on_a_file_is_shared_validate():
    doc = run(DATA + "p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_PRIVATE, "
                     "fd, 0)")
    assert last(doc)["errno"] is None
    assert row_at(last(doc), last(doc)["ret"])["perms"] == "rw-s"


def test_shared_validate_with_unknown_flag_is_eopnotsupp_but_plain_shared_ignores_it():
    assert errno_of(DATA + "mmap(NULL, 4096, PROT_READ, MAP_SHARED_VALIDATE | 0x800000, fd, 0)"
                    ) == "EOPNOTSUPP"
    assert errno_of(DATA + "mmap(NULL, 4096, PROT_READ, MAP_SHARED | 0x800000, fd, 0)") is None


# -- the open mode of the file ---------------------------------------------------------------
def test_read_only_fd_refuses_shared_writable():
    assert errno_of(RO + "mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)") == \
        "EACCES"


def test_read_only_fd_shared_read_is_r__s_without_maywrite():
    doc = run(RO + "p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0)")
    row = row_at(last(doc), last(doc)["ret"])
    assert row["perms"] == "r--s"
    assert "mw" not in row["vmflags"] and "ms" in row["vmflags"] and "sh" not in row["vmflags"]


def test_read_only_fd_private_writable_is_allowed():
    assert errno_of(RO + "mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)") is None


def test_write_only_fd_cannot_be_mapped_for_reading():
    assert errno_of('fd = open("w.bin", O_WRONLY, size=8192); '
                    "mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0)") == "EACCES"


def test_append_only_inode_refuses_shared_but_allows_private():
    ao = 'fd = open("log.bin", O_RDWR, size=8192, append_only=True); '
    assert errno_of(ao + "mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0)") == "EACCES"
    assert errno_of(ao + "mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0)") is None


# -- exec ------------------------------------------------------------------------------------
NOEXEC = 'fd = open("tool.bin", O_RDONLY, size=8192, noexec=True); '


def test_prot_exec_on_a_noexec_mount_is_eperm():
    assert errno_of(NOEXEC + "mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0)") == \
        "EPERM"


def test_read_implies_exec_spares_noexec_files_and_drops_mayexec():
    doc = run("personality(READ_IMPLIES_EXEC); " + NOEXEC +
              "p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0)")
    row = row_at(last(doc), last(doc)["ret"])
    assert row["perms"] == "r--p" and "me" not in row["vmflags"]


def test_read_implies_exec_makes_ext4_files_and_anonymous_memory_executable():
    doc = run("personality(READ_IMPLIES_EXEC); " + RO +
              "p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0); "
              "q = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)")
    events = doc["events"]
    assert row_at(events[2], events[2]["ret"])["perms"] == "r-xp"
    assert row_at(events[3], events[3]["ret"])["perms"] == "r-xp"


# -- devices and growsdown -------------------------------------------------------------------
def test_dev_null_cannot_be_mapped():
    assert errno_of('fd = open("/dev/null", O_RDWR); mmap(NULL, 4096, PROT_READ, MAP_SHARED, '
                    "fd, 0)") == "ENODEV"


def test_growsdown_only_for_private_anonymous():
    assert errno_of(RO + "mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_GROWSDOWN, fd, 0)") == \
        "EINVAL"
    assert errno_of("mmap(NULL, 4096, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, "
                    "-1, 0)") == "EINVAL"
    assert errno_of("mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, "
                    "-1, 0)") is None


# -- huge pages ------------------------------------------------------------------------------
HUGE = "MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB"


def test_hugetlb_without_huge_pages_is_enomem():
    assert errno_of(f"mmap(NULL, 2 * 1024 * 1024, PROT_READ | PROT_WRITE, {HUGE}, -1, 0)") == \
        "ENOMEM"


def test_hugetlb_noreserve_without_pages_maps_a_huge_vma():
    doc = run(f"p = mmap(NULL, 2 * 1024 * 1024, PROT_READ | PROT_WRITE, {HUGE} | MAP_NORESERVE,"
              " -1, 0)")
    row = row_at(last(doc), last(doc)["ret"])
    assert row["end"] - row["start"] == 2 * MiB
    assert row["path"] == "/anon_hugepage (deleted)"
    assert "ht" in row["vmflags"]


def test_hugetlb_small_length_rounds_to_an_aligned_huge_page():
    doc = run(f'sysctl("vm.nr_hugepages", 2); p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, '
              f"{HUGE}, -1, 0)")
    event = last(doc)
    assert event["errno"] is None
    row = row_at(event, event["ret"])
    assert row["end"] - row["start"] == 2 * MiB and row["start"] % (2 * MiB) == 0


def test_hugetlb_on_a_regular_file_is_einval():
    assert errno_of(RO + "mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_HUGETLB, fd, 0)") == \
        "EINVAL"


def test_unknown_huge_page_size_is_einval():
    # 2^25 (32 MiB) is no huge page size of x86-64
    assert errno_of(f"mmap(NULL, 4096, PROT_READ, {HUGE} | (25 << MAP_HUGE_SHIFT), -1, 0)") == \
        "EINVAL"


# -- locking ---------------------------------------------------------------------------------
LOCKED = "PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0"


def test_map_locked_over_memlock_is_eagain():
    assert errno_of(f"setrlimit(RLIMIT_MEMLOCK, 65536); mmap(NULL, 131072, {LOCKED})") == \
        "EAGAIN"


def test_map_locked_with_memlock_zero_is_eperm():
    assert errno_of(f"setrlimit(RLIMIT_MEMLOCK, 0); mmap(NULL, 4096, {LOCKED})") == "EPERM"


def test_map_locked_within_limit_locks_every_page():
    doc = run(f"p = mmap(NULL, 65536, {LOCKED})")
    row = row_at(last(doc), last(doc)["ret"])
    assert row["locked"] == row["rss"] == 65536
    assert "lo" in row["vmflags"]


def test_mlock_limit_is_checked_before_file_access():
    assert errno_of("setrlimit(RLIMIT_MEMLOCK, 4096); " + RO +
                    "mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, fd, 0)"
                    ) == "EAGAIN"


# -- populate --------------------------------------------------------------------------------
def test_populate_16_mib_anonymous_faults_every_page():
    doc = run("p = mmap(NULL, 16 * 1024 * 1024, PROT_READ | PROT_WRITE, "
              "MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)")
    row = row_at(last(doc), last(doc)["ret"])
    assert row["rss"] == 16 * MiB and row["present"] == 4096


@pytest.mark.parametrize("variant", ["PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | "
                                     "MAP_POPULATE | MAP_NONBLOCK",
                                     "PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE"])
def test_populate_with_nonblock_or_prot_none_faults_nothing(variant):
    doc = run(f"p = mmap(NULL, 16 * 1024 * 1024, {variant}, -1, 0)")
    row = row_at(last(doc), last(doc)["ret"])
    assert row["present"] == 0 and row["rss"] == 0


@pytest.mark.parametrize("pages,present", [(3, 3), (4, 3)])
def test_populate_of_a_10000_byte_file_stops_at_end_of_file(pages, present):
    doc = run(DATA + f"p = mmap(NULL, {pages} * 4096, PROT_READ, MAP_PRIVATE | MAP_POPULATE, "
                     "fd, 0)")
    event = last(doc)
    assert event["errno"] is None
    assert row_at(event, event["ret"])["present"] == present


# -- merging ---------------------------------------------------------------------------------
def _anon(addr: str, prot: str = "PROT_READ | PROT_WRITE", extra: str = "") -> str:
    return f"mmap({addr}, 4096, {prot}, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED{extra}, -1, 0)"


BASE = 0x7FFF00000000


@pytest.mark.parametrize("order", [(1, 0), (0, 1), (0, 2, 1)])
def test_adjacent_private_anonymous_mappings_merge(order):
    doc = run("; ".join(_anon(hex(BASE + i * PAGE)) for i in order))
    rows = [r for r in last(doc)["maps"] if BASE <= r["start"] < BASE + 16 * PAGE]
    assert [(r["start"], r["end"]) for r in rows] == [(BASE, BASE + len(order) * PAGE)]
    assert doc["machine"].task.mm.map_count == len(doc["machine"].task.mm.vmas)


def test_different_prot_does_not_merge():
    doc = run(_anon(hex(BASE)) + "; " + _anon(hex(BASE + PAGE), "PROT_READ"))
    rows = [r for r in last(doc)["maps"] if BASE <= r["start"] < BASE + 16 * PAGE]
    assert len(rows) == 2


def test_shared_anonymous_mappings_never_merge():
    shared = "mmap({}, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, " \
             "-1, 0)"
    doc = run(shared.format(hex(BASE)) + "; " + shared.format(hex(BASE + PAGE)))
    rows = [r for r in last(doc)["maps"] if BASE <= r["start"] < BASE + 16 * PAGE]
    assert len(rows) == 2
    assert all(r["path"] == "/dev/zero (deleted)" for r in rows)


def test_file_mappings_merge_only_with_contiguous_offsets():
    big = 'fd = open("big.bin", O_RDONLY, size=65536); '
    m = "mmap({}, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, {})"
    together = run(big + m.format(hex(BASE), 0) + "; " + m.format(hex(BASE + PAGE), PAGE))
    apart = run(big + m.format(hex(BASE), 0) + "; " + m.format(hex(BASE + PAGE), 2 * PAGE))
    def count(doc):
        return len([r for r in last(doc)["maps"] if BASE <= r["start"] < BASE + 16 * PAGE])

    assert count(together) == 1 and count(apart) == 2


# -- MAP_FIXED and hints ---------------------------------------------------------------------
def test_map_fixed_over_the_middle_page_with_other_prot_splits_in_three():
    doc = run(f"p = mmap({hex(BASE)}, 3 * 4096, {ANON_RW.replace(', -1', ' | MAP_FIXED, -1')}); "
              + _anon(hex(BASE + PAGE), "PROT_READ"))
    rows = [r for r in last(doc)["maps"] if BASE <= r["start"] < BASE + 16 * PAGE]
    assert [(r["start"] - BASE, r["end"] - BASE, r["perms"]) for r in rows] == [
        (0, PAGE, "rw-p"), (PAGE, 2 * PAGE, "r--p"), (2 * PAGE, 3 * PAGE, "rw-p")]


@pytest.mark.parametrize("flag", ["MAP_FIXED", "MAP_FIXED_NOREPLACE"])
def test_unaligned_fixed_address_is_einval(flag):
    assert errno_of(f"mmap({hex(BASE + 1)}, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | "
                    f"{flag}, -1, 0)") == "EINVAL"


def test_fixed_noreplace_over_an_existing_page_is_eexist():
    assert errno_of(f"mmap({hex(BASE)}, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | "
                    f"MAP_FIXED, -1, 0); mmap({hex(BASE + 2 * PAGE)}, 8192, PROT_READ, "
                    "MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0)") == "EEXIST"


def test_fixed_noreplace_is_checked_before_file_access():
    assert errno_of(RO + f"mmap({hex(BASE)}, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | "
                    f"MAP_FIXED, -1, 0); mmap({hex(BASE)}, 4096, PROT_READ | PROT_WRITE, "
                    "MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0)") == "EEXIST"


def test_a_hint_inside_a_free_range_is_honoured_and_rounded_down():
    assert last(run(f"mmap({hex(BASE)}, 4096, {ANON_RW})"))["ret"] == BASE
    assert last(run(f"mmap({hex(BASE + 123)}, 4096, {ANON_RW})"))["ret"] == BASE


def test_hints_below_the_mmap_min_addr_floor_are_raised_to_it():
    assert last(run(f"mmap(0x1000, 4096, {ANON_RW})"))["ret"] == 65536


def test_no_hint_places_the_mapping_just_below_the_libraries():
    doc = run(f"p = mmap(NULL, 8192, {ANON_RW})")
    rows = new_rows(doc)
    assert [(r["end"] - r["start"], r["path"]) for r in rows] == [(8192, "")]
    libc = min(r["start"] for r in doc["initial_maps"] if "libc" in r["path"])
    assert rows[0]["end"] == libc


# -- limits ----------------------------------------------------------------------------------
def test_max_map_count_is_compared_with_greater_than():
    # the default world has 20 VMAs; with max 21 a process may reach 22, not 23
    hole = "mmap({}, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)"
    doc = run('sysctl("vm.max_map_count", 21); ' + "; ".join(
        hole.format(hex(BASE + i * 2 * PAGE)) for i in range(3)))
    assert [e["errno"] for e in doc["events"][1:]] == [None, None, "ENOMEM"]
    assert doc["machine"].task.mm.map_count == 22


def test_rlimit_as_is_enforced():
    assert errno_of(f"setrlimit(RLIMIT_AS, 64 * 1024 * 1024); mmap(NULL, 64 * 1024 * 1024, "
                    f"{ANON_RW})") == "ENOMEM"


def test_raising_a_hard_limit_needs_cap_sys_resource():
    assert last(run("setrlimit(RLIMIT_MEMLOCK, 1024 * 1024 * 1024)"))["errno"] == "EPERM"
