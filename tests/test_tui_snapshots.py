# SPDX-License-Identifier: GPL-2.0-only
"""What the lab looks like, as SVG snapshots (pytest-textual-snapshot), at the three sizes the
issue names: the start screen, a step in the middle of the chain, an error return and a
populated gigabyte. Update the baselines with `pytest --snapshot-update` after a deliberate
change, and look at them."""

from __future__ import annotations

import pytest

from lab.runner import scenario_constants
from lab.scenario import parse_scenario
from lab.stepping.session import Session
from lab.tui.app import MmapLab
from lab.tui.default_scenario import DEFAULT_SCENARIO

SIZES = [(160, 45), (120, 40), (80, 24)]
ENV = {"LANG": "C.UTF-8", "TERM": "xterm-256color"}
ONE_GIB = ("p = mmap(NULL, 1024 * 1024 * 1024, PROT_READ | PROT_WRITE, "
           "MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)")


def app(src: str = DEFAULT_SCENARIO) -> MmapLab:
    scenario = parse_scenario(src, "<snapshot>", scenario_constants())
    return MmapLab(Session(scenario), env=ENV, theme="textual-dark")


def size_id(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_start_screen(snap_compare, size):
    assert snap_compare(app(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_mid_chain_just_after_the_vma_is_inserted(snap_compare, size):
    async def run_before(pilot) -> None:  # noqa: ANN001
        lab = pilot.app.lab
        assert lab.goto("mm/mmap.c:2840") is None  # mm->map_count++, after vma_mas_store
        lab.show_step()
        await pilot.pause()

    assert snap_compare(app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_error_return(snap_compare, size):
    assert snap_compare(app(), terminal_size=size, press=["E", "8"])


@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_populated_gigabyte(snap_compare, size):
    async def run_before(pilot) -> None:  # noqa: ANN001
        lab = pilot.app.lab
        await pilot.press("c", "6")
        for _ in range(200):  # the first count of a gigabyte's pages runs aside
            await pilot.pause(0.05)
            if not lab.model._counting:
                break
        lab.show_step()
        await pilot.pause()

    assert snap_compare(app(ONE_GIB), terminal_size=size, run_before=run_before)
