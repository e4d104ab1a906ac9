# SPDX-License-Identifier: GPL-2.0-only
"""The lab's face, driven through Textual's pilot on real recorded sessions: every key, every
command of the palette, the layouts at each terminal size, the scenario editor."""

from __future__ import annotations

import pytest

from lab.runner import scenario_constants
from lab.scenario import parse_scenario, split_statements
from lab.stepping.session import Position, Session
from lab.tui.app import MmapLab
from lab.tui.default_scenario import DEFAULT_SCENARIO
from lab.tui.glyphs import ASCII, CONSOLE, UNICODE, choose
from lab.tui.panels.base import LineList
from lab.tui.panels.c_source import CSourcePanel
from lab.tui.panels.page_tables import PageTablePanel
from lab.tui.panels.vmas import VmaPanel
from lab.tui.screens.lab import size_class

ENV = {"LANG": "C.UTF-8", "TERM": "xterm-256color"}
POPULATE2 = ("p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, "
             "MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)")


def session(src: str = DEFAULT_SCENARIO) -> Session:
    return Session(parse_scenario(split_statements(src), "<test>", scenario_constants()))


def app(src: str = DEFAULT_SCENARIO, env: dict | None = None, **kw) -> MmapLab:
    return MmapLab(session(src), env=ENV if env is None else env, **kw)


def lines_of(widget) -> list[str]:  # noqa: ANN001
    """The plain text of a panel's LineList, every line (not only those on screen)."""
    ll = widget.query_one(LineList)
    out = []
    for i in range(len(ll._source)):
        _, make = ll._source[i]
        out.append((make() if callable(make) else make).plain)
    return out


# -- the first screen ------------------------------------------------------------------------------
async def test_first_screen_is_the_syscall_with_its_twin_the_scenario_and_the_state():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        lab = a.lab
        assert lab.session.step.function == "SYSCALL_DEFINE6(mmap)"
        c = lab.query_one(CSourcePanel)
        assert c.code.fn.display == "SYSCALL_DEFINE6(mmap)"
        assert c.code.line_number_start == c.code.fn.line  # real line numbers
        assert c.code.marker == lab.session.step.c_line - c.code.fn.line
        py = lines_of(lab.query_one("#py"))
        assert any("def sys_mmap" in line for line in py)
        scen = lines_of(lab.query_one("#scenario"))
        assert any("open(" in line for line in scen) and any("mmap(" in line for line in scen)
        vmas = lines_of(lab.query_one("#vmas"))
        assert len(vmas) == len(lab.session.vmas_at()) + 1  # a header and every VMA
        assert any("[heap]" in line for line in vmas)
        narration = " ".join(lines_of(lab.query_one("#narration")))
        assert "system call" in narration


# -- stepping keys ---------------------------------------------------------------------------------
async def test_s_steps_into_and_S_and_left_step_back():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        s = a.lab.session
        g = s.global_index
        await pilot.press("s")
        assert s.global_index == g + 1
        await pilot.press("right")
        assert s.global_index == g + 2
        await pilot.press("S")
        assert s.global_index == g + 1
        await pilot.press("left")
        assert s.global_index == g


async def test_n_steps_over_calls_and_N_comes_back():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        s = a.lab.session
        while s.step.function == "SYSCALL_DEFINE6(mmap)" and "ksys_mmap_pgoff" not in \
                s.step.link.statements[0].text:
            await pilot.press("s")
        here, depth = s.position, s.step.depth
        await pilot.press("n")  # the call of ksys_mmap_pgoff runs without stopping
        assert s.step.depth <= depth and s.position.statement == here.statement
        await pilot.press("N")
        assert s.position == here


async def test_f_finishes_the_function_and_F_goes_back_to_the_call():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        s = a.lab.session
        while s.step.function != "do_mmap":
            await pilot.press("s")
        await pilot.press(*"sss")
        depth, statement = s.step.depth, s.position.statement
        await pilot.press("F")  # back to the line that called do_mmap
        assert s.step.function == "vm_mmap_pgoff" and "do_mmap(" in s.step.link.statements[0].text
        await pilot.press("s", "f")  # into do_mmap again, then out of it
        assert s.step.depth < depth and s.position.statement == statement
        assert s.step.function == "vm_mmap_pgoff"


async def test_b_sets_a_breakpoint_that_c_continues_to_and_C_goes_back_to():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        s = a.lab.session
        await pilot.press(*"sss")
        where = s.step.c_location
        await pilot.press("b")
        assert [bp.where for bp in s.breakpoints] == [where]
        c = a.lab.query_one(CSourcePanel)
        assert c.code.marker in c.code.breakpoints  # drawn in the gutter
        await pilot.press("r")
        await pilot.press("c")
        assert s.step.c_location == where and not a.lab.state.at_end
        await pilot.press("s", "C")
        assert s.step.c_location == where
        await pilot.press("b")  # off again
        assert s.breakpoints == []


async def test_c_without_breakpoints_runs_to_the_end_and_back_keys_return():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        lab = a.lab
        assert lab.state.at_end
        assert "ended" in " ".join(lines_of(lab.query_one("#narration")))
        await pilot.press("s")  # nothing after the end
        assert lab.state.at_end
        await pilot.press("S")
        assert not lab.state.at_end
        assert lab.session.global_index == lab.session.total_steps - 1


async def test_r_restarts_at_the_first_step():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = a.lab.session.position
        await pilot.press(*"ssssssss", "r")
        assert a.lab.session.position == first


async def test_E_goes_to_the_line_that_returned_the_error_and_the_panel_explains_it():
    a = app()
    async with a.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("E")
        await pilot.pause()
        lab = a.lab
        step = lab.session.step
        assert step.function == "do_mmap" and "-EACCES" in step.link.statements[0].text
        text = "\n".join(lines_of(lab.query_one("#errors")))
        assert "-EACCES (-13)" in text
        assert "FMODE_WRITE" in text  # the condition that was true
        assert "not opened in a mode" in text  # its meaning
        assert lab.query_one("#errors").display


async def test_u_runs_to_the_line_under_the_c_cursor():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        lab = a.lab
        await pilot.press("1")  # focus the C panel
        code = lab.query_one(CSourcePanel).code
        assert code.has_focus
        target_row = code.marker + 3  # the `return ksys_mmap_pgoff(...)` line
        code.move_cursor((target_row, 0))
        await pilot.pause()
        await pilot.press("u")
        assert lab.session.step.c_line == code.fn.line + target_row


# -- questions: go to, address, who ----------------------------------------------------------------
async def test_g_goes_to_a_step_an_errno_a_line_a_function_or_a_statement():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        s = a.lab.session
        for text, check in (
            ("100", lambda: s.global_index == 99),
            ("EACCES", lambda: "-EACCES" in s.step.link.statements[0].text),
            ("do_anonymous_page", lambda: s.step.function == "do_anonymous_page"),
            ("mm/mmap.c:1317", lambda: s.step.c_location == "mm/mmap.c:1317"),
            ("stmt 3", lambda: s.position == Position(2, 0)),
            ("-1", lambda: s.position.statement == 1),
        ):
            await pilot.press("g")
            await pilot.pause()
            await pilot.press(*text, "enter")
            await pilot.pause()
            assert type(a.screen).__name__ == "LabScreen", text
            assert check(), text


async def test_g_says_what_is_wrong_with_a_bad_target_and_escape_cancels():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*"nosuchthing", "enter")
        await pilot.pause()
        assert type(a.screen).__name__ == "AskScreen"
        assert "not a step" in str(a.screen.query_one("#ask-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert type(a.screen).__name__ == "LabScreen"


async def test_a_shows_the_page_tables_of_an_expression_and_w_finds_who_set_the_pte():
    a = app()
    async with a.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        lab = a.lab
        await pilot.press("c")  # the end: p is mapped and populated
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"p + 0x1000", "enter")
        await pilot.pause()
        p = lab.session.records[1].event.ret
        assert lab.state.address == p + 0x1000
        pt = "\n".join(lines_of(lab.query_one(PageTablePanel)))
        assert "PTE[" in pt and "P RW US" in pt and "2/2" in pt
        await pilot.press("w")
        step = lab.session.step
        assert step.changes.ptes and step.changes.ptes[0][0] == p + 0x1000


# -- panels and focus ------------------------------------------------------------------------------
async def test_number_keys_and_tab_move_between_panels():
    a = app()
    async with a.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("5")
        assert a.focused is not None and a.focused.parent.id == "vmas"
        await pilot.press("tab")
        assert a.focused.parent.id != "vmas"
        await pilot.press("1")
        assert a.focused.parent.id == "c"


async def test_enter_on_a_vma_shows_its_page_tables():
    a = app()
    async with a.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("c", "5", "down", "down", "enter")
        await pilot.pause()
        lab = a.lab
        vmas = lab.query_one(VmaPanel)
        assert lab.state.address == vmas._rows[2][0].start


async def test_v_shows_vmflags_in_the_vma_panel():
    a = app()
    async with a.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("5", "v")
        assert "VmFlags" in lines_of(a.lab.query_one(VmaPanel))[0]


async def test_in_the_80x24_layout_number_keys_switch_the_decks():
    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lab = a.lab
        assert lab.layout_class == "narrow"
        deck = lab.query_one("#state-deck")
        for key, panel in (("5", "vmas"), ("6", "pt"), ("7", "flags"), ("8", "errors"),
                           ("3", "stack"), ("4", "locals"), ("9", "scenario")):
            await pilot.press(key)
            assert deck.active == panel
            assert lab.query_one(f"#{panel}").display
        await pilot.press("2")
        assert lab.query_one("#code-deck").active == "py"


async def test_t_switches_to_a_light_theme_and_back():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        assert not a.current_theme.dark
        assert a.lab.query_one(CSourcePanel).code.theme == "mmaplab-light"
        await pilot.press("t")
        assert a.current_theme.dark


async def test_question_mark_and_f1_open_the_help_and_escape_closes_it():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key in ("question_mark", "f1"):
            await pilot.press(key)
            await pilot.pause()
            assert type(a.screen).__name__ == "HelpScreen"
            await pilot.press("escape")
            await pilot.pause()
            assert type(a.screen).__name__ == "LabScreen"


async def test_q_quits():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert a.return_code == 0 and not a.is_running


# -- the scenario editor ---------------------------------------------------------------------------
async def test_e_adds_a_statement_that_is_recorded_and_stepped():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.press(*"r = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)")
        await pilot.press("enter")
        for _ in range(100):
            await pilot.pause(0.05)
            if len(a.lab.session.records) == 4:
                break
        s = a.lab.session
        assert len(s.records) == 4 and s.position == Position(3, 0)
        assert s.records[3].event.ret > 0
        assert not a.lab.query_one("#editor").is_open


async def test_the_editor_completes_constant_names_with_tab():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e", *"x = mmap(NULL, 4096, PROT_RE")
        await pilot.pause()
        await pilot.press("tab")
        assert a.focused.value.endswith("PROT_READ")


async def test_a_bad_statement_is_reported_where_it_is_and_never_recorded():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e", *"p = mmap(NULL, 4096, PROT_REED, 0, -1, 0)")
        await pilot.pause()
        msg = str(a.lab.query_one("#editor-message").render())
        assert "PROT_REED" in msg and "^" in msg
        caret = msg.index("^")
        assert caret == "p = mmap(NULL, 4096, PROT_REED".index("PROT_REED")
        await pilot.press("enter")
        await pilot.pause()
        assert len(a.lab.session.records) == 3  # nothing recorded
        await pilot.press("escape")
        assert not a.lab.query_one("#editor").is_open


async def test_a_statement_the_simulator_refuses_shows_its_error_and_keeps_the_scenario():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e", *'fd9 = open("missing.bin", O_RDONLY)', "enter")
        for _ in range(60):
            await pilot.pause(0.05)
            if "size" in str(a.lab.query_one("#editor-message").render()):
                break
        assert "does not exist" in str(a.lab.query_one("#editor-message").render())
        assert len(a.lab.session.records) == 3


# -- the command palette ---------------------------------------------------------------------------
async def test_the_palette_lists_every_action_and_each_runs():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        commands = list(a.get_system_commands(a.lab))
        titles = " ".join(c.title for c in commands)
        for action in ("Step into", "Next", "Finish", "Continue", "Breakpoint", "Back one step",
                       "Back one line", "Back to where", "Back to the previous breakpoint",
                       "Go to", "Edit the scenario", "Restart", "Help", "Quit",
                       "Show the page tables", "Light or dark", "Edit the current statement",
                       "Add a breakpoint", "Clear all breakpoints", "VmFlags"):
            assert action in titles, action
        for c in commands:
            if any(w in c.title for w in ("Quit", "Help", "Go to", "Edit", "Add a breakpoint",
                                          "page tables of", "Theme", "Keys", "Screenshot",
                                          "Maximize", "Minimize", "Compare", "Lessons:", "Quiz")):
                continue
            c.callback()
            await pilot.pause()
            assert type(a.screen).__name__ == "LabScreen", c.title


async def test_ctrl_p_opens_the_palette_and_runs_a_typed_command():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = a.lab.session.position
        await pilot.press(*"ssss", "ctrl+p")
        await pilot.pause()
        assert type(a.screen).__name__ == "CommandPalette"
        await pilot.press(*"Restart")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert a.lab.session.position == first


# -- sizes and terminals ---------------------------------------------------------------------------
def test_size_classes_follow_the_issue():
    assert size_class(160, 45) == size_class(200, 60) == "wide"
    assert size_class(120, 40) == size_class(159, 44) == "medium"
    assert size_class(80, 24) == size_class(119, 39) == "narrow"
    assert size_class(79, 24) == size_class(80, 23) == "tiny"


async def test_below_the_minimum_it_asks_to_enlarge_and_recovers_when_enlarged():
    a = app()
    async with a.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        text = str(a.lab.query_one("#too-small").render())
        assert "enlarge the terminal to at least 80x24" in text
        await pilot.press("s")  # still works, drawn later
        await pilot.resize_terminal(160, 45)
        await pilot.pause()
        assert a.lab.layout_class == "wide"
        assert a.lab.query_one(CSourcePanel).code.fn is not None
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert a.lab.layout_class == "narrow"


def test_glyphs_fall_back_to_ascii_without_utf8_and_to_the_console_font_on_linux():
    assert choose({"LANG": "C.UTF-8", "TERM": "xterm-256color"}) is UNICODE
    assert choose({"LANG": "C", "TERM": "xterm-256color"}) is ASCII
    assert choose({"LC_ALL": "en_US.ISO-8859-1", "LANG": "en_US.UTF-8"}) is ASCII
    assert choose({"LANG": "en_US.UTF-8", "TERM": "linux"}) is CONSOLE


async def test_ascii_and_the_linux_console_draw_without_unicode_markers():
    a = app(env={"LANG": "C", "TERM": "linux"})
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert a.glyphs is ASCII and a.theme == "ansi-dark"
        assert a.lab.has_class("-ascii")
        c = a.lab.query_one(CSourcePanel).code
        row = c.marker - int(c.scroll_y)
        assert ">" in c.render_line(row).text


async def test_no_color_is_honoured():
    import os

    os.environ["NO_COLOR"] = "1"
    try:
        a = app()
    finally:
        os.environ.pop("NO_COLOR", None)
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert a.no_color


# -- scale -----------------------------------------------------------------------------------------
def machine_with_vmas(n: int):
    """The default world plus n one-page anonymous VMAs, with gaps so none merge."""
    from lab.kernel.default_world import default_machine
    from lab.kernel.include.linux.mm import VM_MAYREAD, VM_MAYWRITE, VM_READ, VM_WRITE
    from lab.kernel.mm_struct import VmAreaStruct

    m = default_machine()
    flags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE
    for i in range(n):
        start = 0x7F0000000000 + i * 0x2000
        m.task.mm.insert_vma(VmAreaStruct(start, start + 0x1000, flags, start >> 12))
        m.task.mm.map_count += 1
    return m


async def test_thousands_of_vmas_build_only_the_rows_on_screen():
    scenario = parse_scenario(POPULATE2, "<test>", scenario_constants())
    a = MmapLab(Session(scenario, machine=machine_with_vmas(3000)), env=ENV)
    async with a.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("c", "5", "end")
        await pilot.pause()
        vl = a.lab.query_one(VmaPanel).query_one(LineList)
        assert len(vl._source) > 3000
        assert len(vl._strips) < 200  # rendered: what is on screen, not every row
        assert "3,0" in (a.lab.query_one(VmaPanel).border_subtitle or "")


async def test_a_populated_gigabyte_shows_its_page_map_and_every_page_present():
    src = ("p = mmap(NULL, 1024 * 1024 * 1024, PROT_READ | PROT_WRITE, "
           "MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)")
    a = app(src)
    async with a.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        for _ in range(100):  # the first count of a gigabyte runs aside
            await pilot.pause(0.05)
            if not a.lab.model._counting:
                break
        a.lab.show_step()
        await pilot.pause()
        pt = "\n".join(lines_of(a.lab.query_one(PageTablePanel)))
        assert "262,144/262,144" in pt
        vmas = "\n".join(lines_of(a.lab.query_one(VmaPanel)))
        assert "1G" in vmas


@pytest.mark.parametrize("size", [(160, 45), (120, 40), (80, 24)])
async def test_every_step_of_the_default_scenario_renders_at_each_size(size):
    a = app()
    async with a.run_test(size=size) as pilot:
        await pilot.pause()
        s = a.lab.session
        for g in range(0, s.total_steps, 23):
            s.goto_step(g)
            a.lab.show_step()
            await pilot.pause()  # each drawn: a panel that raises fails the test


# -- narration and the model -----------------------------------------------------------------------
def test_narration_says_whether_an_if_was_taken_and_what_an_errno_means():
    from lab.tui.model import LabModel

    s = session()
    model = LabModel(s)
    s.goto_errno("EACCES")
    ret = model.view(s.position)
    assert any("EACCES" in w and "not opened in a mode" in w for w in ret.narration)
    cond = model.view(s.position_of(s.global_index - 1))
    assert cond.c_kind == "if" and "FMODE_WRITE" in cond.c_statement_text
    assert any("is true here: the branch is taken" in w for w in cond.narration)
    first = model.view(model.first_step_position())
    assert any("is false here: the branch is skipped" in w for w in first.narration)


def test_narration_gives_the_value_an_assignment_stores():
    from lab.tui.model import LabModel

    s = session()
    model = LabModel(s)
    for g in range(s.total_steps):
        v = model.view(s.position_of(g))
        if v.step is not None and v.c_statement_text.startswith("len = PAGE_ALIGN(len)"):
            assert "len stays 0x2000." in v.narration or "len becomes 0x2000." in v.narration
            return
    raise AssertionError("no `len = PAGE_ALIGN(len);` step")


def test_the_flags_panel_marks_bits_the_last_step_set():
    from lab.tui.model import LabModel

    s = session()
    model = LabModel(s)
    for g in range(1, s.total_steps):
        v = model.view(s.position_of(g))
        words = {w.name: w for w in v.flags}
        vm = words["vm_flags"]
        if vm.changed and any(b.change == "set" for b in vm.bits):
            names = [b.name for b in vm.bits if b.change == "set"]
            assert all(n.startswith("VM_") for n in names)
            return
    raise AssertionError("vm_flags never gained a bit")


async def test_nonsense_in_the_dialogs_is_answered_in_place_never_raised():
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        lab = a.lab
        for text in ("mm/mmap.c:abc", "", "9999999", "stmt 99", "EBOGUS", "p +", "::"):
            assert lab.goto(text) is not None or text == "", text
        assert lab.add_breakpoint("mm/mmap.c:x") is not None
        assert lab.add_breakpoint("do_mmap if len >") is not None
        assert lab.add_breakpoint("no_such_function") is not None
        assert lab.choose_address("p +") is not None
        assert lab.choose_address("nosuchvariable") is not None
        assert lab.add_breakpoint("do_mmap if flags & MAP_POPULATE") is None
        await pilot.press("c")  # a conditional breakpoint on a function
        assert lab.session.step.function == "do_mmap" or lab.state.at_end


# -- the command line ------------------------------------------------------------------------------
def test_every_subcommand_reaches_its_parser_and_anything_else_opens_the_lab(monkeypatch):
    import argparse

    from lab import cli

    parser = cli._parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(cli.SUBCOMMANDS) == set(sub.choices)
    opened = []
    monkeypatch.setattr(cli, "_cmd_lab", lambda argv: opened.append(argv) or 0)
    for argv in ([], ["lesson.scn"], ["-e", "p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | "
                                            "MAP_ANONYMOUS, -1, 0)"], ["--theme", "light"],
                 ["lesson", "3"], ["--demo"]):
        assert cli.main(argv) == 0
    assert len(opened) == 6 and opened[4] == ["lesson", "3"]


def test_a_bad_scenario_is_reported_before_the_terminal_is_taken(tmp_path, capsys):
    from lab import cli

    bad = tmp_path / "bad.scn"
    bad.write_text("p = mmap(NULL, 4096, PROT_REED, MAP_PRIVATE, -1, 0)\n")
    assert cli.main([str(bad)]) == 2
    assert "PROT_REED" in capsys.readouterr().err
    assert cli.main([str(tmp_path / "missing.scn")]) == 2


def test_a_recorded_session_is_cached_and_reused_only_while_the_sources_are_unchanged(
        tmp_path, monkeypatch):
    from lab.tui import cache
    from lab.tui.app import open_lab

    monkeypatch.setenv("MMAPLAB_CACHE_DIR", str(tmp_path))
    first = open_lab(POPULATE2, "<test>", use_cache=True, env=ENV)
    assert len(list(tmp_path.glob("session-*.pickle"))) == 1
    again = cache.load(POPULATE2, "<test>")
    assert again is not None and again.total_steps == first.session.total_steps
    assert cache.load(POPULATE2 + "\n", "<test>") is None  # another scenario
    monkeypatch.setattr(cache, "sources_fingerprint", lambda: "changed")
    assert cache.load(POPULATE2, "<test>") is None  # another lab
    monkeypatch.setenv("MMAPLAB_NO_CACHE", "1")
    assert cache.load(POPULATE2, "<test>") is None
