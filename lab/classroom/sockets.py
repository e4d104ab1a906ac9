# SPDX-License-Identifier: GPL-2.0-only
"""Where a session's socket lives, and making it without races.

A session NAME is the socket DIR/NAME.sock. DIR is a class directory the instructor picks
(e.g. /srv/mmaplab, group `class`, mode 2770) or, by default, $XDG_RUNTIME_DIR/mmaplab
(else /tmp/mmaplab-UID), made 0700. The socket is bound under a fresh 0700 directory that
only we can enter, given its mode and group there, and then renamed into place: nobody can
swap it for a symlink between bind and chmod, and a stale socket of a crashed instructor is
replaced in one step. A lock file held while teaching keeps two instructors off one name.
"""

from __future__ import annotations

import errno
import fcntl
import grp
import os
import re
import socket
import stat
import tempfile
from pathlib import Path

NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
SUN_PATH_MAX = 107  # sockaddr_un.sun_path is 108 bytes with the NUL


class ClassroomError(Exception):
    """A session that cannot be taught or followed as asked; the message says why."""


def check_name(name: str) -> str:
    if not NAME_RE.fullmatch(name):
        raise ClassroomError(f"bad session name {name!r}: use letters, digits, '.', '_' "
                             "or '-' (up to 64, not starting with '.' or '-')")
    return name


def default_dir() -> Path:
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        return Path(runtime) / "mmaplab"
    return Path(tempfile.gettempdir()) / f"mmaplab-{os.getuid()}"


def socket_path(name: str, directory: str | os.PathLike | None = None) -> Path:
    path = Path(directory) if directory is not None else default_dir()
    path = path / f"{check_name(name)}.sock"
    if len(os.fsencode(path)) > SUN_PATH_MAX - 24:  # room for the temporary name too
        raise ClassroomError(f"{path}: path too long for a Unix socket; pick a shorter --dir")
    return path


def group_id(group: str | int | None) -> int | None:
    if group is None or isinstance(group, int):
        return group
    if group.isdigit():
        return int(group)
    try:
        return grp.getgrnam(group).gr_gid
    except KeyError:
        raise ClassroomError(f"no group named {group!r}") from None


def check_dir(directory: Path) -> os.stat_result:
    """A directory others cannot use against us: a real directory (no symlink), ours or
    root's, not writable by all unless sticky (as /tmp is)."""
    try:
        st = os.lstat(directory)
    except FileNotFoundError:
        raise ClassroomError(f"{directory}: no such directory") from None
    if stat.S_ISLNK(st.st_mode):
        raise ClassroomError(f"{directory} is a symbolic link; refusing it")
    if not stat.S_ISDIR(st.st_mode):
        raise ClassroomError(f"{directory} is not a directory")
    if st.st_uid not in (os.getuid(), 0):
        raise ClassroomError(f"{directory} belongs to another user (uid {st.st_uid})")
    if st.st_mode & stat.S_IWOTH and not st.st_mode & stat.S_ISVTX:
        raise ClassroomError(f"{directory} is writable by everyone; refusing it")
    return st


def prepare_dir(directory: Path, gid: int | None, private: bool) -> os.stat_result:
    """Make the class directory if it is missing (0700, or 2770 with the group), then check
    it. An existing directory is used as its owner set it up."""
    try:
        os.mkdir(directory, 0o700)
        if gid is not None and not private:
            os.chown(directory, -1, gid)
            os.chmod(directory, 0o2770)  # the setgid bit: what is made here keeps the group
    except FileExistsError:
        pass
    except FileNotFoundError:
        raise ClassroomError(f"{directory.parent}: no such directory") from None
    return check_dir(directory)


class Listener:
    """The bound, listening socket of a session, with its lock; close() removes both."""

    def __init__(self, path: Path, *, gid: int | None = None, private: bool = False,
                 backlog: int = 128):
        self.path = path
        directory = path.parent
        dir_stat = prepare_dir(directory, gid, private)
        if gid is None and not private:
            gid = dir_stat.st_gid
        self.mode = 0o600 if private else 0o660
        self._lock = self._take_lock(path.with_suffix(".lock"))
        try:
            self._check_old_socket(path)
            self.sock, self._ident = self._bind_and_rename(path, gid, backlog)
        except BaseException:
            os.close(self._lock)
            raise

    def _take_lock(self, lock_path: Path) -> int:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                         self.mode)
        except OSError as err:
            if err.errno == errno.ELOOP:
                raise ClassroomError(f"{lock_path} is a symbolic link; refusing it") from None
            raise ClassroomError(f"{lock_path}: {err.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ClassroomError(
                f"session {self.path.stem!r} is already being taught ({self.path})") from None
        return fd

    @staticmethod
    def _check_old_socket(path: Path) -> None:
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return
        if not stat.S_ISSOCK(st.st_mode):
            raise ClassroomError(f"{path} exists and is not a socket; refusing to replace it")
        # A socket and we hold the lock: what is left of an instructor that died. The
        # rename below replaces it.

    def _bind_and_rename(self, path: Path, gid: int | None, backlog: int):
        tmpdir = tempfile.mkdtemp(prefix=".mmaplab-", dir=path.parent)
        tmp = os.path.join(tmpdir, "s")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(tmp)
            os.chmod(tmp, self.mode)
            if gid is not None and os.stat(tmp).st_gid != gid:
                try:
                    os.chown(tmp, -1, gid)
                except PermissionError:
                    raise ClassroomError(
                        f"cannot give the socket group {gid}: you are not in it") from None
            sock.listen(backlog)
            os.rename(tmp, path)
            st = os.lstat(path)
        except BaseException:
            sock.close()
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        finally:
            os.rmdir(tmpdir)
        return sock, (st.st_dev, st.st_ino)

    def close(self) -> None:
        """Remove the socket if it is still ours, then let the name go."""
        try:
            st = os.lstat(self.path)
            if (st.st_dev, st.st_ino) == self._ident:
                os.unlink(self.path)
        except FileNotFoundError:
            pass
        self.sock.close()
        os.close(self._lock)
