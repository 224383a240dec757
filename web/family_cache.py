"""One family's page and JSON twin as a viewer's role sees them, kept per data version.

A family's page runs its analyses on the family's own rows, which takes a
tenth of a second at a million contacts; the answer changes only when
``journey analyse`` stores a new run or a load changes the contacts. So the
app keeps the answers, as bytes, in one bounded least-recently-used
:class:`FamilyCache` per application:

* the JSON twin as the encoded response body;
* the page's context, de-identified for the viewer's role, as a pickle (the
  page itself is rendered on every request: it carries the user's name and
  their session's CSRF token).

Every entry is keyed by the viewer's role (and whether that role sees
identified data), the family and the data version
(:meth:`web.data.ServiceData.version`: the analysis run and the newest
load). A de-identified viewer can therefore never be handed an identified
page, and nothing computed before a new analysis or load is served after it:
the first request that sees a new version empties the cache. Bytes keep the
entries immutable and out of the garbage collector's sight; the bound is on
their total size.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

__all__ = ["FamilyCache", "DEFAULT_MAX_BYTES"]

#: The cache's default bound: about 400 families of 300 contacts, page and JSON twin.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class FamilyCache:
    """A bounded, thread-safe cache of encoded per-family answers for one data version.

    Parameters
    ----------
    max_bytes : int, default 64 MiB
        The most the entries may hold together; the least recently used go first.
        An answer larger than the whole bound is built and returned, never kept.

    Examples
    --------
    >>> cache = FamilyCache(max_bytes=10)
    >>> cache.get_or_build(("run 1",), "F1", lambda: b"12345")
    b'12345'
    >>> cache.get_or_build(("run 1",), "F1", lambda: b"never built")
    b'12345'
    >>> cache.get_or_build(("run 2",), "F1", lambda: b"new")  # a new version empties it
    b'new'
    >>> len(cache), cache.size_bytes
    (1, 3)
    """

    def __init__(self, *, max_bytes: int = DEFAULT_MAX_BYTES):
        if max_bytes < 0:
            raise ValueError("max_bytes must be zero or more")
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._version: Hashable | None = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        """The total size of the entries kept."""
        return self._size

    def clear(self) -> None:
        """Drop every entry."""
        with self._lock:
            self._entries.clear()
            self._size = 0

    def _use_version(self, version: Hashable) -> None:
        """Empty the cache when the data version has changed (caller holds the lock)."""
        if version != self._version:
            self._entries.clear()
            self._size = 0
            self._version = version

    def get_or_build(self, version: Hashable, key: Hashable, build: Callable[[], bytes]) -> bytes:
        """The entry for ``key`` at ``version``, built (outside the lock) and kept when missing.

        Two requests for the same missing entry may both build it; the answers
        are equal, and the second replaces the first.
        """
        with self._lock:
            self._use_version(version)
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        value = build()
        if not isinstance(value, bytes):
            raise TypeError(f"the family cache keeps bytes, not {type(value).__name__}")
        with self._lock:
            # A request that began before a new load or analysis must not keep its answer.
            if version == self._version and len(value) <= self.max_bytes:
                self._put(key, value)
        return value

    def _put(self, key: Hashable, value: bytes) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._size -= len(old)
        self._entries[key] = value
        self._size += len(value)
        while self._size > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self._size -= len(dropped)
