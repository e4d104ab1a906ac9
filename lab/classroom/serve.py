# SPDX-License-Identifier: GPL-2.0-only
"""`mmaplab serve --ssh`: an SSH server whose every session is a lab in its own terminal.

For classrooms where students have no accounts: each connection gets `python -m lab`
(or `python -m lab follow NAME`) in a fresh pseudo-terminal, the client's TERM and window
size passed through and every resize delivered (TIOCSWINSZ, then SIGWINCH to the lab's
process group). Clients authenticate by a key in an authorized_keys file or by the class
password; without either the server refuses to start, unless it is bound to loopback and
told --no-auth. The host key is made once and kept. Connections beyond --max-sessions are
turned away, a session without input for --idle-timeout seconds is closed, and each
session's terminal I/O is non-blocking with its own flow control: one client that stops
reading (or floods us) slows only its own lab.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hmac
import ipaddress
import os
import shutil
import signal
import struct
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

MAX_INPUT_BACKLOG = 64 * 1024  # keystrokes the lab has not read yet; beyond, dropped
KILL_GRACE = 2.0


class ServeError(Exception):
    """A configuration the server refuses; the message says what to change."""


@dataclass
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 2222
    authorized_keys: Path | None = None
    password: str | None = None
    no_auth: bool = False
    follow: str | None = None
    follow_dir: str | None = None
    lab_args: list[str] = field(default_factory=list)
    max_sessions: int = 40
    idle_timeout: float = 7200.0  # 0: never
    host_key: Path | None = None
    login_timeout: float = 30.0

    def check(self) -> None:
        if self.no_auth:
            if not is_loopback(self.host):
                raise ServeError(f"--no-auth is only allowed on a loopback address, not "
                                 f"{self.host}: give --authorized-keys or --password-file")
        elif self.authorized_keys is None and self.password is None:
            raise ServeError("refusing to start without authentication: give "
                             "--authorized-keys FILE or --password-file FILE (or --no-auth "
                             "when bound to 127.0.0.1)")
        if self.authorized_keys is not None and not self.authorized_keys.is_file():
            raise ServeError(f"{self.authorized_keys}: no such file")
        if self.password is not None and len(self.password) < 8:
            raise ServeError("the class password must have at least 8 characters")
        if self.max_sessions < 1:
            raise ServeError("--max-sessions must be at least 1")

    def child_argv(self) -> list[str]:
        argv = [sys.executable, "-m", "lab"]
        if self.follow:
            argv += ["follow", self.follow]
            if self.follow_dir:
                argv += ["--dir", self.follow_dir]
        return argv + self.lab_args


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def data_dir() -> Path:
    try:
        from platformdirs import user_data_dir

        return Path(user_data_dir("mmaplab", appauthor=False))
    except ImportError:
        return Path.home() / ".local" / "share" / "mmaplab"


def host_key(path: Path | None = None) -> asyncssh.SSHKey:
    """The server's ed25519 key: read it, or make it the first time (0600, never replaced)."""
    path = path or data_dir() / "ssh_host_ed25519_key"
    try:
        return asyncssh.read_private_key(str(path))
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = asyncssh.generate_private_key("ssh-ed25519", comment="mmaplab serve")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:  # another server made it just now
        return asyncssh.read_private_key(str(path))
    with os.fdopen(fd, "wb") as f:
        f.write(key.export_private_key())
    return key


class LabServer:
    """The running server: its connections, their sessions, and the limits."""

    def __init__(self, config: ServeConfig):
        self.config = config
        self.connections: set[_Connection] = set()
        self.sessions: set[_LabSession] = set()
        self.turned_away = 0
        self._acceptor: asyncssh.SSHAcceptor | None = None

    async def start(self) -> LabServer:
        cfg = self.config
        self.key = host_key(cfg.host_key)
        self._acceptor = await asyncssh.create_server(
            lambda: _Connection(self), cfg.host, cfg.port,
            server_host_keys=[self.key], encoding=None, line_editor=False,
            allow_pty=True, agent_forwarding=False, x11_forwarding=False, allow_scp=False,
            login_timeout=cfg.login_timeout, keepalive_interval=30, keepalive_count_max=4)
        return self

    @property
    def port(self) -> int:
        assert self._acceptor is not None
        return self._acceptor.sockets[0].getsockname()[1]

    def fingerprint(self) -> str:
        return self.key.get_fingerprint("sha256")

    async def close(self) -> None:
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
        for s in list(self.sessions):
            s.end()
        for c in list(self.connections):
            if c.conn is not None:
                c.conn.close()


class _Connection(asyncssh.SSHServer):
    def __init__(self, server: LabServer):
        self.server = server
        self.conn: asyncssh.SSHServerConnection | None = None
        self.sessions = 0

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        self.full = len(self.server.connections) >= self.server.config.max_sessions
        if not self.full:
            self.server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.connections.discard(self)

    def begin_auth(self, username: str) -> bool:
        cfg = self.server.config
        if self.full and self.conn is not None:  # after key exchange: the client shows this
            self.server.turned_away += 1
            self.conn.disconnect(asyncssh.DISC_TOO_MANY_CONNECTIONS,
                                 f"the class is full ({cfg.max_sessions} sessions)")
            return True
        if cfg.no_auth:
            return False
        if cfg.authorized_keys is not None and self.conn is not None:
            # read at each login, so keys added during class work without a restart
            with contextlib.suppress(OSError, ValueError):
                self.conn.set_authorized_keys(str(cfg.authorized_keys))
        return True

    def public_key_auth_supported(self) -> bool:
        return self.server.config.authorized_keys is not None

    def password_auth_supported(self) -> bool:
        return self.server.config.password is not None

    def validate_password(self, username: str, password: str) -> bool:
        want = self.server.config.password
        return want is not None and hmac.compare_digest(password.encode(), want.encode())

    def session_requested(self):  # one lab per connection
        if self.sessions:
            return False
        self.sessions += 1
        return _LabSession(self.server)


class _LabSession(asyncssh.SSHServerSession):
    """One client's lab: a child process on a pty, bytes passed both ways."""

    def __init__(self, server: LabServer):
        self.server = server
        self.chan: asyncssh.SSHServerChannel | None = None
        self.term: str | None = None
        self.size = (80, 24, 0, 0)
        self.master: int | None = None
        self.proc: asyncio.subprocess.Process | None = None
        self.home: str | None = None
        self.last_input = time.monotonic()
        self._backlog = bytearray()
        self._reading = False
        self._ended = False
        self._idle_task: asyncio.Task | None = None

    # -- what the client asks for ----------------------------------------------------------------
    def connection_made(self, chan) -> None:
        self.chan = chan

    def pty_requested(self, term_type, term_size, term_modes) -> bool:
        self.term = term_type or "xterm-256color"
        w, h, pw, ph = term_size
        self.size = (w or 80, h or 24, pw, ph)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command) -> bool:
        return False  # a lab, not a shell: `ssh -t host` with no command

    def subsystem_requested(self, subsystem) -> bool:
        return False

    def session_started(self) -> None:
        assert self.chan is not None
        if self.term is None:
            self.chan.write(b"mmaplab needs a terminal: connect with ssh -t\r\n")
            self.chan.exit(1)
            return
        self.server.sessions.add(self)
        asyncio.get_running_loop().create_task(self._run())

    def data_received(self, data: bytes, datatype) -> None:
        self.last_input = time.monotonic()
        if self.master is None:
            return
        if len(self._backlog) + len(data) > MAX_INPUT_BACKLOG:
            return  # the lab is not reading: drop rather than hold without bound
        self._backlog += data
        self._flush_input()

    def terminal_size_changed(self, width, height, pixwidth, pixheight) -> None:
        self.size = (width or self.size[0], height or self.size[1], pixwidth, pixheight)
        self._set_winsize()
        if self.proc is not None and self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGWINCH)

    def pause_writing(self) -> None:  # the client reads slower than the lab draws
        self._set_reading(False)

    def resume_writing(self) -> None:
        self._set_reading(True)

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc) -> None:
        self.end()

    # -- the child -------------------------------------------------------------------------------
    def _child_env(self) -> dict[str, str]:
        # COLUMNS and LINES would pin the lab to the server's size, over the pty's
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SSH_", "MMAPLAB_EXIT_", "TMUX"))
               and k not in ("COLUMNS", "LINES", "MMAPLAB_PROGRESS_FILE")}
        env["TERM"] = self.term or "xterm-256color"
        client_env = self.chan.get_environment() if self.chan is not None else {}
        lang = client_env.get("LANG", "")
        env["LANG"] = lang if "utf" in lang.lower().replace("-", "") else "C.UTF-8"
        if lang and env["LANG"] != lang:
            env["MMAPLAB_GLYPHS"] = "ascii"  # the client said LANG=C: it cannot draw Unicode
        env.pop("LC_ALL", None)
        for key in ("COLORFGBG", "NO_COLOR", "MMAPLAB_THEME", "COLORTERM"):
            if key in client_env:
                env[key] = client_env[key]
        from lab.tui.crash import CRASH_DIR_ENV, report_dir

        # Crash reports outlive the session's home below: the instructor can collect them.
        env.setdefault(CRASH_DIR_ENV, str(report_dir()))
        # Students share this account: each session keeps its progress to itself.
        self.home = tempfile.mkdtemp(prefix="mmaplab-serve-")
        for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                         ("XDG_STATE_HOME", "state")):
            env[var] = os.path.join(self.home, sub)
        return env

    def _set_winsize(self) -> None:
        if self.master is None:
            return
        w, h, pw, ph = self.size
        with contextlib.suppress(OSError):
            fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", h, w, pw, ph))

    async def _run(self) -> None:
        assert self.chan is not None
        master, slave = os.openpty()
        self.master = master
        os.set_blocking(master, False)
        self._set_winsize()
        try:
            self.proc = await asyncio.create_subprocess_exec(
                *self.server.config.child_argv(), stdin=slave, stdout=slave, stderr=slave,
                env=self._child_env(), start_new_session=True, preexec_fn=_take_tty,
                close_fds=True)
        except OSError as err:
            os.close(slave)
            self.chan.write(f"cannot start the lab: {err}\r\n".encode())
            self.end()
            return
        os.close(slave)
        self._set_reading(True)
        if self.server.config.idle_timeout > 0:
            self._idle_task = asyncio.get_running_loop().create_task(self._watch_idle())
        status = await self.proc.wait()
        await asyncio.sleep(0.05)  # let the last frame out of the pty
        self._drain_output()
        if not self._ended and self.chan is not None:
            self.chan.exit(status if status >= 0 else 128 - status)
        self.end()

    def _set_reading(self, on: bool) -> None:
        if self.master is None or on == self._reading:
            return
        loop = asyncio.get_running_loop()
        if on:
            loop.add_reader(self.master, self._drain_output)
        else:
            loop.remove_reader(self.master)
        self._reading = on

    def _drain_output(self) -> None:
        if self.master is None or self.chan is None:
            return
        try:
            data = os.read(self.master, 65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:  # EIO: the lab has closed its terminal
            self._set_reading(False)
            return
        if not data:
            self._set_reading(False)
            return
        self.chan.write(data)

    def _flush_input(self) -> None:
        if self.master is None:
            return
        loop = asyncio.get_running_loop()
        try:
            n = os.write(self.master, self._backlog)
            del self._backlog[:n]
        except BlockingIOError:
            pass
        except OSError:
            self._backlog.clear()
        loop.remove_writer(self.master)
        if self._backlog:
            loop.add_writer(self.master, self._flush_input)

    async def _watch_idle(self) -> None:
        limit = self.server.config.idle_timeout
        while not self._ended:
            left = self.last_input + limit - time.monotonic()
            if left <= 0:
                if self.chan is not None:
                    self.chan.write(f"\r\n\r\nmmaplab: no input for {limit:g} s; closing this "
                                    "session.\r\n".encode())
                    self.chan.exit(0)
                self.end()
                return
            await asyncio.sleep(min(left, 5.0))

    def end(self) -> None:
        """Stop the lab (SIGHUP, then SIGKILL) and free its terminal."""
        if self._ended:
            return
        self._ended = True
        self.server.sessions.discard(self)
        if self._idle_task is not None:
            self._idle_task.cancel()
        if self.master is not None:
            self._set_reading(False)
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_writer(self.master)
            os.close(self.master)
            self.master = None
        proc = self.proc
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGHUP)
            asyncio.get_running_loop().create_task(_reap(proc))
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)
        if self.chan is not None:
            with contextlib.suppress(Exception):
                self.chan.close()


def _take_tty() -> None:
    """In the child, after setsid(): make the pty its controlling terminal, so the kernel
    sends SIGWINCH and SIGHUP to the lab as a terminal would."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


async def _reap(proc: asyncio.subprocess.Process) -> None:
    try:
        await asyncio.wait_for(proc.wait(), KILL_GRACE)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()


async def serve_forever(config: ServeConfig, out=sys.stderr) -> None:
    config.check()
    server = await LabServer(config).start()
    auth = "none (loopback only)" if config.no_auth else " and ".join(
        a for a, on in (("authorized keys", config.authorized_keys),
                        ("class password", config.password)) if on)
    what = f"following {config.follow}" if config.follow else "each its own lab"
    print(f"mmaplab serve: listening on {config.host}:{server.port} "
          f"(host key {server.fingerprint()}; auth: {auth}; {what}; "
          f"at most {config.max_sessions} sessions)", file=out, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.close()
    await asyncio.sleep(0.1)
