# SPDX-License-Identifier: GPL-2.0-only
"""The narration and errors panels in Chinese: the words come from the view's language, and a
Chinese line is broken between characters, never wider than the panel."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from lab.runner import scenario_constants
from lab.scenario import parse_scenario, split_statements
from lab.stepping.session import Session
from lab.tui.app import MmapLab
from lab.tui.default_scenario import DEFAULT_SCENARIO
from lab.tui.panels.base import LineList

ENV = {"LANG": "C.UTF-8", "TERM": "xterm-256color"}


def _lines(widget) -> list[str]:  # noqa: ANN001
    ll = widget.query_one(LineList)
    return [(make() if callable(make) else make).plain for _, make in ll._source]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_error_and_its_narration_read_in_chinese(size):
    session = Session(parse_scenario(split_statements(DEFAULT_SCENARIO), "<test>",
                                     scenario_constants()))
    app = MmapLab(session, env=ENV, lang="zh")
    async with app.run_test(size=size) as pilot:
        await pilot.press("E", "8")
        await pilot.pause()
        lab = app.lab
        errors = lab.query_one("#errors")
        said = _lines(errors)
        assert said[0].startswith("-EACCES (-13)  在第 ") and "就是这一步" in said[0]
        text = "".join(said)
        assert text.index("原因") < text.index("FMODE_WRITE)) 为真（mm/mmap.c:1371）")
        assert "mmap(2)：文件的打开模式不允许建立这种映射。" in text
        narration = lab.query_one("#narration")
        assert "返回 -EACCES：文件的打开模式不允许建立这种映射。" in "".join(_lines(narration))
        for panel, wrapped in ((errors, said[1:]), (narration, _lines(narration))):
            width = panel.query_one(LineList).size.width  # the head line scrolls, as in English
            assert all(cell_len(line) <= width for line in wrapped), panel.id
