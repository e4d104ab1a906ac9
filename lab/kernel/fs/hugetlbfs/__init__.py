# SPDX-License-Identifier: GPL-2.0-only
"""Twin of fs/hugetlbfs/: the file system behind huge page mappings."""
