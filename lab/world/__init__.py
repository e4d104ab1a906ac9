# SPDX-License-Identifier: GPL-2.0-only
"""Checks on the simulated world as a whole (see `lab.world.invariants`).

The world itself is plain data in `lab.kernel` (machine, mm, page tables, frames); this
package holds what must stay true of it whatever a scenario does.
"""
