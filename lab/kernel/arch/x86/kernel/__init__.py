# SPDX-License-Identifier: GPL-2.0-only
"""Twin of arch/x86/kernel/: the x86-64 system call entry points the lab steps through."""
