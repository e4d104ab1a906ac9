# SPDX-License-Identifier: GPL-2.0-only
"""The kernel C we teach: manifest, index and highlighting."""
