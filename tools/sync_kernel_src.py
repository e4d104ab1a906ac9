#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Rebuild kernel_src/ from Debian's linux-source-6.1 tarball, or check that nothing drifted.

Get the tarball on a Debian machine:
    apt-get download linux-source-6.1=6.1.192-2
    dpkg-deb -x linux-source-6.1_6.1.192-2_all.deb deb
then:
    python tools/sync_kernel_src.py --tarball deb/usr/src/linux-source-6.1.tar.xz          # write
    python tools/sync_kernel_src.py --tarball deb/usr/src/linux-source-6.1.tar.xz --check  # verify
`--deb FILE.deb` reads the tarball straight out of the .deb (needs dpkg-deb); `--tree DIR` reads
an unpacked tree. --check exits 1 and lists every file whose excerpts differ from the upstream.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import tree_sitter  # noqa: E402

from lab.source.cindex import C_LANGUAGE, _FileWalker  # noqa: E402
from lab.source.manifest import MANIFEST_NAME, Excerpt, KernelFile, sha256_text  # noqa: E402


def read_upstream(spec: dict, args: argparse.Namespace) -> dict[str, str]:
    """The text of every file `spec` names, from the chosen source of the kernel tree."""
    wanted = [f["path"] for f in spec["file"]]
    if args.tree:
        root = Path(args.tree)
        return {p: (root / p).read_text(encoding="utf-8") for p in wanted}
    tarball = Path(args.tarball) if args.tarball else None
    tmp = None
    if args.deb:
        tmp = tempfile.TemporaryDirectory()
        subprocess.run(["dpkg-deb", "-x", args.deb, tmp.name], check=True)
        tarball = Path(tmp.name) / spec["tarball"]
    assert tarball is not None
    prefix = spec["tree_prefix"]
    members = {prefix + p: p for p in wanted}
    found: dict[str, str] = {}
    with tarfile.open(tarball, "r:*") as tar:
        for member in tar:
            path = members.get(member.name)
            if path is not None and member.isfile():
                found[path] = tar.extractfile(member).read().decode("utf-8")
                if len(found) == len(members):
                    break
    if tmp is not None:
        tmp.cleanup()
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise SystemExit(f"not in {tarball}: {', '.join(missing)}")
    return found


def function_ranges(path: str, text: str, names: list[str]) -> list[tuple[int, int, str]]:
    """Line ranges of the first definition of each name, with its comment block above."""
    lines = text.split("\n")
    whole = KernelFile(path, len(lines), None, "", (Excerpt(1, len(lines), "", ""),))
    walker = _FileWalker(path, text.encode("utf-8"), whole)
    tree = tree_sitter.Parser(C_LANGUAGE).parse(text.encode("utf-8"))
    walker.walk_toplevel(tree.root_node, active=True)
    ranges = []
    for name in names:
        defs = [f for f in walker.functions if f.name == name]
        if not defs:
            raise SystemExit(f"{path}: no function {name}")
        fn = sorted(defs, key=lambda f: not f.active)[0]
        first = fn.line
        # Take in the comment block that sits directly above the definition.
        while first > 1 and _is_comment_line(lines[first - 2]):
            first -= 1
        ranges.append((first, fn.end_line, name))
    return ranges


def _is_comment_line(line: str) -> bool:
    s = line.strip()
    return s.startswith(("/*", "*", "//")) or s.endswith("*/")


def spdx_of(text: str) -> str | None:
    m = re.search(r"SPDX-License-Identifier:\s*([^\s*]+)", "\n".join(text.split("\n")[:2]))
    return m.group(1) if m else None


def licence_header(text: str) -> tuple[int, int, str]:
    """The SPDX line, or for the few older files without one, their leading licence comment."""
    lines = text.split("\n")
    if spdx_of(text):
        return (1, 1, "SPDX line")
    last = 1
    while last < len(lines) and not lines[last - 1].rstrip().endswith("*/"):
        last += 1
    return (1, last, "licence header")


def excerpts_for(entry: dict, text: str) -> list[tuple[int, int, str]]:
    nlines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if "functions" not in entry and "ranges" not in entry:
        return [(1, nlines, "whole file")]
    entry.setdefault("functions", [])
    ranges = [licence_header(text)] + function_ranges(entry["path"], text, entry["functions"])
    ranges += [(a, b, f"lines {a}-{b}") for a, b in entry.get("ranges", [])]
    ranges.sort()
    merged: list[list] = []
    for first, last, what in ranges:
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
            merged[-1][2] += ", " + what
        else:
            merged.append([first, last, what])
    return [tuple(m) for m in merged]


def build(spec: dict, upstream: dict[str, str]) -> tuple[dict, dict[str, str]]:
    files, texts = [], {}
    for entry in spec["file"]:
        path = entry["path"]
        text = upstream[path]
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        kept, excerpts = [], []
        for first, last, what in excerpts_for(entry, text):
            chunk = "".join(line + "\n" for line in lines[first - 1 : last])
            kept.append(chunk)
            excerpts.append({"lines": [first, last], "sha256": sha256_text(chunk), "what": what})
        body = "".join(kept)
        texts[path] = body
        files.append({"path": path, "upstream_lines": len(lines), "spdx": spdx_of(text),
                      "sha256": sha256_text(body), "excerpts": excerpts})
    manifest = {
        "kernel": spec["kernel"],
        "source": {"package": spec["package"], "version": spec["package_version"],
                   "tarball": spec["tarball"], "tree_prefix": spec["tree_prefix"]},
        "files": files,
    }
    return manifest, texts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--tarball", help="linux-source-6.1.tar.xz")
    src.add_argument("--deb", help="linux-source-6.1_6.1.192-2_all.deb")
    src.add_argument("--tree", help="an unpacked linux-source-6.1 tree")
    ap.add_argument("--check", action="store_true", help="compare, write nothing, exit 1 on drift")
    ap.add_argument("--dest", default=str(REPO / "kernel_src"))
    args = ap.parse_args(argv)

    dest = Path(args.dest)
    spec = tomllib.loads((dest / "sources.toml").read_text(encoding="utf-8"))
    manifest, texts = build(spec, read_upstream(spec, args))
    manifest_text = json.dumps(manifest, indent=1) + "\n"

    if args.check:
        drift = []
        old_manifest = dest / MANIFEST_NAME
        if not old_manifest.exists() or old_manifest.read_text(encoding="utf-8") != manifest_text:
            drift.append(MANIFEST_NAME)
        for path, text in texts.items():
            f = dest / path
            if not f.exists() or f.read_text(encoding="utf-8") != text:
                drift.append(path)
        known = {e["path"] for e in manifest["files"]}
        extra = [str(p.relative_to(dest)) for p in dest.rglob("*")
                 if p.is_file() and p.name not in (MANIFEST_NAME, "sources.toml", "README.md")
                 and str(p.relative_to(dest)) not in known]
        drift += [f"{p} (not in the manifest)" for p in extra]
        if drift:
            print("kernel_src drifted from Linux " + spec["kernel"] + ":", *drift, sep="\n  ")
            return 1
        print(f"kernel_src matches Linux {spec['kernel']} ({len(texts)} files, "
              f"{sum(len(e['excerpts']) for e in manifest['files'])} excerpts)")
        return 0

    for path, text in texts.items():
        f = dest / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="utf-8")
    (dest / MANIFEST_NAME).write_text(manifest_text, encoding="utf-8")
    print(f"wrote {len(texts)} files into {dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
