"""The workshop pack: several families' journeys and the pathways map in one folder and zip.

Each journey is written as HTML (interactive, offline), PNG and SVG, named
``journey-1`` … in the order given (the CLI gives the highest-contact
families first); the pathways map as ``pathways.*``. ``index.html`` links
every file and shows the PNGs, and nothing in it is fetched from elsewhere
(its Content-Security-Policy allows only the pack's own images). The folder
is then zipped beside itself (``DIR.zip``).
"""

from __future__ import annotations

import html
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from journey.errors import OutputError
from journey.exports.model import FamilyExport, PathwaysExport
from journey.exports.render import FORMATS, render
from journey.exports.titles import title_lines
from journey.taxonomy import Taxonomy

__all__ = ["PACK_FORMATS", "write_pack"]

#: The formats of every map in a pack.
PACK_FORMATS = ("html", "png", "svg")

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;"
    "color:#222}li{margin:0 0 1.5rem}img{max-width:100%;height:auto;border:1px solid #ccc}"
    "p.note{color:#444}"
)


def _check_folder(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OutputError(f"{folder} exists and is not an empty folder: choose a new one.")


def _entry(stem: str, model: FamilyExport | PathwaysExport) -> str:
    title, *rest = title_lines(model)
    links = " · ".join(
        f'<a href="{stem}.{fmt}">{fmt.upper()}</a> ({html.escape(FORMATS[fmt])})'
        for fmt in PACK_FORMATS
    )
    notes = "".join(f'<p class="note">{html.escape(line)}</p>' for line in rest[:1])
    return (f"<li><h2>{html.escape(title)}</h2>{notes}<p>{links}</p>"
            f'<a href="{stem}.html"><img src="{stem}.png" alt="{html.escape(title, quote=True)}"'
            ' width="877" height="620"></a></li>')  # fmt: skip


def _index(entries: list[str], pathways: PathwaysExport) -> str:
    _, _, generated, privacy = title_lines(pathways)
    csp = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Workshop pack</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>Workshop pack</h1>\n<p>{html.escape(generated)}. {html.escape(privacy)}</p>\n"
        f"<ul>\n{''.join(entries)}\n</ul>\n</body>\n</html>\n"
    )


def write_pack(
    folder: str | Path,
    journeys: Iterable[FamilyExport],
    pathways: PathwaysExport,
    *,
    taxonomy: Taxonomy | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> tuple[list[Path], Path]:
    """Write the pack into ``folder`` (new or empty) and zip it; return (files, zip path).

    Raises
    ------
    OutputError
        When ``folder`` exists and is not an empty folder.
    """
    folder = Path(folder)
    _check_folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    entries: list[str] = []
    items = [(f"journey-{n}", model) for n, model in enumerate(journeys, start=1)]
    items.append(("pathways", pathways))
    for number, (stem, model) in enumerate(items, start=1):
        progress(f"[{number}/{len(items)}] {stem}: {model.description}")
        for fmt in PACK_FORMATS:
            path = folder / f"{stem}.{fmt}"
            path.write_bytes(render(model, fmt, taxonomy=taxonomy))
            written.append(path)
        entries.append(_entry(stem, model))
    index = folder / "index.html"
    index.write_text(_index(entries, pathways), encoding="utf-8")
    written.append(index)
    archive = folder.with_name(folder.name + ".zip")
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for path in written:
            zipped.write(path, arcname=f"{folder.name}/{path.name}")
    progress(f"wrote {len(written)} files to {folder} and {archive}")
    return written, archive
