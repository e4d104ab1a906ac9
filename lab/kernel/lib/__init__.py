# SPDX-License-Identifier: GPL-2.0-only
"""Twin of the kernel's lib/: the library code mm/ leans on (the maple tree's interface)."""
