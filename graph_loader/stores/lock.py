"""One load at a time on a store file: an exclusive lock on a file beside it, waited for a while.

The lock is the operating system's (``flock`` on POSIX, ``msvcrt.locking``
on Windows) on ``<store>.load-lock``, so a load that is killed releases it
with its process: a stale lock never blocks the next load. The lock file is
left in place; removing it while another process waits on it would let two
loads in at once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from journey.errors import StoreBusyError, StoreError

__all__ = ["exclusive", "lock_path"]

# How often a waiting load tries the lock again.
_POLL_SECONDS = 0.1


def lock_path(store_path: Path) -> Path:
    """The lock file of a store file.

    Examples
    --------
    >>> lock_path(Path("data/journey.db")).as_posix()
    'data/journey.db.load-lock'
    """
    return store_path.with_name(store_path.name + ".load-lock")


def _try_lock(descriptor: int) -> bool:
    """Take the lock without waiting; False when another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(descriptor: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)
        return
    fcntl.flock(descriptor, fcntl.LOCK_UN)


@contextmanager
def exclusive(store_path: Path, *, name: str, wait_seconds: float) -> Iterator[None]:
    """Hold the load lock of ``store_path``, waiting up to ``wait_seconds`` for another load.

    Raises
    ------
    StoreBusyError
        When another process still holds the lock after ``wait_seconds``; the
        message names the store (``name``).
    StoreError
        When the lock file cannot be created.
    """
    path = lock_path(store_path)
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise StoreError(f"{path}: cannot create the load lock ({error.strerror})") from None
    try:
        deadline = time.monotonic() + max(wait_seconds, 0.0)
        while not _try_lock(descriptor):
            if time.monotonic() >= deadline:
                raise StoreBusyError(
                    f"{name}: another load is writing to this store; waited {wait_seconds:g} s "
                    "for it to finish (try again later, or wait longer with --wait)"
                )
            time.sleep(_POLL_SECONDS)
        try:
            yield
        finally:
            _unlock(descriptor)
    finally:
        os.close(descriptor)
