# SPDX-License-Identifier: GPL-2.0-only
import pytest

from lab.source.cindex import default_index


@pytest.fixture(scope="session")
def cindex():
    return default_index()


@pytest.fixture(autouse=True)
def _private_progress(tmp_path, monkeypatch):
    """Lesson progress goes to a file of each test's own, never the user's (child processes
    inherit it)."""
    monkeypatch.setenv("MMAPLAB_PROGRESS_FILE", str(tmp_path / "progress.json"))


@pytest.fixture(autouse=True)
def _private_crash_reports(tmp_path, monkeypatch):
    """A crash in a test writes its report beside the test, not in the user's log dir."""
    monkeypatch.setenv("MMAPLAB_CRASH_DIR", str(tmp_path / "crash"))
