# SPDX-License-Identifier: GPL-2.0-only
"""Twin of the kernel's fs/ directory."""
