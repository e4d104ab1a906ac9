# SPDX-License-Identifier: GPL-2.0-only
"""mmaplab: step through Linux 6.1's mmap(2), the real kernel C beside a Python twin."""

__version__ = "0.1.0"

#: The one kernel the lab teaches (design notes, section 1).
KERNEL_VERSION = "6.1.192"
