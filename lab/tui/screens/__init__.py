# SPDX-License-Identifier: GPL-2.0-only
"""The lab's screens: the stepping screen, help, and small question dialogs."""
