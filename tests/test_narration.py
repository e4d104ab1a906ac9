# SPDX-License-Identifier: GPL-2.0-only
"""The narration panel's hand-written sentences: each one is reachable, and the fault path,
copy-on-write and munmap are told in words, not only as derived text."""

from __future__ import annotations

from lab.runner import scenario_constants
from lab.scenario import parse_scenario
from lab.source.cindex import default_index
from lab.stepping.session import Position, Session
from lab.tui.model import LabModel
from lab.tui.narration import SENTENCES


def _words_along(text: str) -> list[tuple[str, str, list[str]]]:
    """(function, C statement, narration) for every step of `text`."""
    session = Session(parse_scenario(text, "narration-test", scenario_constants()))
    model = LabModel(session)
    out = []
    for i, rec in enumerate(session.records):
        for j, step in enumerate(rec.trace.steps):
            view = model.view(Position(i, j))
            out.append((step.function, view.c_statement_text, view.narration))
    return out


def test_every_sentence_is_keyed_to_a_statement_of_the_kernel_source():
    index = default_index()
    dead = []
    for function, start in SENTENCES:
        bare = function.split("(")[-1].rstrip(")")  # SYSCALL_DEFINE6(mmap) is sys_mmap
        found = index.functions(function) or index.functions("sys_" + bare)
        if not found:
            dead.append(f"{function}: no such function in kernel_src")
            continue
        texts = [st.text for fn in found for st in fn.statements]
        if not any(t.startswith(start) for t in texts):
            dead.append(f"{function}: no statement starts with {start!r}")
    assert dead == []


def test_a_write_fault_on_untouched_anonymous_memory_is_narrated_from_the_cpu_down():
    steps = _words_along("p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, "
                         "MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\np[0] = 1")
    said = " ".join(w for _, _, words in steps for w in words)
    assert "Takes the mmap lock for reading and finds the VMA" in said
    assert "A write: the handler must give a writable page" in said
    assert "a fresh page frame is allocated and zeroed" in said


def test_reading_past_the_end_of_a_file_says_why_it_is_sigbus():
    steps = _words_along('fd = open("data.bin", O_RDWR, size=100)\n'
                         "p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0)\nx = p[4096]")
    said = [w for fn, _, words in steps if fn == "filemap_fault" for w in words]
    assert any("past the end of the file" in w for w in said)


def test_copy_on_write_of_a_private_file_page_is_explained():
    steps = _words_along('fd = open("data.bin", O_RDWR, size=8192)\n'
                         "p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)\n"
                         "x = p[0]\np[0] = 1")
    said = " ".join(w for _, _, words in steps for w in words)
    assert "Maps not just this page but up to 16 neighbours" in said
    assert "Copy-on-write" in said


def test_munmap_of_the_middle_of_a_mapping_tells_of_the_split():
    steps = _words_along("p = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)"
                         "\nmunmap(p + 4096, 4096)")
    said = [w for fn, _, words in steps if fn == "do_mas_align_munmap" for w in words]
    assert any("starts inside a VMA: split it" in w for w in said)
    assert any("ends inside a VMA: split it" in w for w in said)


def test_the_end_of_the_scenario_sums_up_what_each_statement_gave_back():
    text = ('fd = open("data.bin", O_RDONLY, size=8192)\n'
            "p = mmap(NULL, 4096, PROT_WRITE, MAP_SHARED, fd, 0)\n"
            "q = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\nq[0] = 1")
    session = Session(parse_scenario(text, "narration-test", scenario_constants()))
    model = LabModel(session)
    last = len(session.records) - 1
    words = model.view(Position(last, len(session.records[last].trace.steps)),
                       at_end=True).narration
    assert "  line 2: p = mmap(NULL, 4096, PROT_WRITE, MAP_SHARED, fd, 0)  → -EACCES" in words
    assert any(w.startswith("  line 3: q = mmap(") and "→ 0x7ff" in w for w in words)
    assert any(w.startswith("  line 4: q[0] = 1  → SIGSEGV (SEGV_ACCERR) at 0x7ff") for w in words)
