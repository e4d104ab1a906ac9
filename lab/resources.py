# SPDX-License-Identifier: GPL-2.0-only
"""Where the shipped data lives: inside the wheel (lab/_data) or beside lab/ in a checkout."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


def _data_dir(name: str) -> Path:
    packaged = Path(str(resources.files("lab"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"mmaplab's {name}/ directory is missing (looked in {packaged} and {checkout}); "
        "reinstall mmaplab"
    )


@cache
def kernel_src_dir() -> Path:
    """The verbatim Linux source excerpts the lab teaches from."""
    return _data_dir("kernel_src")


@cache
def lessons_dir() -> Path:
    """The shipped lessons."""
    return _data_dir("lessons")
