# SPDX-License-Identifier: GPL-2.0-only
"""Mirrors of the kernel's include/ headers."""
