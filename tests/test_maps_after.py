# SPDX-License-Identifier: GPL-2.0-only
"""Each event's maps, kept as what its statement changed, reads as the whole maps rebuilt.

simulate() keeps per statement only the rows it changed (lab/world/maps.py); these checks
rebuild /proc/PID/maps in full after every statement and compare, over the curated
differential scenarios and seeded random ones, and check that `--json` streams the same
document json.dump gives.
"""

from __future__ import annotations

import io
import json

import pytest

from lab.kernel.default_world import default_machine
from lab.kernel.fs.proc.task_mmu import maps_rows
from lab.realkernel.generate import scenarios as random_scenarios
from lab.realkernel.generate import supported_steps
from lab.runner import Run, scenario_constants, simulate
from lab.scenario import ScenarioError, parse_scenario
from lab.world.maps import MapsTracker
from tests.test_differential import load_curated

ANON = "MAP_PRIVATE | MAP_ANONYMOUS"


def _texts() -> list[str]:
    return [text for _, text, _ in load_curated()] + random_scenarios(23, 150, supported_steps())


def _full_maps_after_each(text: str) -> tuple[list[dict], list[list[dict]], list]:
    run = Run(default_machine())
    tracker = MapsTracker(run.machine)
    full, kept = [], []
    try:
        for stmt in parse_scenario(text, "<t>", scenario_constants()):
            try:
                event = run.execute(stmt)
            except ScenarioError:
                break
            full.append(maps_rows(run.machine))
            kept.append(tracker.take())
            if event.signal is not None:
                break
    finally:
        tracker.close()
    return tracker.initial, full, kept


def test_kept_changes_give_the_whole_maps_after_every_statement():
    for text in _texts():
        initial, full, kept = _full_maps_after_each(text)
        assert initial == maps_rows(default_machine())
        for k, (rows, after) in enumerate(zip(full, kept)):
            assert list(after) == rows, f"statement {k + 1} of\n{text}"
            assert len(after) == len(rows)


def test_an_unchanged_row_is_the_same_object_in_the_next_event():
    report = simulate(parse_scenario("\n".join([
        f"p = mmap(NULL, 4096, PROT_READ, {ANON}, -1, 0)",
        f"q = mmap(NULL, 8192, PROT_READ | PROT_WRITE, {ANON}, -1, 0)",
        "q[0] = 1"]), "<t>", scenario_constants()))
    first, second, third = (list(maps) for _, maps in report.events)
    shared = [r for r in second if any(r is s for s in first)]
    assert len(shared) == len(second) - 1  # only q's row is new
    assert [r for r in third if not any(r is s for s in second)] == \
        [next(r for r in third if r["start"] == report.events[1][0].ret)]  # q's rss changed


@pytest.mark.parametrize("text", [
    f"p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, {ANON}, -1, 0)\np[4096] = 1\n"
    "munmap(p + 4096, 4096)\nx = p[0]\nmprotect(p, 4096, PROT_READ)",
    "fd = open(\"data.bin\", O_RDWR, size=10000)\n"
    "p = mmap(NULL, 8192, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0)\nftruncate(fd, 100)",
])
def test_streamed_json_is_what_json_dump_of_the_document_gives(text):
    report = simulate(parse_scenario(text, "<t>", scenario_constants()))
    out = io.StringIO()
    report.write_json(out)
    assert out.getvalue() == json.dumps(report.to_json())
