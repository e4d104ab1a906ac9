# SPDX-License-Identifier: GPL-2.0-only
"""compare(sim_doc, real_doc): where the model and the real kernel disagree, in words.

Both processes differ outside the scenario (the model's small program, the runner's Python),
so only what is stable across them is compared: errno and return values; where each new
mapping was placed, described by what it sits under; and the scenario's own maps rows with
their addresses written relative to the mapping they came from ("line 3's mapping + 0x1000"),
with perms, offset, path, Rss, Locked, present pages, hugetlb bytes and VmFlags. Known
differences (a newer kernel, a different machine) are then marked by `lab.realkernel.known`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lab.realkernel.events import Placement, ScenarioView, coord_text

ROW_FIELDS = ("perms", "offset", "path", "rss", "locked", "present", "hugetlb")


@dataclass
class Difference:
    """One disagreement. `expected` names the known difference that explains it, if any."""

    line: int
    stmt: str
    kind: str  # errno, ret, placement, signal, value, row, perms, ..., vmflags, events
    sim: object
    real: object
    text: str
    expected: str | None = None  # a known version or machine difference explains it
    why: str = ""
    model_bug: str | None = None  # a known simulator bug explains it (still a disagreement)
    key: tuple = field(default=(), repr=False)  # what the difference is about
    rows: tuple = field(default=(None, None), repr=False)  # (model row, kernel row)

    def __str__(self) -> str:
        mark = f" [expected: {self.expected}]" if self.expected else \
            f" [simulator bug: {self.model_bug}]" if self.model_bug else ""
        return f"line {self.line}: {self.text}{mark}"


def compare(sim_doc: dict, real_doc: dict) -> list[Difference]:
    """Differences between a simulated and a real run of the same scenario.

    A skipped or failed real run has nothing to compare: the list is empty, and the caller
    reports real_doc["skipped"] or real_doc["error"].
    """
    from lab.realkernel.known import classify

    if real_doc.get("skipped") or real_doc.get("error"):
        return []
    sim, real = ScenarioView(sim_doc, "sim"), ScenarioView(real_doc, "real")
    out: list[Difference] = []
    previous: set[tuple] = set()
    for k in range(max(len(sim.events), len(real.events))):
        if k >= len(sim.events) or k >= len(real.events):
            ev = (sim.events + real.events)[k] if k < len(sim.events) else real.events[k]
            out.append(Difference(ev["line"], ev["stmt"], "events", len(sim.events),
                                  len(real.events),
                                  f"the model ran {len(sim.events)} statements, the kernel "
                                  f"{len(real.events)} (a signal ended one of them early)"))
            break
        found = _event_differences(sim, real, k)
        # A row that differs the same way after every statement is reported once.
        out += [d for d in found if d.key not in previous]
        previous = {d.key for d in found}
    classify(out, sim, real)
    return out


def _event_differences(sim: ScenarioView, real: ScenarioView, k: int) -> list[Difference]:
    s, r = sim.events[k], real.events[k]
    line, stmt = s["line"], s["stmt"]
    out = []

    def diff(kind, a, b, text, key=None, rows=(None, None)):
        # a row's difference is keyed by the row, so the same one after later statements
        # is recognised; the others by the statement
        out.append(Difference(line, stmt, kind, a, b, text, rows=rows,
                              key=(kind, None) + key if key else (kind, k)))

    if s["errno"] != r["errno"]:
        diff("errno", s["errno"], r["errno"],
             f"errno: the model says {s['errno'] or 'success'}, the kernel "
             f"{r['errno'] or 'success'}")
    elif sim.func(k) == "mmap" and s["errno"] is None:
        ps, pr = sim.placement(k), real.placement(k)
        if ps != pr:
            diff("placement", ps, pr, f"placed {Placement.text(ps)} in the model, "
                 f"{Placement.text(pr)} on the kernel")
    elif sim.func(k) not in ("mmap", "open") and s["ret"] != r["ret"]:
        diff("ret", s["ret"], r["ret"], f"returned {s['ret']} in the model, {r['ret']} on "
             "the kernel")
    if s["signal"] != r["signal"]:
        diff("signal", s["signal"], r["signal"],
             f"signal: {s['signal'] or 'none'} in the model, {r['signal'] or 'none'} on "
             "the kernel")
    if s.get("value") != r.get("value"):
        diff("value", s.get("value"), r.get("value"),
             f"read {s.get('value')} in the model, {r.get('value')} on the kernel")
    srows, rrows = sim.rows(k), real.rows(k)
    for key in sorted(set(srows) | set(rrows), key=repr):
        a, b = srows.get(key), rrows.get(key)
        where = f"{coord_text(key[0])} .. {coord_text(key[1])}"
        if a is None or b is None:
            side = "the kernel" if a is None else "the model"
            diff("row", a, b, f"a mapping {where} exists only on {side}", (key,), (a, b))
            continue
        for name in ROW_FIELDS:
            if a[name] != b[name]:
                diff(name, a[name], b[name],
                     f"{name} of {where}: {a[name]!r} in the model, {b[name]!r} on the "
                     "kernel", (key,), (a, b))
        for flag in sorted(set(a["vmflags"]) ^ set(b["vmflags"])):
            side = "the model" if flag in a["vmflags"] else "the kernel"
            diff("vmflags", flag in a["vmflags"], flag in b["vmflags"],
                 f"VmFlags of {where}: '{flag}' only on {side}", (key, flag), (a, b))
    return out
