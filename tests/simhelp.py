# SPDX-License-Identifier: GPL-2.0-only
"""Run scenarios the way `mmaplab run -e ... --json` does, for the tests."""

from __future__ import annotations

from lab.kernel.machine import Machine
from lab.runner import scenario_constants, simulate
from lab.scenario import parse_scenario, split_statements

MiB = 1 << 20
PAGE = 4096


def run(statements: str) -> dict:
    """The JSON document of design section 5, with the final machine as `machine`."""
    scenario = parse_scenario(split_statements(statements), "-e", scenario_constants())
    report = simulate(scenario)
    doc = report.to_json()
    doc["machine"] = report.machine
    check_invariants(report.machine)
    return doc


def last(doc: dict) -> dict:
    return doc["events"][-1]


def errno_of(statements: str) -> str | None:
    return last(run(statements))["errno"]


def row_at(event: dict, addr: int) -> dict:
    """The maps row containing addr."""
    for row in event["maps"]:
        if row["start"] <= addr < row["end"]:
            return row
    raise AssertionError(f"no VMA at {addr:#x}")


def new_rows(doc: dict, index: int = -1) -> list[dict]:
    """Rows present after event `index` that were not there before it."""
    events = doc["events"]
    before = doc["initial_maps"] if index in (0, -len(events)) else events[index - 1]["maps"]
    seen = {(r["start"], r["end"], r["perms"]) for r in before}
    return [r for r in events[index]["maps"] if (r["start"], r["end"], r["perms"]) not in seen]


def check_invariants(machine: Machine) -> None:
    """What must hold after every call: the model's own consistency."""
    mm = machine.task.mm
    vmas = mm.vmas
    assert mm.map_count == len(vmas)
    for a, b in zip(vmas, vmas[1:]):
        assert a.vm_end <= b.vm_start, (a, b)
    total = 0
    for v in vmas:
        assert v.vm_start < v.vm_end
        assert v.vm_start % PAGE == 0 and v.vm_end % PAGE == 0
        total += v.pages
    assert mm.total_vm == total
    for addr, _, size in mm.pgd.leaves(0, 1 << 48):
        vma = mm.vma_lookup(addr)
        assert vma is not None and vma.vm_end >= addr + size, f"PTE at {addr:#x} outside VMAs"
