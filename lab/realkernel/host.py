# SPDX-License-Identifier: GPL-2.0-only
"""What this machine is: its kernel version, architecture, privileges and configuration."""

from __future__ import annotations

import gzip
import os
import platform
import re
import tempfile
from functools import cache

CAP_SYS_ADMIN = 21


def available() -> tuple[bool, str]:
    """(True, "") when real scenarios can run here, else (False, why not)."""
    if platform.system() != "Linux":
        return False, f"the real-kernel runner needs Linux; this is {platform.system()}"
    if platform.machine() not in ("x86_64", "AMD64"):
        return False, (f"the real-kernel runner needs x86-64 (the model's architecture); "
                       f"this machine is {platform.machine()}")
    for path in ("/proc/self/maps", "/proc/self/smaps", "/proc/self/pagemap"):
        if not os.access(path, os.R_OK):
            return False, f"{path} cannot be read here"
    return True, ""


def version(release: str | None = None) -> tuple[int, int, int]:
    """(major, minor, patch) of a release string such as "6.18.44-fc-v1045"."""
    m = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", release or platform.release())
    if not m:
        return (0, 0, 0)
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


def privileged() -> bool:
    """Root with CAP_SYS_ADMIN: may mount, write sysctls and set inode flags."""
    if os.geteuid() != 0:
        return False
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("CapEff:"):
                    return bool(int(line.split()[1], 16) >> CAP_SYS_ADMIN & 1)
    except OSError:
        pass
    return False


def run_root() -> str:
    """Where run directories are made: the temporary directory."""
    return tempfile.gettempdir()


@cache
def config() -> dict[str, str]:
    """The running kernel's configuration, when it publishes one (/proc/config.gz)."""
    out: dict[str, str] = {}
    for path in ("/proc/config.gz", f"/boot/config-{platform.release()}"):
        try:
            opener = gzip.open if path.endswith(".gz") else open
            with opener(path, "rt") as f:
                for line in f:
                    if line.startswith("CONFIG_"):
                        key, _, value = line.strip().partition("=")
                        out[key] = value
            return out
        except OSError:
            continue
    return out


def total_ram() -> int:
    """Bytes of RAM (MemTotal) and swap (SwapTotal) the kernel counts for overcommit."""
    total = 0
    with open("/proc/meminfo") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("MemTotal", "SwapTotal"):
                total += int(rest.split()[0]) * 1024
    return total


def facts() -> dict:
    """The host facts the known differences depend on."""
    cfg = config()
    return {"release": platform.release(), "version": list(version()),
            "soft_dirty": cfg.get("CONFIG_MEM_SOFT_DIRTY") == "y" if cfg else None,
            "ram": total_ram()}
