# SPDX-License-Identifier: GPL-2.0-only
"""Lexical work done before ast: comments, `;` splitting, C integer literals, bracket depth.

Python's tokenizer does not know C's `0644` or `4096UL`, so such literals are rewritten to
Python's spelling first. `origin` maps each character of the rewritten text back to its
column in the scenario, so every error still points at what the learner typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Brackets may nest this deep; deeper is an error long before ast's own limits.
MAX_NESTING = 100
#: No integer needs more characters than this (64 binary digits with prefix and suffix).
MAX_LITERAL_CHARS = 80

_TOKEN = re.compile(
    r"""(?P<newline>\n)
      | (?P<space>[ \t]+)
      | (?P<comment>\#[^\n]*)
      | (?P<str>"(?:[^"\\\n]|\\[^\n])*"?|'(?:[^'\\\n]|\\[^\n])*'?)
      | (?P<name>[^\W\d]\w*)
      | (?P<num>\.?\d[\w.]*)
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
_C_INTEGER = re.compile(
    r"(?P<body>0[xX][0-9a-fA-F_]+|0[oObB][0-7_]+|\d[\d_]*)"
    r"(?P<suffix>[uU](?:ll|LL|[lL])?|(?:ll|LL|[lL])[uU]?)?"
)
#: Where the lexer sees a number token (a superset of them: strings are not skipped).
_NUMBER = re.compile(r"(?<![\w.])\d[\w.]*")
_OPENERS, _CLOSERS = "([{", ")]}"


class LexError(Exception):
    """A lexical mistake at a 0-based index of the line."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message, index)
        self.message = message
        self.index = index


@dataclass(frozen=True)
class Prepared:
    """One line made ready for ast.parse.

    code: the statement as typed, without indentation, comment or trailing blanks;
    indent: characters of indentation before it; python: code in Python's spelling;
    origin: for each index of python (and one past its end), the index in code.
    """

    code: str
    indent: int
    python: str
    origin: tuple[int, ...] | None  # None: python == code

    def code_index(self, python_index: int) -> int:
        if self.origin is None:
            return min(python_index, len(self.code))
        return self.origin[min(max(python_index, 0), len(self.origin) - 1)]


def c_integer(literal: str) -> str:
    """Python's spelling of a C integer literal: drop U/L suffixes, 0644 becomes 0o644."""
    match = _C_INTEGER.fullmatch(literal)
    if match is None:
        return literal
    body = match["body"]
    if len(body) > 1 and body.isdigit() and body[0] == "0":
        return "0o" + body[1:]
    return body


def code_end(line: str) -> int:
    """Index where the line's comment starts (a '#' outside a string), or its length."""
    hash_index = line.find("#")
    if hash_index < 0:
        return len(line)
    if '"' not in line[:hash_index] and "'" not in line[:hash_index]:
        return hash_index
    for match in _TOKEN.finditer(line):
        if match.lastgroup == "comment":
            return match.start()
    return len(line)


def _plain(code: str) -> bool:
    """True if code needs no rewriting and no checks: the common case, decided fast."""
    return (
        code.isascii()
        and sum(map(code.count, _OPENERS)) <= MAX_NESTING
        and all(len(n) <= MAX_LITERAL_CHARS and c_integer(n) == n for n in _NUMBER.findall(code))
    )


def prepare(line: str, max_chars: int) -> Prepared:
    """Strip the comment and indentation, check length, characters and bracket depth, and
    rewrite C literals. A LexError's index is into `line`."""
    code = line[: code_end(line)].rstrip()
    stripped = code.lstrip()
    indent = len(code) - len(stripped)
    if len(stripped) > max_chars:
        raise LexError(f"statement is longer than {max_chars} characters", indent + max_chars)
    if _plain(stripped):
        return Prepared(stripped, indent, stripped, None)
    pieces: list[str] = []
    origin: list[int] = []
    depth = 0
    changed = False
    for match in _TOKEN.finditer(stripped):
        kind, text, start = match.lastgroup, match.group(), match.start()
        if kind != "str" and not text.isascii():
            at = next(i for i, ch in enumerate(text) if not ch.isascii())
            raise LexError(
                f"unexpected character {text[at]!r}: outside strings only ASCII is allowed",
                indent + start + at,
            )
        if kind == "other" and text in _OPENERS:
            depth += 1
            if depth > MAX_NESTING:
                raise LexError(
                    f"expression is nested more than {MAX_NESTING} levels deep", indent + start
                )
        elif kind == "other" and text in _CLOSERS:
            depth = max(depth - 1, 0)
        elif kind == "num":
            if len(text) > MAX_LITERAL_CHARS:
                raise LexError("integer literal is too long", indent + start)
            python = c_integer(text)
            if python != text:
                changed = True
                pieces.append(python)
                if python.startswith("0o") and text[:2].lower() != "0o":  # C octal: 0644
                    origin.extend([start, *range(start, start + len(python) - 1)])
                else:  # a suffix dropped off the end
                    origin.extend(range(start, start + len(python)))
                continue
        pieces.append(text)
        origin.extend(range(start, start + len(text)))
    if not changed:
        return Prepared(stripped, indent, stripped, None)
    origin.append(len(stripped))
    return Prepared(stripped, indent, "".join(pieces), tuple(origin))


def split_statements(text: str) -> str:
    """Turn the command line's `-e 'a; b'` into one statement a line.

    Splits at ';' and newlines outside string literals and comments, drops empty pieces, so
    line N of the result is statement N.
    """
    pieces: list[str] = []
    start = 0
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "newline" or (match.lastgroup == "other" and match.group() == ";"):
            pieces.append(text[start : match.start()])
            start = match.end()
    pieces.append(text[start:])
    return "\n".join(p.strip() for p in pieces if p.strip())
