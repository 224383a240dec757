"""Reading and loading an XES event log of about 2.6M events (the receipt log, replicated).

The log is ``tests/data/receipt.xes.gz`` (8,577 events in 1,434 traces)
written 304 times over with the case ids made distinct (``r7-case-10011``):
2,607,408 events, about 1.2 GB of XML, in the real log's own layout. Set
``JOURNEY_BENCH_XES_COPIES`` to measure a smaller one.
"""

from __future__ import annotations

import gzip
import os
import tempfile
import time
from pathlib import Path

from bench.common import Measurement, measure
from graph_loader.load import load_path
from graph_loader.readers import ReadOptions, read_source
from graph_loader.stores import open_store

RECEIPT = Path(__file__).resolve().parents[1] / "tests" / "data" / "receipt.xes.gz"
COPIES = int(os.environ.get("JOURNEY_BENCH_XES_COPIES", "304"))
EVENTS_PER_COPY = 8_577


def write_log(path: Path, copies: int) -> int:
    """Write the receipt log ``copies`` times over as one XES file; return its events."""
    text = gzip.decompress(RECEIPT.read_bytes()).decode("utf-8")
    start, end = text.index("<trace>"), text.rindex("</log>")
    head, traces, tail = text[:start], text[start:end], text[end:]
    case = 'key="concept:name" value="case-'
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        for copy in range(copies):
            out.write(traces.replace(case, f'key="concept:name" value="r{copy}-case-'))
        out.write(tail)
    return copies * EVENTS_PER_COPY


def run() -> list[Measurement]:
    results = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        log = root / "receipt-x.xes"
        events = write_log(log, COPIES)
        reading = ReadOptions(format="eventlog")

        def read() -> None:
            table = read_source(log, reading)
            assert len(table.frame) == events

        db = root / "xes.db"

        def fresh() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)

        def load() -> None:
            store = open_store(f"sqlite:///{db}")
            try:
                report = load_path(log, store, rejects_dir=root, reading=reading)
                assert report.files[0].loaded == events
            finally:
                store.close()

        for name, work, setup, target in [
            (f"read an XES log of {events:,} events", read, None, None),
            (f"load an XES log of {events:,} events", load, fresh, 60.0),
        ]:
            started = time.perf_counter()
            results.append(measure(name, work, repeat=1, setup=setup, target_s=target))
            rate = events / (time.perf_counter() - started)
            print(f"{'':<48} {rate:,.0f} events/s", flush=True)
    return results
