# SPDX-License-Identifier: GPL-2.0-only
"""Lockstep stepping: record a scenario through the twin, then move over it both ways."""
