# SPDX-License-Identifier: GPL-2.0-only
"""Read this process's /proc/self/maps, smaps and pagemap without disturbing them.

The files are opened once and read into buffers allocated beforehand, so taking a snapshot
adds no mapping of its own. A row comes out in the shape of `mmaplab run --json` (design
notes, section 5): rss and locked from smaps, present pages from pagemap (the zero page
counts there, as it does in the model), hugetlb bytes, and the VmFlags mnemonics.
"""

from __future__ import annotations

import os

from lab.realkernel import syscalls

PAGE = 4096
#: pagemap is read directly for rows up to this size; larger ones use PAGEMAP_SCAN.
PAGEMAP_READ_LIMIT = 4 << 30
_HIGH_BIT = bytes(1 if i & 0x80 else 0 for i in range(256))  # bit 63 of an entry: present


class ProcSelf:
    """Pre-opened /proc/self files and the buffers their snapshots are read into."""

    def __init__(self) -> None:
        ro = os.O_RDONLY | os.O_CLOEXEC
        self.maps_fd = os.open("/proc/self/maps", ro)
        self.smaps_fd = os.open("/proc/self/smaps", ro)
        self.pagemap_fd = os.open("/proc/self/pagemap", ro)
        self.status_fd = os.open("/proc/self/status", ro)
        self.meminfo_fd = os.open("/proc/meminfo", ro)
        self.buf = bytearray(8 << 20)
        self.pm_buf = bytearray(8 << 20)  # 1 Mi entries: 4 GiB of address space a read

    def fds(self) -> list[int]:
        return [self.maps_fd, self.smaps_fd, self.pagemap_fd, self.status_fd, self.meminfo_fd]

    def read(self, fd: int) -> bytes:
        """The whole file, read with os.readv into the preallocated buffer."""
        while True:
            os.lseek(fd, 0, os.SEEK_SET)
            view, n = memoryview(self.buf), 0
            while n < len(self.buf):
                got = os.readv(fd, [view[n:]])
                if got == 0:
                    return bytes(view[:n])
                n += got
            self.buf = bytearray(2 * len(self.buf))  # rare: the file outgrew the buffer

    def maps(self) -> list[tuple[int, int, str, int, str]]:
        """(start, end, perms, offset, path) of every row of maps."""
        return [_maps_line(line) for line in self.read(self.maps_fd).decode().splitlines()]

    def smaps(self) -> dict[tuple[int, int], dict]:
        """(start, end) -> {"rss", "locked", "hugetlb", "vmflags"} for every VMA."""
        out: dict[tuple[int, int], dict] = {}
        cur: dict = {}
        for line in self.read(self.smaps_fd).decode().splitlines():
            head, _, rest = line.partition(" ")
            if head.endswith(":"):
                key = head[:-1]
                if key == "VmFlags":
                    cur["vmflags"] = rest.split()
                elif key in _SMAPS_KB:
                    field = _SMAPS_KB[key]
                    cur[field] = cur.get(field, 0) + int(rest.split()[0]) * 1024
            else:
                start, end = (int(x, 16) for x in head.split("-"))
                cur = {"rss": 0, "locked": 0, "hugetlb": 0, "vmflags": []}
                out[(start, end)] = cur
        return out

    def present(self, start: int, end: int) -> int | None:
        """Pages in [start, end) whose page-table entry is present (pagemap bit 63)."""
        if end - start > PAGEMAP_READ_LIMIT:
            return syscalls.pagemap_scan_present(self.pagemap_fd, start, end)
        total, pos, stop = 0, start // PAGE * 8, end // PAGE * 8
        view = memoryview(self.pm_buf)
        while pos < stop:
            want = min(len(self.pm_buf), stop - pos)
            got = os.preadv(self.pagemap_fd, [view[:want]], pos)
            if got <= 0:
                break
            total += bytes(view[7:got:8]).translate(_HIGH_BIT).count(1)
            pos += got
        return total

    def status_kb(self, *names: str) -> dict[str, int]:
        """Fields of /proc/self/status given in kB (VmSize, VmData), in bytes."""
        return _kb_fields(self.read(self.status_fd), names)

    def committed_as(self) -> int:
        """/proc/meminfo's Committed_AS, in bytes: the whole machine's commitment."""
        return _kb_fields(self.read(self.meminfo_fd), ("Committed_AS",))["Committed_AS"]

    def rows(self, owner_ranges: list[tuple[int, int]] = ()) -> list[dict]:
        """The maps as `mmaplab run --json` rows; rows inside owner_ranges marked the runner's."""
        stats = self.smaps()
        rows = []
        for start, end, perms, offset, path in self.maps():
            st = stats.get((start, end), {"rss": 0, "locked": 0, "hugetlb": 0, "vmflags": []})
            row = {"start": start, "end": end, "perms": perms, "offset": offset, "path": path,
                   "rss": st["rss"], "locked": st["locked"], "present": None,
                   "hugetlb": st["hugetlb"], "vmflags": st["vmflags"]}
            if any(a <= start and end <= b for a, b in owner_ranges) or \
                    path in ("[heap]", "[stack]"):
                row["owner"] = "runner"
            elif start < 1 << 47:
                row["present"] = self.present(start, end)
            rows.append(row)
        return rows


_SMAPS_KB = {"Rss": "rss", "Locked": "locked", "Private_Hugetlb": "hugetlb",
             "Shared_Hugetlb": "hugetlb"}


def _maps_line(line: str) -> tuple[int, int, str, int, str]:
    parts = line.split(None, 5)
    start, end = (int(x, 16) for x in parts[0].split("-"))
    return start, end, parts[1], int(parts[2], 16), parts[5] if len(parts) > 5 else ""


def _kb_fields(data: bytes, names) -> dict[str, int]:
    out = {}
    for line in data.decode().splitlines():
        key, _, rest = line.partition(":")
        if key in names:
            out[key] = int(rest.split()[0]) * 1024
    return out
