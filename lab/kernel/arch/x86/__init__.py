# SPDX-License-Identifier: GPL-2.0-only
"""Mirrors of arch/x86/."""
