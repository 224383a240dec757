"""The app's one store, its taxonomy, and small caches keyed by what the store holds.

Stored analysis results change only when ``journey analyse`` runs again, and
the contacts only when a load finishes, so frames and maps derived from them
are cached per *data version*: the analysis run (its creation time and a
digest of its meta) plus the load log's newest line. The caches belong to the
application object (no module globals), so every test app starts empty; one
family's page and JSON twin have a cache of their own
(:class:`web.family_cache.FamilyCache`, bounded by size).

Pages that show stored analysis results read them with
:meth:`ServiceData.analysed_result`, which raises :class:`NotAnalysed` (503
Service Unavailable, "run `journey analyse`") when there are none, so every
such page and its JSON twin answer alike before the first analysis.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import pandas as pd
from flask import current_app, g, has_app_context, has_request_context
from werkzeug.exceptions import ServiceUnavailable

from journey.errors import NotFoundError
from journey.store import Store
from journey.taxonomy import Taxonomy
from web.family_cache import DEFAULT_MAX_BYTES, FamilyCache

__all__ = ["ServiceData", "service_data", "run_id", "NotAnalysed", "NOT_ANALYSED"]

NOT_ANALYSED = "No analysis results yet: run `journey analyse` first, then reload this page."


class NotAnalysed(ServiceUnavailable):
    """A page needs analysis results and the store holds none (yet): 503 Service Unavailable.

    The service is there but cannot answer until ``journey analyse`` has run,
    which is what 503 means; the error page and the JSON error say so.
    """

    title = "No analysis results yet"

    def __init__(self, description: str = NOT_ANALYSED):
        super().__init__(description)


T = TypeVar("T")


def run_id(meta: dict[str, Any] | None) -> str | None:
    """What tells one stored analysis run from another: its creation time and a meta digest.

    The creation time alone is to the second; the digest (of the parameters,
    counts and step timings) tells apart two runs made within one second.

    Examples
    --------
    >>> run_id(None) is None
    True
    >>> a = run_id({"created_at": "2026-01-02T03:04:05+00:00", "run_seconds": 1.5})
    >>> b = run_id({"created_at": "2026-01-02T03:04:05+00:00", "run_seconds": 1.25})
    >>> a.startswith("2026-01-02T03:04:05+00:00 "), a == b
    (True, False)
    """
    if meta is None:
        return None
    digest = hashlib.sha256(json.dumps(meta, sort_keys=True, default=str).encode()).hexdigest()
    return f"{meta.get('created_at')} {digest[:16]}"


class ServiceData:
    """What the views read: the store, the taxonomy and cached derived values.

    Parameters
    ----------
    store : Store
        The open store (one per process).
    taxonomy : Taxonomy
        Agencies, sectors and indicator sets.
    cache_size : int, default 256
        How many derived values (maps, frames) to keep.
    family_cache_bytes : int, default 64 MiB
        The bound of :attr:`family_cache`, one family's encoded page context
        and JSON twin per viewer's role (0 keeps none).
    closer : weakref.finalize, optional
        Set when the app opened the store itself: closes it, once, on
        :meth:`close` or when the app is disposed. Without it the store
        belongs to the caller, and :meth:`close` leaves it open.
    """

    def __init__(
        self,
        store: Store,
        taxonomy: Taxonomy,
        *,
        cache_size: int = 256,
        family_cache_bytes: int = DEFAULT_MAX_BYTES,
        closer: weakref.finalize | None = None,
    ):
        self.store = store
        self.taxonomy = taxonomy
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()
        self._cache_size = cache_size
        self.family_cache = FamilyCache(max_bytes=family_cache_bytes)
        self._lock = threading.Lock()
        # The latest data version read from the store, with when its read began.
        self._last_version: tuple[int, tuple] | None = None
        self._version_lock = threading.Lock()
        self._closer = closer
        self._on_close: list[Callable[[], None]] = []

    @property
    def owns_store(self) -> bool:
        """Whether the app opened the store itself (and so closes it)."""
        return self._closer is not None

    def close(self) -> None:
        """Close the store if the app opened it (at most once); a store passed in stays open.

        Cached values are dropped either way: the app is done with them.
        """
        with self._lock:
            self._cache.clear()
        self.family_cache.clear()
        for release in self._on_close:
            release()
        if self._closer is not None:
            self._closer()

    def on_close(self, release: Callable[[], None]) -> None:
        """Call ``release`` on :meth:`close` too (the app's accounts database, say)."""
        self._on_close.append(release)

    def meta(self) -> dict[str, Any] | None:
        """The stored results' meta (parameters, counts, created_at); None before any analysis.

        Read once per request (kept on ``flask.g``): a page asks for it several times.
        """
        if has_request_context() and "journey_meta" in g:
            return g.journey_meta
        meta = self.store.results_meta()
        if has_request_context():
            g.journey_meta = meta
        return meta

    def version(self) -> tuple:
        """What the cached values depend on: the analysis run (:func:`run_id`) and the newest load.

        Read once per request (kept on ``flask.g``), so a page that uses several
        cached values asks the store once. Requests that ask at the same time
        share a read, but only one that began after they asked, so every
        request sees every load and analysis finished before it asked (see
        :meth:`_shared_version`).
        """
        if has_app_context() and "journey_version" in g:
            return g.journey_version
        version = self._shared_version()
        if has_app_context():
            g.journey_version = version
        return version

    def _shared_version(self) -> tuple:
        """The data version from a store read that began no earlier than this call.

        Reads are taken one at a time; a caller that waited while another
        read ran reads again, and those who waited behind it take that read.
        Under many concurrent requests this saves most reads of the load log,
        and never hands a request a version older than its own read would be.
        """
        asked = time.perf_counter_ns()
        with self._version_lock:
            shared = self._last_version
            if shared is not None and shared[0] >= asked:
                return shared[1]
            began = time.perf_counter_ns()
            version = (run_id(self.meta()), self.store.load_version())
            self._last_version = (began, version)
            return version

    def cached(self, key: Hashable, build: Callable[[], T], *, version: tuple | None = None) -> T:
        """Return the value cached under ``key`` for the current data version, building it once."""
        full_key = (key, self.version() if version is None else version)
        with self._lock:
            if full_key in self._cache:
                self._cache.move_to_end(full_key)
                return self._cache[full_key]
        value = build()
        with self._lock:
            self._cache[full_key] = value
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return value

    def per_request(self, key: Hashable, build: Callable[[], T]) -> T:
        """Build a value once per request (kept on ``flask.g``), for values too big to cache.

        A family's rows and analyses are read and computed once for its page,
        which also renders its maps; keeping thousands of their small objects
        in the long-lived cache would slow Python's garbage collector down.
        """
        if not has_app_context():
            return build()
        memo = g.setdefault("journey_memo", {})
        if key not in memo:
            memo[key] = build()
        return memo[key]

    def result(self, name: str) -> pd.DataFrame | None:
        """A stored result frame (cached per analysis run), or None when it has not been analysed.

        The frame is shared between requests: callers must not mutate it.
        """
        meta = self.meta()
        if meta is None:
            return None
        version = (run_id(meta),)

        def read() -> pd.DataFrame | None:
            try:
                return self.store.result(name)
            except NotFoundError:
                return None

        return self.cached(("result", name), read, version=version)

    def analysed_result(self, name: str) -> pd.DataFrame:
        """A stored result frame for a page that cannot be shown without it.

        Raises
        ------
        NotAnalysed
            When nothing has been analysed yet, or the stored run lacks ``name``.
        """
        frame = self.result(name)
        if frame is None:
            raise NotAnalysed()
        return frame

    def parameters(self) -> dict[str, Any]:
        """The analysis parameters of the stored results (empty before any analysis)."""
        meta = self.meta() or {}
        return dict(meta.get("parameters") or {})


def service_data() -> ServiceData:
    """The current application's :class:`ServiceData`."""
    return current_app.extensions["journey"]
