"""The shipped taxonomy and overrides."""

import pandas as pd
import pytest

from journey.errors import TaxonomyError
from journey.taxonomy import default_taxonomy, load_taxonomy


def test_every_agency_has_a_known_sector_and_aliases_resolve():
    taxonomy = default_taxonomy()
    assert set(taxonomy.agencies.values()) <= set(taxonomy.sectors)
    assert taxonomy.canonical_agency("YOT")[0] == "Youth Justice"
    assert taxonomy.canonical_agency("cmht")[:2] == ("Adult Mental Health", "mental health")


def test_both_indicator_sets_ship_with_their_thresholds():
    taxonomy = default_taxonomy()
    assert taxonomy.indicator_set("tf2015").min_indicators == 2
    assert len(taxonomy.indicator_set("tf2015").indicators) == 6
    assert taxonomy.indicator_set("sf2022").min_indicators == 3
    assert len(taxonomy.indicator_set("sf2022").indicators) == 10
    with pytest.raises(TaxonomyError, match="unknown indicator set"):
        taxonomy.indicator_set("tf1999")


def test_indicator_matrix_maps_sector_and_type():
    contacts = pd.DataFrame(
        {
            "sector": ["police", "education", "police", "domestic abuse"],
            "contact_type": ["incident", "school_absence", "domestic_incident", "support_session"],
        }
    )
    matrix = default_taxonomy().indicator_matrix(contacts, "tf2015")
    assert matrix["crime_asb"].tolist() == [True, False, False, False]
    assert matrix["education"].tolist() == [False, True, False, False]
    assert matrix["domestic_abuse"].tolist() == [False, False, True, True]


def test_override_file_is_used(tmp_path):
    path = tmp_path / "tax.toml"
    path.write_text(
        'sectors = ["police", "other"]\n[[agency]]\nname = "Constabulary"\nsector = "police"\n'
        'aliases = ["cops"]\n'
    )
    taxonomy = load_taxonomy(path)
    assert taxonomy.canonical_agency("COPS") == ("Constabulary", "police", True)
    assert taxonomy.source == str(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sectors = [", "not valid TOML"),
        ('sectors = ["x"]\n[[agency]]\nname = "A"\nsector = "y"\n', "unknown sector"),
        ('sectors = ["x"]\n', "malformed"),
    ],
)
def test_bad_override_names_the_file(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(TaxonomyError, match=message) as error:
        load_taxonomy(path)
    assert str(path) in str(error.value)


def test_missing_override_file(tmp_path):
    with pytest.raises(TaxonomyError, match="cannot read"):
        load_taxonomy(tmp_path / "nope.toml")
