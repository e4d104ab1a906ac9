# SPDX-License-Identifier: GPL-2.0-only
"""'Compare with this machine's kernel': the real result beside the model's, in the lab."""

from __future__ import annotations

import copy

import pytest
from textual.widgets import Static

from lab import realkernel
from lab.realkernel import host
from lab.runner import scenario_constants
from lab.scenario import parse_scenario, split_statements
from lab.stepping.session import Session
from lab.tui.app import MmapLab
from lab.tui.screens.compare import CompareScreen, comparisons, sim_document

ENV = {"LANG": "C.UTF-8", "TERM": "xterm-256color"}
SIMPLE = ("p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\n"
          "p[0] = 1\n"
          "q = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\n")
# Since 6.7 the kernel puts a 2 MiB anonymous mapping on a 2 MiB boundary; 6.1 does not.
THP = "p = mmap(NULL, 2 * 1024 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)"


def session(src: str) -> Session:
    return Session(parse_scenario(split_statements(src), "<test>", scenario_constants()))


def lab_app(src: str) -> MmapLab:
    return MmapLab(session(src), env=ENV)


def needs_real_kernel() -> None:
    ok, why = host.available()
    if not ok:
        pytest.skip(f"no real kernel to compare with: {why}")


async def opened(pilot, a: MmapLab) -> CompareScreen:  # noqa: ANN001
    """The comparison screen once its run is over (shown, or said to be unavailable)."""
    for _ in range(300):
        await pilot.pause(0.05)
        screen = a.screen
        if isinstance(screen, CompareScreen) and (screen.result or screen.unavailable):
            return screen
    raise AssertionError(f"the comparison did not finish; the screen is {a.screen!r}")


def shown(screen: CompareScreen) -> str:
    import io

    from rich.console import Console

    console = Console(width=120, record=True, file=io.StringIO())
    for widget in ("#compare-status", "#compare-body"):
        console.print(screen.query_one(widget, Static).content)
    return console.export_text()


async def test_k_opens_the_comparison_and_escape_closes_it():
    a = lab_app(SIMPLE)
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("K")
        screen = await opened(pilot, a)
        assert screen.session is a.lab.session
        await pilot.press("escape")
        await pilot.pause()
        assert type(a.screen).__name__ == "LabScreen"


async def test_closing_before_the_kernel_answers_leaves_the_lab_working():
    a = lab_app(SIMPLE)
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("K", "escape")
        for _ in range(40):  # long enough for the real run to come back
            await pilot.pause(0.05)
        assert type(a.screen).__name__ == "LabScreen"
        await pilot.press("s")
        await pilot.pause()
        assert a.lab.session.global_index == 1


async def test_the_palette_command_opens_the_comparison():
    a = lab_app(SIMPLE)
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = [c.title for c in a.get_system_commands(a.lab)]
        assert any(t.startswith("Compare with this machine's kernel") for t in titles)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Compare with this machine")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await opened(pilot, a)


async def test_a_simple_scenario_agrees_with_this_machines_kernel():
    needs_real_kernel()
    a = lab_app(SIMPLE)
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("K")
        screen = await opened(pilot, a)
        assert screen.unavailable is None
        sim_doc, real_doc, differences = screen.result
        found = comparisons(sim_doc, real_doc, differences)
        assert [st.line for st in found] == [1, 2, 3]
        assert all(item.verdict == "same" for st in found for item in st.items)
        text = shown(screen)
        assert "All 3 statements agree" in text
        assert f"This machine: Linux {real_doc['host_kernel']}" in text
        assert "errno EINVAL" in text and "Rss 4k" in text  # line 3's error, line 2's page


async def test_a_documented_difference_is_marked_known_and_explained():
    needs_real_kernel()
    if "thp-anon-alignment" not in {k.id for k in realkernel.applicable()}:
        pytest.skip("this machine's kernel places a 2 MiB mapping as 6.1 does (before 6.7)")
    a = lab_app(THP)
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("K")
        screen = await opened(pilot, a)
        sim_doc, real_doc, differences = screen.result
        result = comparisons(sim_doc, real_doc, differences)[0].items[0]
        assert result.label == "returns" and result.verdict == "known"
        text = shown(screen)
        assert "(known: thp-anon-alignment)" in text
        assert "Since Linux 6.7 the kernel places an anonymous private mapping" in text


def test_an_unexplained_difference_is_marked_as_one():
    sim_doc = sim_document(session(SIMPLE))
    real_doc = copy.deepcopy(sim_doc)
    real_doc["host_kernel"] = "6.1.192"
    real_doc["events"][1]["maps"] = [dict(r, rss=0) if r["start"] == sim_doc["events"][0]["ret"]
                                     else r for r in real_doc["events"][1]["maps"]]
    differences = realkernel.compare(sim_doc, real_doc)
    row = comparisons(sim_doc, real_doc, differences)[1].items[1]
    assert row.verdict == "differs" and "Rss 4k" in row.model and "Rss 0k" in row.kernel


async def test_without_a_real_kernel_it_says_why(monkeypatch):
    why = "the real-kernel runner needs Linux; this is Darwin"
    monkeypatch.setattr(host, "available", lambda: (False, why))
    a = lab_app(SIMPLE)
    async with a.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("K")
        screen = await opened(pilot, a)
        assert screen.result is None
        assert "unavailable" in screen.unavailable and why in screen.unavailable
        assert why in shown(screen)


async def test_a_scenario_the_machine_cannot_run_is_skipped_with_the_reason(monkeypatch):
    reason = "the scenario changes the machine (sysctl or a swap file), which needs root"
    monkeypatch.setattr(host, "available", lambda: (True, ""))
    monkeypatch.setattr(realkernel, "run_real",
                        lambda scenario, **kw: {"skipped": reason, "error": None, "events": [],
                                                "initial_maps": [], "host_kernel": "6.1.0"})
    a = lab_app(SIMPLE)
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("K")
        screen = await opened(pilot, a)
        assert screen.unavailable == f"Not run on this machine's kernel: {reason}."


async def test_at_80x24_the_comparison_scrolls():
    needs_real_kernel()
    a = lab_app(SIMPLE)
    async with a.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("K")
        screen = await opened(pilot, a)
        box = screen.query_one("VerticalScroll")
        assert box.max_scroll_y > 0 and box.has_focus
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y


async def test_in_chinese_the_known_difference_is_explained_in_chinese():
    needs_real_kernel()
    if "thp-anon-alignment" not in {k.id for k in realkernel.applicable()}:
        pytest.skip("this machine's kernel places a 2 MiB mapping as 6.1 does (before 6.7)")
    a = MmapLab(session(THP), env=ENV, lang="zh")
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("K")
        text = shown(await opened(pilot, a))
        assert "从 Linux 6.7 起，长度为 2 MiB 整数倍的私有匿名映射" in text
        assert "Since Linux 6.7" not in text
