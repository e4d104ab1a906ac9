# SPDX-License-Identifier: GPL-2.0-only
"""The Python twin of the Linux 6.1 kernel code the lab teaches, and the world it runs in."""
