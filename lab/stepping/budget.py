# SPDX-License-Identifier: GPL-2.0-only
"""The trace budget: how many steps a session records line by line.

Every mmap of a recording costs some 200 steps. A scenario of 65,530 mmaps (as many as
vm.max_map_count allows) would be 14 million steps, gigabytes and twenty minutes. Past the
budget, statements run whole: one step each, at the speed of `mmaplab run`, carrying all
they changed, as a folded loop's step does.
"""

from __future__ import annotations

from collections.abc import Generator

#: Steps recorded line by line in one session. Past half of it, the statements in the middle
#: of a long scenario run whole, one step each; the last ones are traced again (budget_plan).
TRACE_BUDGET = 200_000

WHOLE_NOTE = "run whole, not line by line: the scenario is over the trace budget of " \
    "{budget:,} steps"


def budget_plan(budget: int, total: int) -> Generator[bool, int, None]:
    """Which of `total` statements to trace line by line; send the steps traced so far
    before each statement, get True to trace it.

    Statements are traced while the steps stay under half the budget. Then, at the average
    steps per statement so far, the last statements that fit in the other half are traced
    too: a long scenario keeps its beginning and its end (where a limit is usually hit) in
    full, and the middle runs whole. Past twice the budget nothing more is traced. The plan
    depends only on the scenario, so an instructor and the class record the same steps.
    """
    steps = yield False
    tail_from: int | None = None
    for i in range(total):
        if tail_from is None and steps >= budget // 2 and i:
            tail_from = max(i, total - max(1, int((budget - steps) * i / max(steps, 1))))
        steps = yield (tail_from is None or i >= tail_from) and steps < 2 * budget
