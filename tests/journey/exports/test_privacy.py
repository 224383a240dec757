"""De-identified exports hold none of the family's ids, person ids, birth months, areas or dates.

Every format is scanned but PNG (pixels). The HTML export is scanned without
the vendored libraries it inlines (vis-network and the map script are not
the family's data, and a library's text may hold any year).
"""

from __future__ import annotations

import io
import zipfile

import pytest

from journey.exports import FORMATS, family_export, pathways_export, render
from journey.maps.assets import map_script, vis_script
from tests.journey.exports.family import CONTACTS, PEOPLE, SECRETS
from tests.journey.exports.test_model import ENDS, FLOWS

SCANNED = [fmt for fmt in FORMATS if fmt != "png"]


def _text(content: bytes, fmt: str) -> str:
    text = content.decode("utf-8", "replace")
    if fmt == "pdf":
        import zlib

        chunks = [text]
        for stream in content.split(b"stream")[1:]:
            body = stream.split(b"endstream")[0].strip(b"\r\n")
            try:
                chunks.append(zlib.decompress(body).decode("latin-1"))
            except zlib.error:
                continue
        return "\n".join(chunks)
    if fmt == "html":
        for library in (vis_script(), map_script()):
            text = text.replace(library.replace("\r\n", "\n"), "")
    return text


@pytest.mark.parametrize("fmt", SCANNED)
def test_a_de_identified_family_export_holds_no_identifier(fmt):
    model = family_export(CONTACTS, PEOPLE, label="Journey 1")
    text = _text(render(model, fmt), fmt)
    found = [secret for secret in SECRETS if secret in text]
    assert found == [], f"{fmt} export shows {found}"
    assert "Journey 1" in text or fmt == "pdf"  # the pdf's text is in subset glyphs


def test_the_network_map_holds_no_identifier():
    model = family_export(CONTACTS, PEOPLE, label="Journey 1")
    text = _text(render(model, "html", family_map="network"), "html")
    assert [secret for secret in SECRETS if secret in text] == []
    assert "Family members and agencies: Journey 1" in text and "Mother" in text


@pytest.mark.parametrize("fmt", ["csv", "json", "graphml", "html"])
def test_the_same_export_identified_shows_them(fmt):
    """The scan is not vacuous: with identified=True the ids and dates are there."""
    model = family_export(CONTACTS, PEOPLE, label="FAM-NB-0042", identified=True)
    text = _text(render(model, fmt), fmt)
    assert "FAM-NB-0042" in text
    if fmt in ("csv", "json"):  # the graphs count days, with no date
        assert "2021-02-01" in text and "CTX-1" in text


@pytest.mark.parametrize("fmt", SCANNED)
def test_de_identified_pathways_leave_out_pathways_of_few_families(fmt):
    flows = FLOWS.assign(from_agency=FLOWS["from_agency"].replace({"GP": "Rare Clinic"}))
    ends = ENDS.assign(agency=ENDS["agency"].replace({"GP": "Rare Clinic"}))
    text = _text(render(pathways_export(flows, ends), fmt), fmt)
    # "Rare Clinic" has pathways of 4 and 1 families and 4 starts: all below the threshold.
    assert "Rare Clinic" not in text
    shown = _text(render(pathways_export(flows, ends, identified=True), fmt), fmt)
    assert "Rare Clinic" in shown or fmt == "pdf"


def test_a_pack_holds_no_identifier(tmp_path):
    from journey.exports.pack import write_pack

    model = family_export(CONTACTS, PEOPLE, label="Journey 1")
    _, archive = write_pack(tmp_path / "pack", [model], pathways_export(FLOWS, ENDS))
    with zipfile.ZipFile(archive) as zipped:
        for name in zipped.namelist():
            if name.endswith(".png"):
                continue
            fmt = name.rsplit(".", 1)[-1]
            text = _text(zipped.read(name), fmt)
            assert [s for s in SECRETS if s in text] == [], name
    assert io  # the zip is read in memory
