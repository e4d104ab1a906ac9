# SPDX-License-Identifier: GPL-2.0-only
"""The lab's face: a Textual app that steps through a recorded scenario, C beside Python."""
