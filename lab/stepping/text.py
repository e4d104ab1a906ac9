# SPDX-License-Identifier: GPL-2.0-only
"""The lockstep trace as text (`mmaplab run --steps`) and as JSON steps (`--json --trace`)."""

from __future__ import annotations

from lab.kernel.pagetable import pte_present
from lab.source.cindex import CIndex, default_index
from lab.stepping.capture import format_value
from lab.stepping.ptewrites import PteWrites
from lab.stepping.record import Step, Trace
from lab.stepping.state import StepChanges

INDENT = "  "


def step_json(step: Step) -> dict:
    """One step as design section 5 gives it: {"c", "fn", "py", "depth"} (plus what it did)."""
    out = {"c": step.c_location, "fn": step.function, "py": f"{step.py_path}:{step.py_line}",
           "depth": step.depth}
    if step.kind != "line":
        out["kind"] = step.kind
    if step.note:
        out["note"] = step.note
    if step.ret is not None:
        out["ret"] = step.ret if step.ret < (1 << 63) else step.ret - (1 << 64)
    return out


def _python_line(path: str, line: int) -> str:
    import linecache

    from lab.kernel.links import PACKAGE_ROOT

    text = linecache.getline(str(PACKAGE_ROOT / path), line).strip()
    return text.split("  # C:", 1)[0].rstrip()  # the C it links to is printed just above


def describe_changes(changes: StepChanges) -> list[str]:
    out = list(changes.vma_notes)
    ptes = changes.ptes
    if len(ptes) == 1:
        addr, old, new = ptes[0]
        out.append(f"PTE {addr:#x}: {old:#018x} → {new:#018x}")
    elif ptes:
        if isinstance(ptes, PteWrites):
            made, gone, other = ptes.counts()
        else:
            made = sum(1 for _, old, new in ptes if pte_present(new) and not pte_present(old))
            gone = sum(1 for _, old, new in ptes if pte_present(old) and not pte_present(new))
            other = len(ptes) - made - gone
        parts = [f"{made:,} PTEs set"] if made else []
        parts += [f"{gone:,} cleared"] if gone else []
        parts += [f"{other:,} changed"] if other else []
        out.append(", ".join(parts))
    for name, (a, b) in changes.counters.items():
        out.append(f"mm->{name} {a} → {b}")
    if changes.vm_committed:
        a, b = changes.vm_committed
        out.append(f"vm_committed_as {a} → {b} pages")
    return out


def trace_text(trace: Trace, index: CIndex | None = None, show_python: bool = True) -> list[str]:
    """Each C line with file:line, the Python twin under it, narration and changes."""
    index = index or default_index()
    lines = []
    for step in trace.steps:
        pad = INDENT * step.depth
        if step.kind == "fold":
            lines.append(f"{pad}… {step.note}")
            continue
        if step.kind == "whole":  # past the trace budget: the statement in one step
            lines.append(f"{pad}{step.c_path}:{step.c_line:<5} {step.function}: … {step.note}")
            lines += [f"{pad}  = {note}" for note in describe_changes(step.changes)]
            continue
        c_text = index.line_text(step.c_path, step.c_line).strip()
        lines.append(f"{pad}{step.c_path}:{step.c_line:<5} {c_text}")
        if show_python:
            lines.append(f"{pad}  py {step.py_path}:{step.py_line}: "
                         f"{_python_line(step.py_path, step.py_line)}")
        if step.not_modelled:
            lines.append(f"{pad}  (not modelled: {step.not_modelled})")
        if step.ret is not None and step.ret >= (1 << 64) - 4095 or \
                (step.ret is not None and step.ret < 0):
            lines.append(f"{pad}  returns {format_value('ret', step.ret)}")
        for note in describe_changes(step.changes):
            lines.append(f"{pad}  = {note}")
    return lines

