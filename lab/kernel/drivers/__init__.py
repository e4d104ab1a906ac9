# SPDX-License-Identifier: GPL-2.0-only
"""Twin of the kernel's drivers/ directory (only what mmap reaches)."""
