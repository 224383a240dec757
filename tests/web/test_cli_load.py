"""`journey load` through click's runner: mappings, event logs, sheets, and their refusals."""

from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner

from graph_loader.readers import EventLogColumns
from graph_loader.stores import open_store
from tests.paths import DATA, ROOT
from web.cli import cli
from web.cli_load import _EVENTLOG_OPTIONS

RECEIPT_OPTIONS = ["--format", "eventlog", "--case-column", "case:concept:name",
                   "--agency-column", "org:group", "--type-column", "concept:name",
                   "--time-column", "time:timestamp"]  # fmt: skip
RECEIPT_LINE = "rows in 8,577 = loaded 8,577 + rejected 0 + duplicates 0"


@pytest.fixture
def runner():
    return CliRunner()


def test_the_receipt_log_loads_from_the_command_line(runner, tmp_path):
    store = f"sqlite:///{tmp_path / 'j.db'}"
    args = ["load", str(DATA / "receipt.csv.gz"), "--store", store, *RECEIPT_OPTIONS]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert f"receipt.csv.gz: {RECEIPT_LINE}" in result.output
    opened = open_store(store, create=False)
    try:
        assert opened.counts()["families"] == 1434
    finally:
        opened.close()


def test_an_xes_log_needs_no_format(runner, tmp_path):
    store = f"sqlite:///{tmp_path / 'j.db'}"
    result = runner.invoke(cli, ["load", str(DATA / "receipt.xes.gz"), "--store", store])
    assert result.exit_code == 0, result.output
    assert f"receipt.xes.gz: {RECEIPT_LINE}" in result.output


def test_eventlog_columns_without_the_format_are_refused(runner, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("a\n1\n")
    result = runner.invoke(cli, ["load", str(path), "--case-column", "Case"])
    assert result.exit_code == 2 and "--case-column need(s) --format eventlog" in result.output


def test_a_mapping_naming_a_missing_column_exits_2_and_writes_nothing(runner, tmp_path):
    mapping = ROOT / "examples" / "mappings" / "police-incidents.toml"
    export = tmp_path / "police.csv"
    export.write_bytes((ROOT / "examples" / "police-incidents.csv").read_bytes()
                       .replace(b"Household", b"House"))  # fmt: skip
    db = tmp_path / "j.db"
    result = runner.invoke(cli, ["load", str(export), "--mapping", str(mapping),
                                 "--store", f"sqlite:///{db}"])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert str(mapping) in result.output and str(export) in result.output
    assert "'Household'" in result.output and "Traceback" not in result.output
    opened = open_store(f"sqlite:///{db}", create=False)
    try:
        assert opened.counts()["contact_rows"] == 0 and opened.loads().empty
    finally:
        opened.close()


def test_a_bad_mapping_file_exits_2(runner, tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text("[colums]\n")
    path = tmp_path / "c.csv"
    path.write_text("a\n1\n")
    result = runner.invoke(cli, ["load", str(path), "--mapping", str(mapping)])
    assert result.exit_code == 2 and "unknown section(s) colums" in result.output


def test_an_unknown_sheet_exits_2(runner, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Contacts"
    book.save(tmp_path / "book.xlsx")
    result = runner.invoke(cli, ["load", str(tmp_path / "book.xlsx"), "--sheet", "Other",
                                 "--store", f"sqlite:///{tmp_path / 'j.db'}"])  # fmt: skip
    assert result.exit_code == 2 and "no sheet 'Other' (its sheets: Contacts)" in result.output


def test_the_eventlog_option_defaults_are_the_readers():
    defaults = EventLogColumns()
    for name, (flag, field, default, _) in _EVENTLOG_OPTIONS.items():
        option = next(p for p in cli.commands["load"].params if p.name == name)
        assert option.default == default == getattr(defaults, field), flag
    assert {f.name for f in dataclasses.fields(EventLogColumns)} == {
        v[1] for v in _EVENTLOG_OPTIONS.values()
    }
