# SPDX-License-Identifier: GPL-2.0-only
"""Twin of arch/x86/mm/: x86-specific memory management (huge page placement)."""
