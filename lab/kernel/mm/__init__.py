# SPDX-License-Identifier: GPL-2.0-only
"""Twin of the kernel's mm/ directory: mapping, populating and faulting memory."""
