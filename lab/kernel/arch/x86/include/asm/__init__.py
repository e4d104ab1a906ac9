# SPDX-License-Identifier: GPL-2.0-only
"""Mirrors of arch/x86/include/asm/: x86-64 paging constants."""
