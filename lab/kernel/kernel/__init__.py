# SPDX-License-Identifier: GPL-2.0-only
"""Twin of the kernel's kernel/ directory: what mm/ calls there (signals)."""
