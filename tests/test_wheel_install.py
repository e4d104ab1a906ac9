# SPDX-License-Identifier: GPL-2.0-only
"""A wheel built from the repo works from any directory once installed in a fresh venv."""

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    if not (REPO / "pyproject.toml").exists():
        pytest.skip("needs the source tree")
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp), str(REPO)],
                   check=True, capture_output=True)
    wheel = next(tmp.glob("mmaplab-*.whl"))
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    # A real install: the wheel and its declared dependencies, nothing from the checkout.
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], check=True,
                   capture_output=True)
    outside = tmp / "elsewhere"
    outside.mkdir()
    return env_dir / "bin" / "mmaplab", outside


def _run(installed, *args):
    exe, cwd = installed
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, env=env)


def test_installed_wheel_reports_its_version(installed):
    out = _run(installed, "--version")
    assert out.returncode == 0, out.stderr
    assert "Linux 6.1.192" in out.stdout


def test_installed_wheel_carries_kernel_src_and_shows_do_mmap(installed):
    out = _run(installed, "source", "do_mmap", "--plain")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("mm/mmap.c:1269-1450  do_mmap")
    exe, _ = installed
    site = subprocess.run([str(exe.parent / "python"), "-c",
                           "import lab.resources as r; print(r.kernel_src_dir())"],
                          capture_output=True, text=True, cwd=installed[1]).stdout
    assert "site-packages" in site and "_data" in site
