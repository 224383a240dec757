"""``journey flags`` (and ``journey triage``) through click's runner, on a real SQLite store."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from graph_loader.accounts import open_accounts
from graph_loader.stores import open_store
from tests.journey.test_flags import CONTACTS, ELIGIBILITY, PERIODS
from web.cli import cli


@pytest.fixture
def flag_store(tmp_path) -> str:
    """The flags tests' hand-built population in a store file, its eligibility stored."""
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    store = open_store(url)
    store.write_contacts(CONTACTS)
    store.write_lead_periods(PERIODS)
    store.finish_load()
    store.save_results({"eligibility": ELIGIBILITY}, {"families": 7})
    store.close()
    return url


def test_flags_writes_the_file_prints_counts_and_is_audited(flag_store, tmp_path):
    out = tmp_path / "police-flags.csv"
    result = CliRunner().invoke(cli, ["flags", "--agency", "sussex police", "--as-of",
                                      "2021-09-30", "--out", str(out), "--store", flag_store])
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert written["person_id"].tolist() == ["p1", "p2", "p3", "p4"]
    assert written["contact_ids"].tolist() == ["c1;c2", "c1", "c4", "c5"]
    assert "wrote 4 people of 3 families" in result.output
    assert "  lead professional now: 2\n  supported until: 1\n" in result.output
    accounts, audit = open_accounts(flag_store)
    try:
        event = audit.events(limit=1)[0]
    finally:
        accounts.close()
    assert (event.action, event.subject) == ("flag-file",
                                             "Police as of 2021-09-30: police-flags.csv")
    assert "p1" not in event.subject


def test_flags_default_day_is_the_stores_latest_contact(flag_store, tmp_path):
    out = tmp_path / "flags.csv"
    result = CliRunner().invoke(cli, ["flags", "--agency", "Police", "--out", str(out),
                                      "--store", flag_store])
    assert result.exit_code == 0, result.output
    assert "as of 2021-10-01" in result.output  # c8 on 1 Oct is the latest contact


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "CAMHS"], "no contact of 'CAMHS' in the store"),
        (["--agency", "Nobody's Agency"], "(not an agency of the taxonomy)"),
        (["--agency", "Police", "--as-of", "last tuesday"], "--as-of: 'last tuesday' is not"),
    ],
)
def test_flags_bad_input_says_what_and_why(flag_store, tmp_path, args, message):
    result = CliRunner().invoke(cli, ["flags", *args, "--out", str(tmp_path / "x.csv"),
                                      "--store", flag_store])
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "x.csv").exists()


def test_flags_before_any_analysis_asks_for_one(tmp_path):
    url = f"sqlite:///{tmp_path / 'raw.db'}"
    store = open_store(url)
    store.write_contacts(CONTACTS)
    store.finish_load()
    store.close()
    result = CliRunner().invoke(cli, ["flags", "--agency", "Police", "--out",
                                      str(tmp_path / "x.csv"), "--store", url])
    assert result.exit_code == 1 and "run `journey analyse`" in result.output


@pytest.fixture
def triage_store(tmp_path) -> str:
    """The triage tests' hand-built families in a store file, their summary stored."""
    from tests.journey.test_triage import CONTACTS as TRIAGE_CONTACTS
    from tests.journey.test_triage import PEOPLE as TRIAGE_PEOPLE
    from tests.journey.test_triage import PERIODS as TRIAGE_PERIODS
    from tests.journey.test_triage import SUMMARY

    url = f"sqlite:///{tmp_path / 'triage.db'}"
    store = open_store(url)
    store.write_people(TRIAGE_PEOPLE)
    store.write_contacts(TRIAGE_CONTACTS)
    store.write_lead_periods(TRIAGE_PERIODS)
    store.finish_load()
    store.save_results({"family_summary": SUMMARY}, {"families": 4})
    store.close()
    return url


def test_triage_prints_and_writes_the_list_highest_priority_first(triage_store, tmp_path):
    out = tmp_path / "triage.csv"
    result = CliRunner().invoke(cli, ["triage", "--since", "2022-03-03T08:00", "--until",
                                      "2022-03-04T08:00", "--out", str(out),
                                      "--store", triage_store])
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out)
    assert written["family_id"].tolist() == ["FA", "FC", "FB"]
    assert written["priority"].tolist() == [17, 4, 3]
    assert "3 families with domestic_incident since 2022-03-03 08:00" in result.output
    accounts, audit = open_accounts(triage_store)
    try:
        event = audit.events(limit=1)[0]
    finally:
        accounts.close()
    assert (event.action, event.subject) == ("export", "triage CSV from 2022-03-03 08:00: "
                                                       "triage.csv")


def test_triage_default_moves_to_the_morning_after_the_latest_incident(triage_store):
    result = CliRunner().invoke(cli, ["triage", "--store", triage_store])
    assert result.exit_code == 0, result.output
    # The latest incident is a10 on Saturday 5 March 2022: Monday's meeting, from Friday 08:00.
    assert "the morning of Monday 07 March 2022 (from Friday 04 March 2022 08:00)" in (
        result.output)
    assert "1 family with domestic_incident since 2022-03-04 08:00" in result.output


def test_triage_bad_time_and_empty_window_say_so(triage_store):
    bad = CliRunner().invoke(cli, ["triage", "--since", "yesterday", "--store", triage_store])
    assert bad.exit_code == 2 and "--since: 'yesterday' is not an ISO 8601" in bad.output
    empty = CliRunner().invoke(cli, ["triage", "--since", "2023-01-01", "--store", triage_store])
    assert empty.exit_code == 0 and "0 families with domestic_incident" in empty.output
