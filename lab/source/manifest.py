# SPDX-License-Identifier: GPL-2.0-only
"""The kernel_src manifest: which verbatim excerpts of which kernel file we keep.

A file in kernel_src/ is its excerpts concatenated in order, byte for byte. Each excerpt
records the line range it came from, so every line can be shown with its real line number.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lab.resources import kernel_src_dir

MANIFEST_NAME = "MANIFEST.json"


@dataclass(frozen=True)
class Excerpt:
    """Lines first..last (1-based, inclusive) of the upstream file, kept verbatim."""

    first: int
    last: int
    sha256: str
    what: str

    @property
    def count(self) -> int:
        return self.last - self.first + 1


@dataclass(frozen=True)
class KernelFile:
    path: str
    upstream_lines: int
    spdx: str | None  # the SPDX licence identifier upstream gives, None for older files
    sha256: str
    excerpts: tuple[Excerpt, ...]

    def real_line(self, local_line: int) -> int:
        """Map a 1-based line of the kernel_src file to its line in the kernel tree."""
        offset = local_line
        for ex in self.excerpts:
            if offset <= ex.count:
                return ex.first + offset - 1
            offset -= ex.count
        raise ValueError(f"{self.path}: line {local_line} is past the kept excerpts")

    def local_line(self, real_line: int) -> int | None:
        """Map a kernel-tree line number to the kernel_src file's line, or None if not kept."""
        base = 0
        for ex in self.excerpts:
            if ex.first <= real_line <= ex.last:
                return base + real_line - ex.first + 1
            base += ex.count
        return None

    def excerpt_of(self, real_line: int) -> Excerpt | None:
        for ex in self.excerpts:
            if ex.first <= real_line <= ex.last:
                return ex
        return None


@dataclass(frozen=True)
class Manifest:
    kernel: str
    source: dict
    files: dict[str, KernelFile]


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_manifest(data: dict) -> Manifest:
    files = {}
    for entry in data["files"]:
        excerpts = tuple(
            Excerpt(ex["lines"][0], ex["lines"][1], ex["sha256"], ex.get("what", ""))
            for ex in entry["excerpts"]
        )
        files[entry["path"]] = KernelFile(
            entry["path"], entry["upstream_lines"], entry.get("spdx"), entry["sha256"], excerpts
        )
    return Manifest(data["kernel"], data["source"], files)


@cache
def load_manifest(root: Path | None = None) -> Manifest:
    root = root or kernel_src_dir()
    return parse_manifest(json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8")))
