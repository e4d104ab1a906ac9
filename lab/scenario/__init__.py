# SPDX-License-Identifier: GPL-2.0-only
"""The scenario language: short C-call programs that drive the simulator.

    fd = open("data.bin", O_RDWR, size=10000)
    p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
    p[4096] = 1

Parsed with Python's ast and a strict whitelist, never run by Python (design notes, section 4).
"""

from lab.scenario.errors import ScenarioError
from lab.scenario.evaluate import Value, evaluate, render
from lab.scenario.lexer import split_statements
from lab.scenario.parser import (
    bound_name,
    decode_scenario,
    parse_bytes,
    parse_expression,
    parse_scenario,
    parse_statement,
)
from lab.scenario.signatures import FS_TYPES, FUNCTIONS, SYSCTL_NAMES
from lab.scenario.syntax import (
    BinOp,
    Bool,
    Call,
    Expr,
    Load,
    Name,
    Num,
    Scenario,
    Statement,
    Store,
    Str,
    UnaryOp,
)

__all__ = [
    "FS_TYPES",
    "FUNCTIONS",
    "SYSCTL_NAMES",
    "BinOp",
    "Bool",
    "Call",
    "Expr",
    "Load",
    "Name",
    "Num",
    "Scenario",
    "ScenarioError",
    "Statement",
    "Store",
    "Str",
    "UnaryOp",
    "Value",
    "bound_name",
    "decode_scenario",
    "evaluate",
    "parse_bytes",
    "parse_expression",
    "parse_scenario",
    "parse_statement",
    "render",
    "split_statements",
]
