# SPDX-License-Identifier: GPL-2.0-only
"""`mmaplab serve --ssh` with real clients: OpenSSH's ssh -tt in tmux, and asyncssh's."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import asyncssh
import pytest
from test_classroom_tmux import Tmux

from lab.classroom.serve import LabServer, ServeConfig, ServeError

ROOT = Path(__file__).resolve().parent.parent
needs_ssh = pytest.mark.skipif(shutil.which("ssh") is None or shutil.which("tmux") is None,
                               reason="needs openssh-client and tmux")


@pytest.fixture
def keys(tmp_path):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    str(tmp_path / "id")], check=True)
    (tmp_path / "authorized_keys").write_text((tmp_path / "id.pub").read_text())
    return tmp_path


def start_server(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, int]:
    p = subprocess.Popen([sys.executable, "-m", "lab", "serve", "--ssh", "--port", "0",
                          "--host-key", str(tmp_path / "host_key"), *args],
                         cwd=ROOT, stderr=subprocess.PIPE, text=True)
    line = p.stderr.readline()
    m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
    assert m, line + p.stderr.read() if p.poll() is not None else line
    return p, int(m.group(1))


def ssh_argv(keys: Path, port: int) -> list[str]:
    return ["ssh", "-tt", "-i", str(keys / "id"), "-p", str(port), "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=no", "-o", f"UserKnownHostsFile={keys}/known",
            "-o", "LogLevel=ERROR", "student@127.0.0.1"]


@needs_ssh
def test_openssh_client_sees_the_lab_steps_it_and_a_resize_reflows_it(keys, tmp_path):
    server, port = start_server(tmp_path, "--authorized-keys", str(keys / "authorized_keys"))
    tmux = Tmux(tmp_path)
    idle = socket.create_connection(("127.0.0.1", port))  # says nothing at all
    junk = socket.create_connection(("127.0.0.1", port))
    junk.sendall(b"GET / HTTP/1.1\r\n\r\n" + b"\xff" * 10000)  # not SSH
    try:
        tmux.start("S", ssh_argv(keys, port), size=(120, 40))
        first = tmux.wait("S", r"mmaplab · Linux 6\.1\.192.*step (?:\d+/\d+ \()?(\d+)/\d+(?! \()")
        step = int(first.group(1))
        tmux.keys("S", "s", "s")
        tmux.wait("S", rf"step (?:\d+/\d+ \()?{step + 2}/\d+(?! \()")
        # drawn at the client's 120x40: the medium layout, C beside Python, stack below
        top = tmux.screen("S").splitlines()[1]
        assert "C source" in top and "Python twin" in top and "Call stack" not in top
        tmux.run("resize-window", "-t", "S", "-x", "170", "-y", "46")
        tmux.wait("S", r"C source.*Python twin.*Call stack")
        assert len(tmux.screen("S").splitlines()[0]) <= 170
        tmux.keys("S", "q")  # the lab quits, the server closes the channel, ssh exits
        end = time.monotonic() + 10
        while tmux.run("display", "-p", "-t", "S", "#{pane_current_command}").strip() \
                != "sleep":
            assert time.monotonic() < end, "ssh still running after q"
            time.sleep(0.1)
        # the same host key the next time
        key_before = (tmp_path / "host_key").read_bytes()
    finally:
        idle.close()
        junk.close()
        tmux.kill()
        server.terminate()
        server.wait(10)
    server, port = start_server(tmp_path, "--authorized-keys", str(keys / "authorized_keys"))
    server.terminate()
    server.wait(10)
    assert (tmp_path / "host_key").read_bytes() == key_before
    assert oct((tmp_path / "host_key").stat().st_mode & 0o777) == "0o600"


@needs_ssh
def test_ssh_with_an_unknown_key_is_refused(keys, tmp_path):
    server, port = start_server(tmp_path, "--authorized-keys", str(keys / "authorized_keys"))
    try:
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                        str(tmp_path / "other")], check=True)
        argv = ssh_argv(keys, port)
        argv[argv.index(str(keys / "id"))] = str(tmp_path / "other")
        r = subprocess.run(argv + ["true"], capture_output=True, text=True, timeout=20,
                           stdin=subprocess.DEVNULL)
        assert r.returncode == 255 and "Permission denied" in r.stderr
    finally:
        server.terminate()
        server.wait(10)


@pytest.mark.parametrize("args, message", [
    ([], "refusing to start without authentication"),
    (["--no-auth", "--host", "0.0.0.0"], "only allowed on a loopback address"),
])
def test_serve_refuses_to_start_without_authentication(tmp_path, args, message):
    r = subprocess.run([sys.executable, "-m", "lab", "serve", "--ssh", "--port", "0",
                        "--host-key", str(tmp_path / "hk"), *args],
                       cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and message in r.stderr


async def _lab_server(tmp_path: Path, **kw) -> LabServer:
    cfg = ServeConfig(port=0, host_key=tmp_path / "hk", **kw)
    cfg.check()
    return await LabServer(cfg).start()


async def _read_until(proc, pattern: bytes, timeout: float = 20.0) -> bytes:
    seen = b""
    end = time.monotonic() + timeout
    while not re.search(pattern, seen):
        left = end - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{pattern!r} not seen; got {seen[-300:]!r}")
        try:
            seen += await asyncio.wait_for(proc.stdout.read(65536), left)
        except TimeoutError:
            continue
    return seen


def _connect(port: int, **kw):
    return asyncssh.connect("127.0.0.1", port, username="student", known_hosts=None,
                            client_keys=None, agent_path=None, **kw)


async def test_class_password_max_sessions_and_idle_timeout(tmp_path):
    server = await _lab_server(tmp_path, password="class-password", max_sessions=1,
                               idle_timeout=3)
    try:
        with pytest.raises(asyncssh.PermissionDenied):
            async with _connect(server.port, password="wrong-password"):
                pass
        async with _connect(server.port, password="class-password") as conn:
            proc = await conn.create_process(term_type="xterm-256color", term_size=(90, 26),
                                             encoding=None)
            await _read_until(proc, rb"mmaplab")
            with pytest.raises(asyncssh.DisconnectError, match="class is full"):
                async with _connect(server.port, password="class-password") as c2:
                    await c2.run("x")
            # no input for 3 s: the session is closed with a word to the student
            await _read_until(proc, rb"no input for 3 s", 15)
            await asyncio.wait_for(proc.wait_closed(), 10)
        assert server.turned_away == 1
    finally:
        await server.close()


async def test_a_client_that_stops_reading_does_not_stall_another(tmp_path):
    server = await _lab_server(tmp_path, no_auth=True)
    try:
        async with _connect(server.port) as slow, _connect(server.port) as fast:
            stuck = await slow.create_process(term_type="xterm", term_size=(200, 60),
                                              encoding=None)
            await _read_until(stuck, rb"mmaplab")
            stuck.stdout.channel.pause_reading()  # and never reads again
            for _ in range(30):  # make its lab redraw a lot
                stuck.stdin.write(b"s")
            proc = await fast.create_process(term_type="xterm", term_size=(100, 30),
                                             encoding=None)
            await _read_until(proc, rb"\(\d+/\d+\)")
            t0 = time.monotonic()
            proc.stdin.write(b"ssss")
            await _read_until(proc, rb"\([5-9]/\d+\)")
            assert time.monotonic() - t0 < 5
    finally:
        await server.close()


def test_config_check_messages():
    with pytest.raises(ServeError, match="at least 8"):
        ServeConfig(password="short").check()
    ServeConfig(no_auth=True, host="::1").check()
    assert ServeConfig(follow="c1", follow_dir="/srv/c").child_argv()[-4:] == \
        ["follow", "c1", "--dir", "/srv/c"]
