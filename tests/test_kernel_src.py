# SPDX-License-Identifier: GPL-2.0-only
"""kernel_src/ is verbatim Linux 6.1.192, as its manifest says."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lab import KERNEL_VERSION
from lab.resources import kernel_src_dir
from lab.source.manifest import load_manifest, sha256_text

REPO = Path(__file__).resolve().parent.parent


def test_manifest_names_the_pinned_kernel_and_debian_package():
    m = load_manifest()
    assert m.kernel == KERNEL_VERSION == "6.1.192"
    assert m.source["package"] == "linux-source-6.1"
    assert m.source["version"] == "6.1.192-2"


def test_every_kept_file_matches_its_manifest_checksums():
    m = load_manifest()
    root = kernel_src_dir()
    for path, kfile in m.files.items():
        text = (root / path).read_text(encoding="utf-8")
        assert sha256_text(text) == kfile.sha256, path
        lines = text.splitlines(keepends=True)
        pos = 0
        for ex in kfile.excerpts:
            chunk = "".join(lines[pos : pos + ex.count])
            assert sha256_text(chunk) == ex.sha256, f"{path}:{ex.first}-{ex.last}"
            pos += ex.count
        assert pos == len(lines), f"{path} has lines the manifest does not account for"


def test_every_kept_file_keeps_its_spdx_line_or_licence_header():
    root = kernel_src_dir()
    spdx_files = 0
    for path, kfile in load_manifest().files.items():
        head = (root / path).read_text(encoding="utf-8").split("\n", 2)[:2]
        assert kfile.excerpts[0].first == 1, path
        if kfile.spdx:
            assert f"SPDX-License-Identifier: {kfile.spdx}" in "\n".join(head), path
            spdx_files += 1
        elif kfile.excerpts[0].what != "whole file":
            # mm/shmem.c and a few others predate SPDX: their licence comment is kept
            assert head[0].startswith("/*"), path
            assert kfile.excerpts[0].what == "licence header", path
    assert spdx_files >= 30


def test_excerpts_are_in_order_and_within_the_upstream_file():
    for path, kfile in load_manifest().files.items():
        last = 0
        for ex in kfile.excerpts:
            assert last < ex.first <= ex.last <= kfile.upstream_lines, path
            last = ex.last


def test_real_line_numbers_map_through_excerpts():
    kfile = load_manifest().files["mm/shmem.c"]
    # the line after the first excerpt is the first line of the second excerpt
    second = kfile.excerpts[1]
    after_first = kfile.excerpts[0].count + 1
    assert kfile.real_line(after_first) == second.first
    assert kfile.local_line(second.first) == after_first
    assert kfile.local_line(second.first - 1) is None


@pytest.mark.skipif(not os.environ.get("MMAPLAB_KERNEL_TARBALL"),
                    reason="set MMAPLAB_KERNEL_TARBALL to linux-source-6.1.tar.xz (see README)")
def test_sync_tool_check_mode_finds_no_drift_against_the_debian_tarball():
    out = subprocess.run(
        [sys.executable, str(REPO / "tools" / "sync_kernel_src.py"), "--check",
         "--tarball", os.environ["MMAPLAB_KERNEL_TARBALL"]],
        capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "matches Linux 6.1.192" in out.stdout


@pytest.mark.skipif(not os.environ.get("MMAPLAB_KERNEL_TARBALL"),
                    reason="set MMAPLAB_KERNEL_TARBALL to linux-source-6.1.tar.xz (see README)")
def test_sync_tool_check_mode_fails_on_a_changed_line(tmp_path):
    dest = tmp_path / "kernel_src"
    subprocess.run(["cp", "-r", str(kernel_src_dir()), str(dest)], check=True)
    f = dest / "mm" / "mmap.c"
    text = f.read_text()
    f.write_text(text.replace("if (!len)\n\t\treturn -EINVAL;", "if (!len)\n\t\treturn 0;", 1))
    out = subprocess.run(
        [sys.executable, str(REPO / "tools" / "sync_kernel_src.py"), "--check", "--dest", str(dest),
         "--tarball", os.environ["MMAPLAB_KERNEL_TARBALL"]],
        capture_output=True, text=True)
    assert out.returncode == 1
    assert "mm/mmap.c" in out.stdout
