# SPDX-License-Identifier: GPL-2.0-only
"""The scenario the lab opens on until lessons exist: short, and it shows the whole path.

An anonymous mapping that MAP_POPULATE faults in (from the system call down to the page
table entries of its two pages), then a mapping the kernel refuses, so the learner meets an
error return and the condition that made it.
"""

from __future__ import annotations

SOURCE_NAME = "<default scenario>"

DEFAULT_SCENARIO = """\
# mmaplab's first scenario: step with s (into), n (over), f (finish); S, N, F go back.
fd = open("data.bin", O_RDONLY, size=8192)
p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)
q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)   # fd is read-only: EACCES
"""
