# SPDX-License-Identifier: GPL-2.0-only
"""Mirrors of include/uapi/: the constants user space passes to the kernel."""
