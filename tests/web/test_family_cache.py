"""The family cache: bounded, per role, never stale after a new analysis or load; its version."""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import datetime

import pandas as pd
import pytest

from journey.analysis import analyse_store
from journey.store import LoadRecord
from journey.taxonomy import default_taxonomy
from tests.builders import contacts_frame
from tests.web.conftest import TEST_CONFIG
from tests.web.signin import signed_in_client
from tests.web.test_access import pseudonym_of
from tests.web.test_privacy import REAL_IDS
from web.app import create_app
from web.data import ServiceData
from web.family_cache import FamilyCache


def _cache(app) -> FamilyCache:
    return app.extensions["journey"].family_cache


@pytest.fixture
def fresh(store):
    """An app over the same store that keeps no family answers: every page computed afresh."""
    app = create_app({"STORE": store, "FAMILY_CACHE_BYTES": 0, **TEST_CONFIG})
    yield signed_in_client(app, "analyst")
    app.extensions["journey"].close()


# -- the cache on its own ------------------------------------------------------------------


def test_least_recently_used_entries_go_first_and_the_bound_holds():
    cache = FamilyCache(max_bytes=10)
    for key in "abc":
        cache.get_or_build("v1", key, lambda: b"xxx")  # 3 + 3 + 3 = 9 bytes
    cache.get_or_build("v1", "a", lambda: b"never built")  # a is now the most recent
    cache.get_or_build("v1", "d", lambda: b"yyyy")  # 13 bytes: b (the oldest) goes -> 10
    assert (len(cache), cache.size_bytes) == (3, 10)
    assert cache.get_or_build("v1", "c", lambda: b"never built") == b"xxx"
    assert cache.get_or_build("v1", "b", lambda: b"rebuilt") == b"rebuilt"  # b was dropped
    # 10 + 7 = 17: a (3), then d (4) go, the least recently used -> c and b, 10 bytes.
    assert (len(cache), cache.size_bytes) == (2, 10)
    assert sorted(cache._entries) == ["b", "c"]
    assert (cache.hits, cache.misses) == (2, 5)


def test_entries_are_kept_by_total_size_worked_out_by_hand():
    cache = FamilyCache(max_bytes=10)
    cache.get_or_build("v", "a", lambda: b"123")
    cache.get_or_build("v", "b", lambda: b"4567")
    assert (len(cache), cache.size_bytes) == (2, 7)
    cache.get_or_build("v", "c", lambda: b"89012")  # 12 > 10: a (the oldest) goes -> 9
    assert (len(cache), cache.size_bytes) == (2, 9)
    assert cache.get_or_build("v", "b", lambda: b"other") == b"4567"
    assert cache.get_or_build("v", "a", lambda: b"abc") == b"abc"  # rebuilt: c goes -> 7
    assert (len(cache), cache.size_bytes) == (2, 7)


def test_an_answer_bigger_than_the_bound_is_returned_but_not_kept():
    cache = FamilyCache(max_bytes=4)
    assert cache.get_or_build("v", "a", lambda: b"12345") == b"12345"
    assert (len(cache), cache.size_bytes) == (0, 0)


def test_a_new_version_empties_the_cache():
    cache = FamilyCache()
    cache.get_or_build("run 1", "a", lambda: b"old")
    assert cache.get_or_build("run 2", "a", lambda: b"new") == b"new"
    assert (len(cache), cache.size_bytes) == (1, 3)


def test_an_answer_built_for_an_older_version_is_not_kept():
    cache = FamilyCache()

    def slow_build() -> bytes:
        cache.get_or_build("run 2", "other", lambda: b"x")  # a new run arrives meanwhile
        return b"old"

    assert cache.get_or_build("run 1", "a", slow_build) == b"old"
    assert cache.get_or_build("run 2", "a", lambda: b"new") == b"new"


def test_only_bytes_are_kept():
    with pytest.raises(TypeError):
        FamilyCache().get_or_build("v", "a", lambda: {"not": "bytes"})


# -- the cache behind the family page ------------------------------------------------------


def test_the_cached_json_equals_a_fresh_computation(client, fresh, app):
    for family_id in ("F001", "F002", "F004", "F005"):
        first = client.get(f"/families/{family_id}.json")
        hits = _cache(app).hits
        again = client.get(f"/families/{family_id}.json")
        assert _cache(app).hits == hits + 1  # answered from the cache
        assert first.status_code == again.status_code == 200
        assert again.get_data() == first.get_data()
        assert again.get_json() == fresh.get(f"/families/{family_id}.json").get_json()
        assert again.mimetype == "application/json"


def test_the_cached_page_is_the_page_computed_afresh(client, app):
    first = client.get("/families/F001").get_data(as_text=True)
    hits = _cache(app).hits
    again = client.get("/families/F001").get_data(as_text=True)
    assert _cache(app).hits == hits + 1
    assert again == first
    assert "F001" in again and "Police" in again


def test_a_new_analysis_run_is_never_answered_from_the_old_one(client, fresh, store):
    before = client.get("/families/F001.json").get_json()
    assert before["high_contact"]["is_high_contact"] is True  # 32 contacts >= 30
    analyse_store(store, min_contacts=40)  # may be within the same second as the first run
    after = client.get("/families/F001.json").get_json()
    assert after["parameters"]["min_contacts"] == 40
    assert after["high_contact"]["is_high_contact"] is False  # 32 < 40
    assert after == fresh.get("/families/F001.json").get_json()
    page = _without_token(client.get("/families/F001").get_data(as_text=True))
    assert page == _without_token(fresh.get("/families/F001").get_data(as_text=True))


def _without_token(page: str) -> str:
    """The page without its session's CSRF token (two sessions' pages differ only there)."""
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token"', page)


def test_a_new_load_is_never_answered_from_before_it(client, store):
    assert client.get("/families/F001.json").get_json()["summary"]["contacts"] == 32
    extra = contacts_frame([("F1C99", "F1-kid", "GP", "appointment", "2021-12-20", None, "F001")])
    rows = store.write_contacts(extra)
    when = datetime(2023, 2, 1, 9, 0)
    store.record_load(LoadRecord(source="more.csv", started_at=when, finished_at=when,
                                 rows_in=rows, loaded=rows, rejected=0))  # fmt: skip
    store.finish_load()
    shown = client.get("/families/F001.json").get_json()
    assert shown["summary"]["contacts"] == 33  # computed from the family's rows: no analysis
    assert "F1C99" in json.dumps(shown)


def test_roles_never_share_entries(client, client_of, app):
    assert client.get("/families/F001.json").status_code == 200  # the analyst's, cached
    assert client.get("/families/F001").status_code == 200
    f001 = pseudonym_of(app, "F001")
    for role in ("commissioner", "designer"):
        viewer = client_of(role)
        for path in (f"/families/{f001}.json", f"/families/{f001}"):
            for _ in range(2):  # the second answer comes from the role's own entry
                text = viewer.get(path).get_data(as_text=True)
                assert f001 in text
                for real in REAL_IDS:
                    assert not re.search(rf"\b{re.escape(real)}\b", text), (role, path, real)
        assert viewer.get("/families/F001.json").status_code == 404  # real ids are no keys
    roles = {key[1][0] for key in _cache(app)._entries}
    assert roles == {"analyst", "commissioner", "designer"}


def test_the_security_checks_still_run_on_a_cached_answer(client, client_of, anonymous_client, app):
    assert client.get("/families/F001.json").status_code == 200
    audit = app.extensions["journey.security"].audit
    views = len(audit.events(action="view-family", subject="F001"))
    assert client.get("/families/F001.json").status_code == 200  # from the cache
    assert len(audit.events(action="view-family", subject="F001")) == views + 1
    assert anonymous_client.get("/families/F001.json").status_code == 401
    assert client_of("keyworker").get("/families/F001.json").status_code == 404  # not theirs


def test_the_bound_holds_in_the_app(store, fresh):
    bound = 6000
    app = create_app({"STORE": store, "FAMILY_CACHE_BYTES": bound, **TEST_CONFIG})
    try:
        client = signed_in_client(app, "analyst")
        cache = _cache(app)
        for family_id in ["F001", "F002", "F003", "F004", "F005"] * 2:
            for suffix in ("", ".json"):
                response = client.get(f"/families/{family_id}{suffix}")
                assert response.status_code == 200
                assert cache.size_bytes <= bound
                assert cache.size_bytes == sum(len(v) for v in cache._entries.values())
            assert client.get(f"/families/{family_id}.json").get_json() == fresh.get(
                f"/families/{family_id}.json"
            ).get_json()
        assert 0 < len(cache) < 10  # some kept, not all ten answers
    finally:
        app.extensions["journey"].close()


def test_no_family_answers_are_kept_when_the_bound_is_zero(fresh):
    assert fresh.get("/families/F001.json").status_code == 200
    assert len(_cache(fresh.application)) == 0


# -- the data version the entries are keyed by ---------------------------------------------


class _CountingStore:
    """A store's load log and results meta, counting reads; ``gate`` holds a read until set."""

    def __init__(self):
        self.reads = 0
        self.loads_frame = pd.DataFrame({"load_id": [1], "finished_at": ["2023-01-02"]})
        self.gate = threading.Event()
        self.gate.set()
        self.reading = threading.Event()

    def load_version(self) -> tuple:
        self.reads += 1
        self.reading.set()
        self.gate.wait(timeout=10)
        return (len(self.loads_frame), *self.loads_frame.iloc[0].tolist())

    def results_meta(self) -> dict:
        return {"created_at": "2026-01-02T03:04:05+00:00"}


def test_every_version_read_sees_a_load_finished_before_it_was_asked_for():
    store = _CountingStore()
    data = ServiceData(store, default_taxonomy())
    first = data.version()
    store.loads_frame = pd.DataFrame({"load_id": [2, 1], "finished_at": ["2023-02-01", "x"]})
    second = data.version()
    assert store.reads == 2
    assert first != second and second[1] == (2, 2, "2023-02-01")


def test_requests_waiting_behind_a_read_share_the_next_one():
    store = _CountingStore()
    data = ServiceData(store, default_taxonomy())
    store.gate.clear()
    first = threading.Thread(target=data.version)
    first.start()
    assert store.reading.wait(timeout=10)  # the first read has begun and is held
    versions = []
    waiting = [threading.Thread(target=lambda: versions.append(data.version())) for _ in range(3)]
    for thread in waiting:
        thread.start()
    time.sleep(0.3)  # all three have asked, after the first read began: they may not take it
    store.gate.set()
    for thread in [first, *waiting]:
        thread.join(timeout=10)
    assert store.reads == 2  # the held read, then one read for the three who waited
    assert len(versions) == 3 and len(set(versions)) == 1
