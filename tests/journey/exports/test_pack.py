"""The workshop pack: journeys and pathways in three formats, an index linking them, a zip."""

from __future__ import annotations

import re
import zipfile

import pytest

from journey.errors import OutputError
from journey.exports import family_export, pathways_export
from journey.exports.pack import PACK_FORMATS, write_pack
from tests.journey.exports.family import CONTACTS, PEOPLE
from tests.journey.exports.test_model import ENDS, FLOWS


def _pack(folder):
    journeys = [family_export(CONTACTS, PEOPLE, label=f"Journey {n}") for n in (1, 2)]
    lines: list[str] = []
    written, archive = write_pack(folder, journeys, pathways_export(FLOWS, ENDS),
                                  progress=lines.append)  # fmt: skip
    return written, archive, lines


def test_the_pack_links_every_file_it_writes_and_zips_them(tmp_path):
    written, archive, lines = _pack(tmp_path / "workshop")
    names = {p.name for p in written}
    stems = ("journey-1", "journey-2", "pathways")
    assert names == {f"{s}.{f}" for s in stems for f in PACK_FORMATS} | {"index.html"}
    index = (tmp_path / "workshop" / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'(?:href|src)="([^"]+)"', index))
    assert links == names - {"index.html"}
    assert all((tmp_path / "workshop" / link).stat().st_size > 1000 for link in links)
    assert "default-src 'none'" in index and "http" not in index.replace("http-equiv", "")
    assert archive == tmp_path / "workshop.zip"
    with zipfile.ZipFile(archive) as zipped:
        assert sorted(zipped.namelist()) == sorted(f"workshop/{n}" for n in names)
    assert lines[0].startswith("[1/3] journey-1") and lines[-1].startswith("wrote 10 files")


def test_a_folder_holding_files_is_refused(tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="not an empty folder"):
        _pack(tmp_path / "used")
    assert [p.name for p in (tmp_path / "used").iterdir()] == ["notes.txt"]
