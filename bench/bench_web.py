"""Web server time at a million contact rows: the family page, the families list, pathways.

Uses the shared 1M-row store (:func:`bench.common.analysed_store`: 40,000
synthetic families loaded and analysed as the service would), then times
requests through Flask's test client (server time only: no network, no
browser), signed in as an analyst; the app is prepared with
:func:`web.server.warm_up` first, as ``serve`` does (stored result frames
read once, heap frozen). A family's page is timed twice on ~50 families of
about 300 contacts: its first view, which runs the family's analyses, and a
second view, which the family cache answers (the page is still rendered for
the signed-in user); then its JSON twin, encoded from the cached context.
The pathways page is timed on ~50 different (cohort, minimum) pairs, so no
cache answers. Pages do not wait for their maps: each
map document is drawn by the iframe's own request, timed on its own line.
Targets: p95 <= 50 ms (family page, as a returning viewer sees it),
p95 <= 100 ms (pathways page).
"""

from __future__ import annotations

import statistics
import time

from bench.common import Measurement, analysed_store
from graph_loader.stores import open_store
from web import create_app
from web.server import warm_up

REQUESTS = 50


def _time_requests(name: str, client, urls: list[str], target_s: float | None) -> Measurement:
    runs = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        runs.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
    measurement = Measurement(name, statistics.median(runs), runs, target_s,
                              unit="requests", target_kind="max_p95_s")
    print(measurement.line(), flush=True)
    return measurement


def _families_near(store, contacts: int, count: int) -> list[str]:
    summary = store.result("family_summary")
    distance = (summary["contacts"] - contacts).abs()
    return (
        summary.assign(distance=distance)
        .sort_values(["distance", "family_id"])["family_id"]
        .head(count)
        .tolist()
    )


def run() -> list[Measurement]:
    """Time the family page, the families list and the pathways page (p95 of ~50 requests)."""
    results = []
    store = open_store(f"sqlite:///{analysed_store(40_000)}")
    try:
        rows = store.counts()["contact_rows"]
        print(f"store: {rows:,} contact rows", flush=True)
        app = create_app({"STORE": store, "SESSION_COOKIE_SECURE": False})
        warm_up(app)  # as `serve` does: read the stored results once, freeze the heap
        client = app.test_client()
        # Signed in as an analyst (identified pages).
        accounts = app.extensions["journey.security"].accounts
        analyst = accounts.add_user(f"bench-web-{time.time_ns()}", "analyst", "a bench password")
        client.set_cookie("journey-session", accounts.start_session(analyst))
        families = _families_near(store, 300, REQUESTS)
        sizes = store.result("family_summary").set_index("family_id").loc[families, "contacts"]
        print(
            f"families timed: {len(families)} with {sizes.min()}-{sizes.max()} contacts", flush=True
        )
        pages = [f"/families/{f}" for f in families]
        results.append(_time_requests(
            f"family page, first view, {rows:,} rows", client, pages, 0.050
        ))  # fmt: skip
        results.append(_time_requests(
            "family page, viewed again (family cache)", client, pages, 0.050
        ))  # fmt: skip
        results.append(_time_requests(
            "  its JSON twin (encoded from the cached page)", client,
            [f"{p}.json" for p in pages], None,
        ))  # fmt: skip
        for kind in ("swimlane", "network"):
            results.append(
                _time_requests(
                    f"  its {kind} map document (drawn on request)",
                    client,
                    [f"/families/{f}/maps/{kind}.html" for f in families],
                    None,
                )
            )
        results.append(
            _time_requests(
                "families list page (filtered, sorted)",
                client,
                [f"/families?min_contacts={n}&sort=uncoordinated" for n in range(REQUESTS)],
                None,
            )
        )
        cohorts = ["all", "high_contact", "escalated", "eligible"]
        # Every cohort in every view: whole or up to the escalation, repeats merged or kept.
        choices = [
            f"cohort={cohorts[i % 4]}&until={('end', 'escalation')[i // 4 % 2]}"
            f"&collapse_repeats={i // 8 % 2}&min_transitions={1 + i // 16}"
            for i in range(REQUESTS)
        ]
        results.append(
            _time_requests(
                f"pathways page, {rows:,} rows", client, [f"/pathways?{c}" for c in choices], 0.100
            )
        )
        results.append(
            _time_requests(
                "  its map document (drawn on request)",
                client,
                [f"/pathways/map.html?{c}" for c in choices],
                None,
            )
        )
        results.append(_time_requests("overview page", client, ["/"] * 20, None))
        app.extensions["journey"].close()
    finally:
        store.close()
    return results


if __name__ == "__main__":
    run()
