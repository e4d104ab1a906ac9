# SPDX-License-Identifier: GPL-2.0-only
"""compare() finds what differs, in the scenario's own terms, and knows what is expected.

These need no kernel: the documents are made by hand, shaped as the runner makes them.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from lab.realkernel import KNOWN, compare, side_by_side_text
from lab.realkernel.known import MODEL_BUGS, applicable
from lab.realkernel.rules import thp_aligns, thp_aligns_signed

GiB = 1 << 30
SIM_TOP, REAL_TOP = 0x7FFFF7DE3000, 0x7FFFB7DE3000
ANON = "rd wr mr mw me ac".split()
FACTS = {"version": [6, 1, 0], "machine": [], "ram": 8 * GiB, "sim_ram": 8 * GiB}


def row(start, end, perms="rw-p", path="", rss=0, present=0, vmflags=ANON, **extra):
    return {"start": start, "end": end, "perms": perms, "offset": 0, "path": path,
            "rss": rss, "locked": 0, "present": present, "hugetlb": 0,
            "vmflags": list(vmflags), **extra}


def docs(statements: list[str], sim_rows: list[list[dict]], real_rows: list[list[dict]],
         rets: tuple[list, list]) -> tuple[dict, dict]:
    """A model document and a kernel one, the top of the free area 1 GiB apart."""
    def doc(top, rows_per_event, ret_list, runner):
        lib = row(top, top + 0x1000, "r--p", "/lib", vmflags=["rd"],
                  **({"owner": "runner"} if runner else {}))
        events = [{"line": i + 1, "stmt": s, "ret": r, "errno": None, "signal": None,
                   "maps": [*rows, lib]}
                  for i, (s, rows, r) in enumerate(zip(statements, rows_per_event, ret_list))]
        return {"kernel": "x", "host_kernel": "6.1.0", "initial_maps": [lib],
                "events": events, "skipped": None, "error": None,
                "runner": {"facts": FACTS}}
    return doc(SIM_TOP, sim_rows, rets[0], False), doc(REAL_TOP, real_rows, rets[1], True)


M1 = "p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)"


def one_mapping(sim_extra=None, real_extra=None):
    s, r = SIM_TOP - 8192, REAL_TOP - 8192
    return docs([M1], [[row(s, SIM_TOP, **(sim_extra or {}))]],
                [[row(r, REAL_TOP, **(real_extra or {}))]], ([s], [r]))


def test_same_run_in_two_frames_has_no_difference():
    assert compare(*one_mapping()) == []


@pytest.mark.parametrize("field, value", [("rss", 4096), ("present", 1), ("perms", "r--p")])
def test_a_changed_row_field_is_a_difference(field, value):
    [d] = compare(*one_mapping(real_extra={field: value}))
    assert (d.kind, d.real, d.expected) == (field, value, None)
    assert "line 1's mapping" in d.text


def test_errno_differences_come_first_and_name_both_sides():
    sim, real = one_mapping()
    real["events"][0].update(ret=-12, errno="ENOMEM", maps=real["events"][0]["maps"][1:])
    diffs = compare(sim, real)
    assert diffs[0].kind == "errno" and "ENOMEM" in diffs[0].text


def test_placement_is_compared_relative_to_the_row_above():
    sim, real = one_mapping()
    r = REAL_TOP - 8192 - 0x1000  # placed one page lower: a gap below the top
    real["events"][0]["ret"] = r
    real["events"][0]["maps"][0].update(start=r, end=r + 8192)
    kinds = {d.kind for d in compare(sim, real)}
    assert "placement" in kinds


def test_a_difference_that_persists_is_reported_once():
    s, r = SIM_TOP - 8192, REAL_TOP - 8192
    stmts = [M1, "personality(0xffffffff)"]
    sim, real = docs(stmts, [[row(s, SIM_TOP)]] * 2, [[row(r, REAL_TOP, rss=4096)]] * 2,
                     ([s, 0], [r, 0]))
    assert [d.line for d in compare(sim, real)] == [1]


def test_a_skipped_real_run_has_nothing_to_compare():
    sim, real = one_mapping()
    real["skipped"] = "no hugetlbfs here"
    assert compare(sim, real) == []
    assert "no hugetlbfs here" in side_by_side_text(sim, real, [])


def test_soft_dirty_is_expected_only_where_the_host_lacks_it():
    sim, real = one_mapping(sim_extra={"vmflags": ANON + ["sd"]})
    [d] = compare(sim, real)
    assert d.expected is None
    real["runner"]["facts"] = {**FACTS, "machine": ["no-soft-dirty"]}
    [d] = compare(sim, real)
    assert d.expected == "no-soft-dirty"


def test_version_differences_apply_only_from_their_version():
    assert applicable({**FACTS, "version": [6, 1, 192]}) == []
    ids = {k.id for k in applicable({**FACTS, "version": [6, 18, 0]})}
    assert {"thp-anon-alignment", "map-droppable", "map-fixed-failure-keeps-old"} <= ids
    assert {k.id for k in applicable({**FACTS, "version": [6, 7, 0]})} == \
        {"thp-anon-alignment", "map-stack-nohugepage", "map-above4g", "dev-zero-private-thp",
         "file-readahead-folios", "mprotect-unaccounts-unfaulted"}
    assert "thp-topdown-preference" in {k.id for k in applicable({**FACTS, "version": [6, 8, 0]})}


def test_thp_alignment_is_expected_on_a_newer_kernel():
    stmt = "p = mmap(NULL, 4 * 1024 * 1024, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)"
    s, r = SIM_TOP - (4 << 20), 0x7FFFB7800000
    sim, real = docs([stmt], [[row(s, SIM_TOP)]], [[row(r, r + (4 << 20))]], ([s], [r]))
    real["host_kernel"] = "6.18.0"
    real["runner"]["facts"] = {**FACTS, "version": [6, 18, 0]}
    [d] = compare(sim, real)
    assert (d.kind, d.expected) == ("placement", "thp-anon-alignment")
    real["host_kernel"] = "6.1.0"
    [d] = compare(sim, real)
    assert d.expected is None


def test_thp_check_follows_c_integer_conversions():
    assert thp_aligns(0, 4 << 20) and not thp_aligns(0, 4096)
    # within 2 MiB below 2**63, round_up wraps; C compares unsigned and goes on
    assert thp_aligns(0x7FFFFFFFFFFFE000, 4096)
    assert not thp_aligns_signed(0x7FFFFFFFFFFFE000, 4096)


def test_side_by_side_shows_both_and_explains_known_differences():
    sim, real = one_mapping(sim_extra={"vmflags": ANON + ["sd"]})
    real["runner"]["facts"] = {**FACTS, "machine": ["no-soft-dirty"]}
    text = side_by_side_text(sim, real, compare(sim, real))
    assert "model" in text and "kernel" in text and "L1+0x0..L1+0x2000" in text
    assert "CONFIG_MEM_SOFT_DIRTY" in text and "0 unexplained" in text


def test_fidelity_doc_lists_every_known_difference_and_model_bug():
    doc = (Path(__file__).parent.parent / "docs" / "fidelity.md").read_text()
    listed = set(re.findall(r"^### `([a-z0-9-]+)`", doc, re.M))
    assert {k.id for k in KNOWN + MODEL_BUGS} == listed


def test_world_fallback_matches_the_default_world():
    pytest.importorskip("lab.kernel.default_world")
    from lab.realkernel.world import fallback_world, sim_world

    assert sim_world() == fallback_world()


def test_compare_does_not_change_its_documents():
    sim, real = one_mapping(real_extra={"rss": 4096})
    before = copy.deepcopy((sim, real))
    compare(sim, real)
    assert (sim, real) == before
