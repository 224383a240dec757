"""Column mappings: reading and checking the TOML, applying it, and the shipped examples."""

from __future__ import annotations

import pandas as pd
import pytest

from graph_loader.load import load_path
from graph_loader.readers import Mapping, ReadOptions, load_mapping
from journey.errors import MappingError
from tests.paths import ROOT

EXAMPLES = ROOT / "examples"
POLICE = """
[source]
system = "police-rms"
agency = "Police"
date_format = "%d/%m/%Y %H:%M"
[columns]
contact_id = "Incident Ref"
person_id = "Person URN"
family_id = "Household"
occurred_at = "Date/Time"
contact_type = "Incident Type"
[values.contact_type]
"DOMESTIC" = "domestic_incident"
"ASB" = "incident"
"""
EXPORT = (
    "Incident Ref,Person URN,Household,Date/Time,Incident Type\n"
    "I1,P1,F1,05/03/2021 22:30,DOMESTIC\n"
    "I2,P2,F1,2021-03-06,ASB\n"  # not the mapping's format: C106, value kept
    "I3,P2,F1,31/02/2021 10:00,ASB\n"  # no such day: C106
    "I4,P2,F1,,ASB\n"  # empty: C106 from validation
    "I5,P2,F1,07/03/2021 08:00,Other\n"
)


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_mapping_is_read_whole(tmp_path):
    mapping = load_mapping(write(tmp_path, "police.toml", POLICE))
    assert (mapping.system, mapping.agency, mapping.date_format) == ("police-rms", "Police",
                                                                    "%d/%m/%Y %H:%M")  # fmt: skip
    assert mapping.columns["contact_id"] == "Incident Ref"
    assert mapping.values == {"contact_type": {"DOMESTIC": "domestic_incident", "ASB": "incident"}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[source\n", "not valid TOML"),
        ("[colums]\n", "unknown section"),
        ('[source]\nsytem = "x"\n', "unknown key"),
        ('[columns]\nincident = "Ref"\n', "'incident' is not a contract column"),
        ('[columns]\ncontact_id = ""\n', "must name a source column"),
        ('[source]\ndelimiter = ";;"\n', "delimiter must be one character"),
        ('[source]\nencoding = "klingon"\n', "unknown encoding"),
        ('[source]\ntimezone = "Mars/Olympus"\n', "unknown time zone"),
        ('[source]\ndate_format = "dd/mm/yyyy"\n', "has no % directive"),
        ('[source]\nagency = "Police"\n[columns]\nagency = "Org"\n', "both set the same column"),
        ("[values.contact_type]\nA = 1\n", "must map to a string"),
    ],
)
def test_a_bad_mapping_is_refused_naming_the_file(tmp_path, text, message):
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(MappingError, match=message) as caught:
        load_mapping(path)
    assert str(path) in str(caught.value)


def test_a_missing_mapping_file(tmp_path):
    with pytest.raises(MappingError, match="no such mapping file"):
        load_mapping(tmp_path / "none.toml")


def test_a_mapped_export_loads_with_dates_converted(tmp_path, fresh_store):
    reading = ReadOptions(mapping=load_mapping(write(tmp_path, "police.toml", POLICE)))
    report = load_path(write(tmp_path, "police.csv", EXPORT), fresh_store,
                       rejects_dir=tmp_path / "r", reading=reading)  # fmt: skip
    assert [(f.rows_in, f.loaded, f.rejected) for f in report.files] == [(5, 2, 3)]
    stored = fresh_store.contacts().sort_values("contact_id")
    assert stored[["contact_id", "agency", "contact_type", "source_system"]].values.tolist() == [
        ["I1", "Police", "domestic_incident", "police-rms"],
        ["I5", "Police", "other", "police-rms"],
    ]
    assert stored["occurred_at"].tolist() == [pd.Timestamp("2021-03-05 22:30"),
                                              pd.Timestamp("2021-03-07 08:00")]  # fmt: skip
    rejects = pd.read_csv(report.files[0].rejects_path, dtype=str, keep_default_na=False)
    assert rejects[["line", "rule", "Date/Time"]].values.tolist() == [
        ["3", "C106", "2021-03-06"], ["4", "C106", "31/02/2021 10:00"], ["5", "C106", ""]
    ]  # fmt: skip
    assert rejects["reason"][0] == (
        "C106: occurred_at does not match the mapping's date_format %d/%m/%Y %H:%M"
    )


def test_a_mapping_naming_a_column_the_file_lacks_writes_nothing(tmp_path, fresh_store):
    mapping = load_mapping(write(tmp_path, "police.toml", POLICE))
    export = write(tmp_path, "police.csv", EXPORT.replace("Household", "House"))
    with pytest.raises(MappingError) as caught:
        load_path(export, fresh_store, reading=ReadOptions(mapping=mapping))
    message = str(caught.value)
    assert str(mapping.path) in message and str(export) in message and "'Household'" in message
    assert "(rule M001)" in message
    assert fresh_store.counts()["contact_rows"] == 0 and fresh_store.loads().empty


def test_a_zone_other_than_london_is_converted(tmp_path, fresh_store):
    text = ("contact_id,person_id,family_id,agency,contact_type,occurred_at\n"
            "c1,p1,F1,GP,appointment,2021-07-01T09:00:00\n"
            "c2,p1,F1,GP,appointment,2021-07-01T09:00:00+01:00\n")  # fmt: skip
    reading = ReadOptions(mapping=Mapping(timezone="America/New_York"))
    load_path(write(tmp_path, "c.csv", text), fresh_store, rejects_dir=tmp_path, reading=reading)
    stored = fresh_store.contacts().sort_values("contact_id")
    # 09:00 in New York (UTC-4 in July) is 14:00 in London; a written offset is kept.
    assert stored["occurred_at"].tolist() == [pd.Timestamp("2021-07-01 14:00"),
                                              pd.Timestamp("2021-07-01 09:00")]  # fmt: skip


def test_a_file_column_the_mapping_fills_from_another_is_kept_renamed(tmp_path, fresh_store):
    text = ("ref,person_id,family_id,agency,Org,contact_type,occurred_at\n"
            "c1,p1,F1,ignored,Police,incident,2021-01-01\n")  # fmt: skip
    reading = ReadOptions(mapping=Mapping(columns={"contact_id": "ref", "agency": "Org"}))
    report = load_path(write(tmp_path, "c.csv", text), fresh_store, rejects_dir=tmp_path,
                       reading=reading)  # fmt: skip
    assert any("'agency' is kept as 'agency (source)'" in w for w in report.warnings)
    assert fresh_store.contacts()["agency"].tolist() == ["Police"]


EXPECTED = {
    # example: (rows loaded, {contact_id: (agency, contact_type, London time)})
    "police-incidents": (5, {"INC-2021-0012": ("Police", "missing_episode", "2021-04-01 01:15")}),
    "school-attendance": (4, {"ATT-3": ("School", "exclusion", "2021-03-10 00:00")}),
    "dwp-extract": (4, {"DWP-003": ("DWP JobCentre Plus", "sanction", "2021-04-19 00:00")}),
    # 11:15 UTC on 6 April is 12:15 in London (summer time).
    "health-export": (3, {"H-5003": ("School Nursing", "appointment", "2021-04-06 12:15")}),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_shipped_example_loads_with_its_mapping(tmp_path, fresh_store, name):
    mapping = load_mapping(EXAMPLES / "mappings" / f"{name}.toml")
    report = load_path(EXAMPLES / f"{name}.csv", fresh_store, rejects_dir=tmp_path,
                       reading=ReadOptions(mapping=mapping))  # fmt: skip
    loaded, samples = EXPECTED[name]
    assert [(f.rows_in, f.loaded, f.rejected) for f in report.files] == [(loaded, loaded, 0)]
    stored = fresh_store.contacts().set_index("contact_id")
    for contact_id, (agency, contact_type, at) in samples.items():
        row = stored.loc[contact_id]
        assert (row["agency"], row["contact_type"], row["occurred_at"]) == (
            agency, contact_type, pd.Timestamp(at)
        )  # fmt: skip
        assert row["source_system"] == mapping.system


def test_the_police_example_keeps_its_cp1252_text():
    from graph_loader.readers import read_source

    mapping = load_mapping(EXAMPLES / "mappings" / "police-incidents.toml")
    table = read_source(EXAMPLES / "police-incidents.csv", ReadOptions(mapping=mapping))
    assert table.encoding == "cp1252" and table.warnings == []
    assert "£20 damage" in table.frame["Officer note"].tolist()
