# SPDX-License-Identifier: GPL-2.0-only
"""Twin of fs/proc/: what /proc/PID/maps, smaps and pagemap show."""
