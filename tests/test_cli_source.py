# SPDX-License-Identifier: GPL-2.0-only
"""`mmaplab source` and `mmaplab --version` as a user runs them."""

import subprocess
import sys

from lab.cli import main


def test_version_names_the_app_and_the_kernel(capsys):
    try:
        main(["--version"])
    except SystemExit as e:
        assert e.code == 0
    out = capsys.readouterr().out
    assert out.startswith("mmaplab ") and "Linux 6.1.192" in out


def test_source_do_mmap_starts_at_its_real_line(capsys):
    assert main(["source", "do_mmap", "--plain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("mm/mmap.c:1269-1450  do_mmap")
    assert lines[1].startswith("1269  unsigned long do_mmap(struct file *file")
    assert lines[-1] == "1450  }"
    assert any(line.startswith("1282                  return -EINVAL;") for line in lines)


def test_source_of_the_syscall_macro_form(capsys):
    assert main(["source", "SYSCALL_DEFINE6(mmap)", "--plain"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("arch/x86/kernel/sys_x86_64.c:86-94  SYSCALL_DEFINE6(mmap)")


def test_source_in_colour_uses_ansi_escapes():
    out = subprocess.run([sys.executable, "-m", "lab", "source", "round_hint_to_min"],
                         capture_output=True, text=True, env={"FORCE_COLOR": "1", "TERM": "xterm"})
    assert out.returncode == 0
    assert "\x1b[" in out.stdout and "mm/mmap.c:1208" in out.stdout


def test_unknown_function_is_a_clear_error_with_close_matches(capsys):
    assert main(["source", "do_mmapp"]) == 2
    err = capsys.readouterr().err
    assert "no kernel function named 'do_mmapp'" in err
    assert "close matches: do_mmap" in err
