# SPDX-License-Identifier: GPL-2.0-only
"""The classroom: an instructor's lab publishes its position, students' labs mirror it.

The instructor's side (`broadcast`) listens on a Unix socket and sends the latest state to
each follower at once, then every change; the student's side (`follow`) connects, reconnects
and hands states to a callback. Only positions travel, never screens: the simulation is
deterministic, so each student's lab replays the same scenario to the same step. `link` and
`app_glue` join these to a stepping Session and to the app; `serve` is a small SSH server
for classrooms without accounts. Nothing here imports the TUI.
"""
