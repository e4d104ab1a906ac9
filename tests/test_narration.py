# SPDX-License-Identifier: GPL-2.0-only
"""The narration panel's hand-written sentences: each one is reachable, and the fault path,
copy-on-write and munmap are told in words, not only as derived text."""

from __future__ import annotations

import re

import pytest

from lab.runner import scenario_constants
from lab.scenario import parse_scenario
from lab.source.cindex import default_index
from lab.stepping.session import Position, Session
from lab.tui.model import LabModel
from lab.tui.narration import SENTENCES, errno_sentence
from lab.tui.narration_zh import ERRNO_MEANINGS_ZH, NOT_MODELLED_ZH, SENTENCES_ZH


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


# -- the same words in Simplified Chinese --------------------------------------------------------
_ZH_SCENARIOS = {
    "anonymous": "p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,"
                 " -1, 0)\np[0] = 1\nx = p[4096]",
    "eacces": 'fd = open("data.bin", O_RDONLY, size=8192)\n'
              "p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)",
    "populate": "q = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, "
                "MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)\nmunmap(q + 4096, 4096)",
    "cow": 'fd = open("data.bin", O_RDWR, size=8192)\n'
           "p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)\nx = p[0]\np[0] = 1",
    "sigbus": 'fd = open("data.bin", O_RDWR, size=100)\nsetrlimit(RLIMIT_MEMLOCK, 0)\n'
              "q = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0)\n"
              "p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0)\nx = p[4096]",
}
#: Three English words in a row, once code is taken out: a sentence left untranslated.
_ENGLISH = re.compile(r"\b[A-Za-z]+(?: [a-z]+){2,}\b")
_NOTE_WORDS = re.compile(r"\b(added|expanded|split|removed|changed|cleared|PTEs|pages|folded|"
                         r"faulted|rounds|written)\b")


def _views(text: str, lang: str):
    session = Session(parse_scenario(text, "narration-test", scenario_constants()))
    model = LabModel(session)
    model.lang = lang
    last = len(session.records) - 1
    for i, rec in enumerate(session.records):
        count = len(rec.trace.steps)
        for j in range(max(count, 1) + (1 if i == last and count else 0)):
            yield model.view(Position(i, j), at_end=i == last and j == count and count > 0)


def _prose(view, paragraph: str) -> str:
    """A paragraph without the code the narration quotes as it is."""
    for code in (view.c_statement_text, *(st.text.strip() for st in view.model.statements)):
        if code:
            paragraph = paragraph.replace(code[2:].strip() if code.startswith("if") else code, "")
            paragraph = paragraph.replace(code, "")
    return re.sub(r"`[^`]*`|/dev/zero \(deleted\)", "", paragraph)


def test_every_sentence_has_a_chinese_twin_under_the_same_key():
    assert sorted(set(SENTENCES) - set(SENTENCES_ZH)) == []
    assert sorted(set(SENTENCES_ZH) - set(SENTENCES)) == []  # no orphaned Chinese
    empty = [k for k, v in SENTENCES_ZH.items() if not v.strip()]
    assert empty == []
    untranslated = [k for k, v in SENTENCES_ZH.items() if v == SENTENCES[k]
                    or not re.search(r"[\u4e00-\u9fff]", v)]
    assert untranslated == []


def test_every_errno_meaning_and_not_modelled_reason_is_in_chinese():
    from lab.kernel.include.uapi.errno import MMAP_ERRNO_MEANINGS
    from lab.kernel.links import default_links

    assert sorted(set(MMAP_ERRNO_MEANINGS) - set(ERRNO_MEANINGS_ZH)) == []
    for name in MMAP_ERRNO_MEANINGS:
        gist = errno_sentence(name, "zh")
        assert gist.endswith("。") and len(gist) < len(ERRNO_MEANINGS_ZH[name]) + 1, name
    reasons = {link.not_modelled for link in default_links().by_py.values()
               if link.not_modelled}
    assert sorted(reasons - set(NOT_MODELLED_ZH)) == []


def test_the_english_gist_of_an_errno_does_not_stop_at_e_g():
    assert errno_sentence("EOPNOTSUPP").endswith("on a file that is not on a DAX filesystem.")


@pytest.mark.parametrize("name", sorted(_ZH_SCENARIOS))
def test_the_chinese_narration_of_every_step_leaves_no_english_sentence(name):
    seen = 0
    for view in _views(_ZH_SCENARIOS[name], "zh"):
        for paragraph in view.narration:
            seen += 1
            left = _prose(view, paragraph)
            assert not _ENGLISH.search(left), (view.step and view.step.c_location, paragraph)
        for note in view.changes_text:
            assert not _NOTE_WORDS.search(note), note
        if view.error is not None:
            assert re.search(r"[\u4e00-\u9fff]", view.error.meaning)
    assert seen > 0


def test_chinese_narration_tells_the_fault_the_copy_and_the_error():
    said = " ".join(w for name in ("cow", "eacces", "populate")
                    for v in _views(_ZH_SCENARIOS[name], "zh") for w in v.narration)
    assert "写时复制" in said and "页缓存" in said
    assert "返回 -EACCES：文件的打开模式不允许建立这种映射。" in said
    assert "第 2 行：p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)  → -EACCES" \
        in said
    assert "中的循环又有" in said  # the populate loop's fold, in words


def test_a_view_never_serves_the_words_of_the_other_language():
    session = Session(parse_scenario(_ZH_SCENARIOS["eacces"], "narration-test",
                                     scenario_constants()))
    model = LabModel(session)
    session.goto_errno("EACCES")
    pos = session.position
    english = model.view(pos)
    assert english.lang == "en" and "not opened in a mode" in " ".join(english.narration)
    model.lang = "zh"
    chinese = model.view(pos)
    assert chinese.lang == "zh" and "文件的打开模式" in " ".join(chinese.narration)
    assert chinese.error.meaning.startswith("文件的打开模式") and \
        english.error.meaning.startswith("The file was not opened")
    model.lang = "en"
    assert model.view(pos).narration == english.narration
