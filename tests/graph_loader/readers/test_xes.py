"""The XES reader on logs written here: attributes, cases, lines, gzip, and what it refuses."""

from __future__ import annotations

import gzip

import pytest

from graph_loader.load import load_path
from graph_loader.readers.csv_reader import read_csv
from graph_loader.readers.xes import read_xes
from journey.errors import InputError

COLUMNS = ["case:concept:name", "org:group", "concept:name", "time:timestamp"]

LOG = """<?xml version="1.0" encoding="UTF-8" ?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <global scope="event"><string key="org:group" value="UNKNOWN"/></global>
  <string key="concept:name" value="the log's own name"/>
  <trace>
    <string key="concept:name" value="case-1"/>
    <event>
      <string key="concept:name" value="Referral"/>
      <string key="org:group" value="Children's Services"/>
      <date key="time:timestamp" value="2021-03-01T10:00:00.000+00:00"/>
      <list key="notes">
        <string key="concept:name" value="nested, not the event's"/>
      </list>
    </event>
    <event>
      <date key="time:timestamp" value="2021-03-02T09:30:00.000+00:00"/>
      <string value="Home visit &amp; check" key="concept:name"/>
      <string key="org:group" value="Health Visiting"/>
    </event>
  </trace>
  <trace>
    <event>
      <string key="concept:name" value="Incident"/>
      <string key="org:group" value="Police"/>
      <date key="time:timestamp" value="2021-04-01T23:00:00.000+01:00"/>
    </event>
    <string key="concept:name" value="case-2"/>
  </trace>
</log>
"""


def test_events_with_their_case_and_line(tmp_path):
    path = tmp_path / "log.xes"
    path.write_text(LOG)
    table = read_xes(path, columns=COLUMNS)
    assert table.frame.values.tolist() == [
        ["case-1", "Children's Services", "Referral", "2021-03-01T10:00:00.000+00:00", 7],
        ["case-1", "Health Visiting", "Home visit & check", "2021-03-02T09:30:00.000+00:00", 15],
        # The case's name comes after its events here: XES allows it, the reader waits for it.
        ["case-2", "Police", "Incident", "2021-04-01T23:00:00.000+01:00", 22],
    ]


def test_gzip_and_prefixed_tags_and_missing_attributes(tmp_path):
    log = LOG.replace("<event>", "<xes:event>").replace("</event>", "</xes:event>")
    log = log.replace('xmlns="http', 'xmlns:xes="http').replace(
        '<string key="org:group" value="Police"/>', ""
    )
    path = tmp_path / "log.xes.gz"
    path.write_bytes(gzip.compress(log.encode()))
    frame = read_xes(path, columns=COLUMNS).frame
    assert frame["org:group"].tolist() == ["Children's Services", "Health Visiting", ""]
    assert frame["line"].tolist() == [7, 15, 22]


def test_columns_no_event_has_are_left_out(tmp_path):
    path = tmp_path / "log.xes"
    path.write_text(LOG)
    frame = read_xes(path, columns=[*COLUMNS, "org:resource"]).frame
    assert list(frame.columns) == [*COLUMNS, "line"]


def test_lines_stay_exact_past_65535(tmp_path):
    traces = "".join(
        f'<trace>\n<string key="concept:name" value="c{i}"/>\n<event>\n'
        f'<string key="concept:name" value="A"/>\n</event>\n</trace>\n'
        for i in range(12_000)
    )
    path = tmp_path / "big.xes"
    path.write_text(f"<log>\n{traces}</log>\n")
    lines = read_xes(path, columns=["case:concept:name"]).frame["line"].tolist()
    assert lines == [4 + 6 * i for i in range(12_000)] and lines[-1] > 70_000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<log><trace><event></trace></log>", r"not well-formed XML \(line 1: mismatched tag\)"),
        ('<?xml version="1.0"?>\n<!DOCTYPE log [<!ENTITY a "aaaa">]>\n<log>&a;</log>',
         "declares XML entities"),
        ("<log>\n</log>", "no events"),
    ],
)  # fmt: skip
def test_bad_logs_are_refused(tmp_path, text, message):
    path = tmp_path / "log.xes"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        read_xes(path, columns=COLUMNS)


def test_an_attribute_over_1_mb_refuses_its_event(tmp_path, fresh_store):
    huge = "x" * 1_048_577
    path = tmp_path / "log.xes"
    path.write_text(LOG.replace("Home visit &amp; check", huge))
    report = load_path(path, fresh_store, rejects_dir=tmp_path)
    assert [(f.rows_in, f.loaded, f.rejected) for f in report.files] == [(3, 2, 1)]
    refused = read_csv(report.files[0].rejects_path).frame  # the rejects file is CSV
    assert refused[["input_line", "rule"]].values.tolist() == [["15", "R105"]]
