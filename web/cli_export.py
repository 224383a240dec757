"""``journey export``: one family's journey, a cohort's pathways, a workshop pack, or contacts.

Registered on the ``journey`` group by one line of :mod:`web.cli`. Every
export is de-identified unless ``--identified`` is given (family, person and
contact ids replaced, members shown as roles, dates as days since the first
contact, areas and free text left out; the pathways of few families left
out). ``journey export contacts`` is the exception: the store's contacts as a
Parquet dataset for an analysis cluster, identified by nature, so it asks for
``--identified`` to be given. The library does the work (:mod:`journey.exports`); this module reads
the options, opens the store and writes the files. Each export is recorded in
the store's audit log, with the operating-system user who ran it.
"""

from __future__ import annotations

from pathlib import Path

import click

from journey.errors import ParameterError
from web.cli_common import handles_errors, store_option

__all__ = ["export"]

# The formats, listed here so that --help needs no import of the exports' libraries.
FORMAT_NAMES = ("html", "png", "svg", "pdf", "graphml", "gexf", "json", "csv")

_identified = click.option(
    "--identified", is_flag=True,
    help="Keep ids, dates and small counts (only for those allowed to see identified data).",
)  # fmt: skip
_out = click.option("--out", "out_path", metavar="PATH", type=click.Path(dir_okay=False),
                    default=None, help="The file to write (default: named after the export).")


def _format(value: str) -> str:
    if value not in FORMAT_NAMES:
        listed = ", ".join(FORMAT_NAMES)
        raise ParameterError(f"Unknown export format {value!r}: use one of {listed}.")
    return value


_format_option = click.option(
    "--format", "fmt", metavar="FMT", required=True,
    help=f"One of {', '.join(FORMAT_NAMES)}.",
)  # fmt: skip


def _open(store_url: str | None):
    from graph_loader.stores import open_store

    return open_store(store_url, create=False)


def _audit(store_url: str | None, subject: str) -> None:
    from web.cli_users import record_export

    record_export(store_url, subject)


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    click.echo(f"wrote {path} ({len(content):,} bytes)")


@click.group()
def export() -> None:
    """Export journeys and pathways for workshops, reports, Gephi, yEd and Excel.

    De-identified unless --identified: members become roles ("Mother",
    "Child 1, aged 12 at first contact"), dates days since the first contact,
    ids are replaced, areas and free text left out, and pathways of 1 to 4
    families left out.

    \b
    Example:
      journey export family F000459 --format html --out journey.html
      journey export pathways --format gexf --cohort high_contact --min-transitions 5
      journey export pack --top 5 --out workshop/
    """


@export.command("family")
@click.argument("family_id")
@_format_option
@click.option("--map", "family_map", type=click.Choice(["swimlane", "network"]),
              default="swimlane", show_default=True,
              help="For html: the journey as swimlanes, or the members and agencies network.")
@_out
@_identified
@store_option()
@handles_errors
def family(family_id: str, fmt: str, family_map: str, out_path: str | None, identified: bool,
           store_url: str | None) -> None:  # fmt: skip
    """Export one family's journey (swimlane map, members and agencies graph, contacts table).

    \b
    Example:
      journey export family F000459 --format pdf --out journey.pdf
    """
    from journey.exports import render
    from journey.exports.sources import family_model

    fmt = _format(fmt)
    store = _open(store_url)
    try:
        model = family_model(store, family_id, identified=identified)
    finally:
        store.close()
    stem = f"family-{family_id}" if identified else "family"
    stem += "-network" if family_map == "network" and fmt == "html" else ""
    _write(Path(out_path or f"{stem}.{fmt}"), render(model, fmt, family_map=family_map))
    _audit(store_url, f"{fmt} of {family_id}" + (" (identified)" if identified else ""))


@export.command("pathways")
@_format_option
@click.option("--cohort", default="all", show_default=True,
              help="all, high_contact, escalated or eligible.")
@click.option("--min-transitions", type=click.IntRange(min=1), default=1, show_default=True,
              help="Leave out pathways seen fewer times than this.")
@click.option("--collapse-repeats", is_flag=True,
              help="Merge consecutive contacts with one agency (no arrow from one to itself).")
@_out
@_identified
@store_option()
@handles_errors
def pathways(fmt: str, cohort: str, min_transitions: int, collapse_repeats: bool,
             out_path: str | None, identified: bool, store_url: str | None) -> None:  # fmt: skip
    """Export a cohort's pathways between agencies (map, graph, or transitions table).

    \b
    Example:
      journey export pathways --format svg --cohort escalated --collapse-repeats
    """
    from journey.exports import render
    from journey.exports.sources import pathways_model

    fmt = _format(fmt)
    store = _open(store_url)
    try:
        model = pathways_model(store, cohort=cohort, min_transitions=min_transitions,
                               collapse_repeats=collapse_repeats, identified=identified)
    finally:
        store.close()
    _write(Path(out_path or f"pathways-{cohort}.{fmt}"), render(model, fmt))
    _audit(store_url, f"{fmt} of pathways ({cohort})" + (" (identified)" if identified else ""))


@export.command("pack")
@click.option("--top", type=click.IntRange(1, 100), default=5, show_default=True,
              help="How many of the highest-contact families.")
@click.option("--out", "out_dir", metavar="DIR", type=click.Path(file_okay=False), required=True,
              help="A new or empty folder; DIR.zip is written beside it.")
@store_option()
@handles_errors
def pack(top: int, out_dir: str, store_url: str | None) -> None:
    """Write a de-identified workshop pack: the top families' journeys and the pathways map.

    Each journey as HTML, PNG and SVG (journey-1 is the family with the most
    contacts), the pathways map of all families, an index.html linking them,
    and a zip of the folder.

    \b
    Example:
      journey export pack --top 5 --out workshop/
    """
    from journey.exports.pack import write_pack
    from journey.exports.sources import family_model, pathways_model, top_families

    store = _open(store_url)
    try:
        ids = top_families(store, top)
        click.echo(f"reading {len(ids)} families and the pathways")
        journeys = [family_model(store, family_id, label=f"Journey {n}")
                    for n, family_id in enumerate(ids, start=1)]  # fmt: skip
        flows = pathways_model(store)
    finally:
        store.close()
    write_pack(out_dir, journeys, flows, progress=click.echo)
    _audit(store_url, f"workshop pack of {len(ids)} families")


@export.command("contacts")
@click.option("--format", "fmt", type=click.Choice(["parquet"]), required=True,
              help="parquet: a folder of Parquet files and a manifest.json.")
@click.option("--partition-by", type=click.Choice(["family"]), required=True,
              help="family: every family wholly in one file (families in id order, in groups).")
@click.option("--partitions", type=click.IntRange(1, 10_000), default=16, show_default=True,
              help="How many files (groups of about equal numbers of families).")
@click.option("--out", "out_dir", metavar="DIR", type=click.Path(file_okay=False), required=True,
              help="A new or empty folder.")
@click.option("--identified", is_flag=True,
              help="Required: the export holds identified data (every contact's ids and times) "
                   "for the analysis cluster (`journey analyse --engine dask --parquet DIR`).")
@store_option()
@handles_errors
def contacts(fmt: str, partition_by: str, partitions: int, out_dir: str, identified: bool,
             store_url: str | None) -> None:  # fmt: skip
    """Export every contact, identified, as Parquet files of whole families for an analysis cluster.

    The files hold the store's contact rows as they are (ids, times,
    agencies, services): only for machines allowed to hold identified data.

    \b
    Example:
      journey export contacts --format parquet --partition-by family --identified --out contacts/
    """
    from journey.contacts_parquet import write_contacts_parquet

    if not identified:
        raise ParameterError(
            "journey export contacts writes identified data (every contact as stored): "
            "give --identified, only for those allowed to see identified data"
        )
    store = _open(store_url)
    try:
        written = write_contacts_parquet(store, out_dir, partitions=partitions)
    finally:
        store.close()
    click.echo(written.line())
    _audit(store_url, f"{fmt} of the contacts of {written.families:,} families (identified)")
