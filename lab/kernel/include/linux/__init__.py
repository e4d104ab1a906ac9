# SPDX-License-Identifier: GPL-2.0-only
"""Mirrors of include/linux/: the kernel-internal mm constants."""
