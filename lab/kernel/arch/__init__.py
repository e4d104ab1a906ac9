# SPDX-License-Identifier: GPL-2.0-only
"""Mirrors of the kernel's arch/ tree (x86-64 only)."""
