# SPDX-License-Identifier: GPL-2.0-only
"""The model agrees with this machine's real kernel on the curated scenarios.

Each scenario of tests/differential/curated.txt runs on the model and, in a fresh process,
on the real kernel; every difference must be one that lab.realkernel.known explains for this
kernel version or this machine. A "#! known: ID" mark says that difference must show up here
(when the host has it); "#! xfail: simulator bug: ..." marks a case the model gets wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.realkernel import available

OK, WHY_NOT = available()
pytestmark = pytest.mark.skipif(not OK, reason=WHY_NOT)

CURATED = Path(__file__).parent / "differential" / "curated.txt"


def load_curated(path: Path = CURATED) -> list[tuple[str, str, dict]]:
    """(name, text, marks) of each scenario; marks: {"known": [...], "xfail": reason}."""
    out: list[tuple[str, str, dict]] = []
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            out.append((line[3:].strip(), "", {"known": [], "xfail": None}))
        elif out:
            name, text, marks = out[-1]
            if line.startswith("#! known:"):
                marks["known"].append(line.split(":", 1)[1].strip())
            elif line.startswith("#! xfail:"):
                marks["xfail"] = line.split(":", 1)[1].strip()
            out[-1] = (name, text + line + "\n", marks)
    return out


CASES = load_curated()


def _params():
    for name, text, marks in CASES:
        extra = [pytest.mark.xfail(strict=True, reason=marks["xfail"])] if marks["xfail"] \
            else []
        yield pytest.param(name, text, marks, id=name, marks=extra)


@pytest.fixture(scope="module")
def real_docs() -> dict[str, dict]:
    """Every curated scenario run once on the real kernel, in parallel processes."""
    from lab.realkernel import run_many

    docs = run_many([text for _, text, _ in CASES])
    return {name: doc for (name, _, _), doc in zip(CASES, docs)}


def test_curated_set_is_large_and_names_are_unique():
    names = [name for name, _, _ in CASES]
    assert len(names) >= 150
    assert len(set(names)) == len(names)


def test_curated_marks_name_known_differences():
    from lab.realkernel.known import KNOWN

    ids = {k.id for k in KNOWN}
    for name, _, marks in CASES:
        assert set(marks["known"]) <= ids, name
        assert marks["xfail"] is None or marks["xfail"].startswith("simulator bug: "), name


@pytest.mark.parametrize("name, text, marks", _params())
def test_differential_curated(name, text, marks, real_docs):
    from lab.realkernel.known import applicable
    from lab.realkernel.referee import judge

    verdict = judge(text, real_docs[name])
    if verdict.status == "skipped":
        pytest.skip(verdict.reason)
    assert verdict.status != "error", verdict.reason
    assert not verdict.unexpected, "\n".join(str(d) for d in verdict.unexpected)
    seen = {d.expected for d in verdict.differences}
    here = {k.id for k in applicable(verdict.real_doc["runner"].get("facts"))}
    for known in marks["known"]:
        if known in here:
            assert known in seen, f"the known difference {known} did not show up"
