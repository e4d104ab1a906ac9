# SPDX-License-Identifier: GPL-2.0-only
"""Fuzzing the command line: `run`, `source`, `world`, `lessons check` and `quiz`.

`main(argv)` is called in-process with stdout and stderr captured: that is what the
`mmaplab` entry point runs (lab/__main__.py only adds sys.exit), and it lets the long run
reach 10,000 inputs a test, where a process per input would take hours. Whatever the
arguments and files, it returns 0, 1 or 2 (argparse's usage errors exit with 2) and never
lets an exception out; a scenario error exits 2 with NAME:LINE:COLUMN: first; --json output
is one JSON object; nothing carries a raw control character (a file name's ESC is shown as
\\x1b). A smaller sample (a hundredth of the count) runs the real `python -m lab` in a
process and checks the bytes on its stderr and its exit status.
MMAPLAB_FUZZ_EXAMPLES sets how many inputs each test draws (benchmarks/fuzz_long.py).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_lessons import mutated_lessons
from test_fuzz_scenario import NASTY, scenarios

from lab.cli import main
from lab.scenario.errors import escape

EXAMPLES = int(os.environ.get("MMAPLAB_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 1000,
                database=None, suppress_health_check=list(HealthCheck))
FILE_NAMES = ["s.txt", "\x1b[2Jevil.txt", "a\x07b", "tab\there", "new\nline", "中.txt",
              "-e", "--json", "\u202eexe.txt", "sp ace", "bad\udcffname", "\x9b31m.txt"]


def call(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    """main(argv) with captured output: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exit_:  # argparse's usage errors
                code = exit_.code if isinstance(exit_.code, int) else 2
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def check_output(code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2), (code, err)
    for text in (out, err):
        assert "Traceback" not in text, text
        bad = [ch for ch in text if not ch.isprintable() and ch not in "\n"]
        assert not bad, (bad[:5], text[-2000:])


def check_run(code: int, out: str, err: str, name: str, flags: list[str]) -> None:
    """`mmaplab run`: 0 with its report, or 2 with the located error first."""
    check_output(code, out, err)
    assert code in (0, 2), (code, err)
    if code == 2:
        where = escape(name)
        assert err.startswith(where + ":"), (where, err)
        assert re.match(r"\d+:\d+: \S", err[len(where) + 1:]), err
        assert out == ""
    elif "--json" in flags:
        doc = json.loads(out)
        assert doc["kernel"] == "6.1.192" and isinstance(doc["events"], list)


#: One directory for every example: a lesson's recording is cached by its path and scenario.
SCRATCH = tempfile.TemporaryDirectory(prefix="mmaplab-fuzz-")


def with_file(name: str, data: bytes, argv_of) -> tuple[int, str, str]:
    path = Path(SCRATCH.name) / name.replace("/", "_")
    path.write_bytes(data)
    try:
        return call(argv_of(str(path)))
    finally:
        path.unlink()


@FUZZ
@given(scenarios(), st.sampled_from([[], ["--json"]]))
def test_run_e_with_any_statements_reports_or_fails_located(text, flags):
    check_run(*call(["run", *flags, "-e", text]), "-e", flags)


@FUZZ
@given(scenarios(), st.sampled_from(FILE_NAMES),
       st.sampled_from([[], ["--json"], ["--steps"], ["--json", "--trace"]]))
def test_run_of_a_file_with_any_name_and_text_escapes_what_it_prints(text, name, flags):
    if "--steps" in flags or "--trace" in flags:
        text = "\n".join(text.split("\n")[:3])  # recording is the slow part: keep it short
    path = str(Path(SCRATCH.name) / name.replace("/", "_"))
    check_run(*with_file(name, text.encode("utf-8", "surrogateescape"),
                         lambda p: ["run", *flags, p]), path, flags)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from(FILE_NAMES))
def test_run_of_a_file_of_any_bytes_fails_located(data, name):
    path = str(Path(SCRATCH.name) / name.replace("/", "_"))
    check_run(*with_file(name, data, lambda p: ["run", p]), path, [])


@settings(FUZZ, max_examples=max(3, EXAMPLES // 100))
@given(scenarios() | st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
       st.sampled_from(FILE_NAMES), st.sampled_from([[], ["--json"]]))
def test_run_as_a_process_exits_0_or_2_and_writes_no_escape_to_stderr(text, name, flags):
    """The sample in real processes: the bytes a terminal would get, and the exit status."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name.replace("/", "_")
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        done = subprocess.run([sys.executable, "-m", "lab", "run", *flags, os.fsencode(path)],
                              capture_output=True, timeout=300,
                              env={**os.environ, "MMAPLAB_REAL_NO_SYSCTL": "1"})
    assert done.returncode in (0, 2), done.stderr[-2000:]
    assert b"Traceback" not in done.stderr
    assert not any(b < 0x20 and b != 0x0A or b == 0x7F for b in done.stderr), done.stderr
    assert b"\x1b" not in done.stdout and b"\x9b" not in done.stderr
    if done.returncode == 2:
        where = escape(str(path)).encode("utf-8", "surrogateescape")
        assert re.match(re.escape(where) + rb":\d+:\d+: ", done.stderr), done.stderr
    elif flags:
        assert json.loads(done.stdout)["kernel"] == "6.1.192"


@FUZZ
@given(st.sampled_from(["do_mmap", "SYSCALL_DEFINE6(mmap)", "mmap_region", ""]) |
       st.text(max_size=30) | st.sampled_from(NASTY))
def test_source_of_any_name_prints_it_or_says_it_is_unknown(name):
    check_output(*call(["source", "--plain", name]))


@FUZZ
@given(mutated_lessons(), st.sampled_from(FILE_NAMES[:4]), st.sampled_from([[], ["--lang", "zh"]]))
def test_lessons_check_of_any_lesson_file_reports_located(text, name, flags):
    code, out, err = with_file(name + ".md", text.encode("utf-8", "surrogatepass"),
                               lambda p: ["lessons", "check", *flags, p])
    check_output(code, out, err)


@FUZZ
@given(st.integers() | st.sampled_from([0, -1, (1 << 64) - 1, -(1 << 63)]),
       st.integers(-3, 4), st.booleans())
def test_quiz_with_any_seed_prints_problems_or_refuses_the_count(seed, count, answers):
    check_output(*call(["quiz", "--seed", str(seed), "--count", str(count),
                        *(["-c"] if answers else [])]))


@FUZZ
@given(st.lists(st.sampled_from(["run", "source", "world", "lessons", "check", "quiz", "-e",
                                 "--json", "--steps", "--fold-after", "-1", "99999999999999",
                                 "--seed", "--count", "--lang", "fr", "--plain", "x"]) |
                st.text(max_size=6), min_size=1, max_size=5))
def test_any_argument_list_gives_a_status_not_a_traceback(argv):
    if argv[0] not in ("run", "source", "world", "lessons", "quiz"):
        argv = ["world", *argv]  # the rest would open the TUI
    if "--count" in argv or "quiz" in argv:
        argv = [a for a in argv if a not in ("99999999999999",)]  # a quiz that long is slow
    check_output(*call(argv))


def test_world_prints_only_printable_text():
    code, out, err = call(["world"])
    assert code == 0 and "/proc/PID/maps" in out
    check_output(code, out, err)


def test_run_of_a_missing_file_with_an_escape_in_its_name_is_escaped():
    code, out, err = call(["run", "/nonexistent/\x1b[2Jx.txt"])
    assert code == 2
    assert "\\x1b[2Jx.txt" in err and "\x1b" not in err


def test_run_shows_an_escape_in_a_mapped_file_name_escaped_in_maps_and_steps():
    text = ('fd = open("\\x1b[31mred", O_RDWR, size=8192)\n'
            "p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0)\nx = p[0]\n")
    for flags in ([], ["--steps"], ["--json"]):
        code, out, err = with_file("s.txt", text.encode(), lambda p, f=flags: ["run", *f, p])
        assert code == 0, err
        assert "\x1b" not in out
        assert "\\x1b[31mred" in out or "\\u001b[31mred" in out


def test_run_as_a_subprocess_escapes_a_file_name_on_the_real_terminal_stream():
    """The installed entry point, not only main(): stderr bytes carry no ESC."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bad\x1b[2J.txt"
        path.write_bytes(b"p = mmap(\n")
        done = subprocess.run([sys.executable, "-m", "lab", "run", str(path)],
                              capture_output=True, timeout=120)
    assert done.returncode == 2
    assert b"\x1b" not in done.stderr and b"Traceback" not in done.stderr
    assert b"bad\\x1b[2J.txt:1:" in done.stderr


def test_the_lab_and_teach_name_the_line_and_column_of_a_byte_that_is_not_utf8(capsys):
    """They said only "is not UTF-8 text" (the lab) or the codec's message (teach, follow)."""
    import argparse

    from lab.cli import _classroom_scenario

    data = b"p = mmap(NULL, 4096, 3, 0x22, -1, 0)\nx = p[\xff]\n"
    code, out, err = with_file("\x1b[2Jbad.txt", data, lambda p: [p])
    assert code == 2 and out == ""
    assert err.startswith(escape(str(Path(SCRATCH.name) / "\x1b[2Jbad.txt")) + ":2:7: ")
    check_output(code, out, err)
    path = Path(SCRATCH.name) / "teach.txt"
    path.write_bytes(data)
    try:
        assert _classroom_scenario(argparse.Namespace(statements=None, scenario=str(path))) \
            is None
    finally:
        path.unlink()
    assert capsys.readouterr().err.startswith(f"{path}:2:7: invalid UTF-8 byte 0xff")
