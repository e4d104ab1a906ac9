# SPDX-License-Identifier: GPL-2.0-only
"""Twin of drivers/char/: the memory devices /dev/zero and /dev/null."""
