"""The `journey` command line: a thin adapter that parses options, calls one library function
and turns the library's errors into one clear line and an exit status.

It lives in ``web/``, the outermost package, because it composes every other
one: the synthetic population and the analyses (``journey/``), the loader and
the stores (``graph_loader/``) and the web server (``web/``). The library
packages stay free of it: ``journey/`` and ``graph_loader/`` must not import
click, so that a notebook or another adapter uses them as they are.

Each command imports what it needs when it runs. Only serving (``journey
serve``, and ``journey demo`` unless ``--no-serve``) imports Flask, waitress and
pyvis; ``generate``, ``load`` and ``analyse`` import none of them, and
``--help`` reads no taxonomy unless it describes ``--indicator-set``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

import web.cli_engine as cli_engine
import web.cli_export as cli_export
import web.cli_loads as cli_loads
import web.cli_operations as cli_operations
import web.cli_serve as cli_serve
import web.cli_users as cli_users
from journey.errors import ParameterError
from web.cli_common import EXIT_BAD_INPUT, handles_errors, store_option  # noqa: F401

DEMO_STORE = "sqlite:///journey-demo.db"


def _open_store(url: str | None, *, create: bool = True):
    from graph_loader.stores import open_store

    return open_store(url, create=create)


def _taxonomy(path: str | None):
    from journey.taxonomy import default_taxonomy, load_taxonomy

    return load_taxonomy(path) if path else default_taxonomy()


taxonomy_option = click.option(
    "--taxonomy",
    "taxonomy_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    default=None,
    help="A taxonomy TOML file replacing the shipped one (agencies, sectors, indicator sets).",
)
families_option = click.option(
    "--families",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="How many families to generate.",
)
seed_option = click.option(
    "--seed",
    type=int,
    default=7,
    show_default=True,
    help="Random seed of the synthetic population (same seed, same data).",
)
host_option = click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (the default keeps the app on this machine).",
)
port_option = click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=5000,
    show_default=True,
    help="TCP port to listen on.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="journey-graph", prog_name="journey")
def cli() -> None:
    """Journey graph service: load family contacts with agencies, analyse journeys, serve maps.

    \b
    A first run:
      journey demo                      # synthetic population -> load -> analyse -> serve
    Your own data:
      journey load exports/ --store sqlite:///council.db
      journey analyse --store sqlite:///council.db --out analysis/
      journey serve --store sqlite:///council.db
    """


@cli.command()
@families_option
@seed_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default="demo-data",
    show_default=True,
    help="Folder for contacts.csv, people.csv, families.csv.",
)
@handles_errors
def generate(families: int, seed: int, out_dir: str) -> None:
    """Generate a synthetic population of families in the data contract.

    \b
    Example:
      journey generate --families 40000 --seed 1 --out data/synthetic
    """
    from journey.synthetic import generate as make_population
    from journey.synthetic import write_population

    started = time.perf_counter()
    population = make_population(families, seed=seed)
    paths = write_population(population, out_dir)
    click.echo(
        f"generated {families:,} families, {len(population.people):,} people, "
        f"{len(population.contacts):,} contact rows in {time.perf_counter() - started:.1f}s -> "
        + ", ".join(str(p) for p in paths.values())
    )


def _load(
    path: str,
    store_url: str | None,
    taxonomy_path: str | None,
    rejects_dir: str | None,
    reading: Any = None,
    **integrity: Any,
):
    from graph_loader.load import load_path

    taxonomy = _taxonomy(taxonomy_path)
    store = _open_store(store_url)
    try:
        started = time.perf_counter()
        with cli_loads.progress_bars() as progress:
            report = load_path(
                path,
                store,
                taxonomy=taxonomy,
                rejects_dir=rejects_dir,
                progress=progress,
                reading=reading,
                **integrity,
            )
        for warning in report.warnings:
            click.echo(f"journey: warning: {warning}", err=True)
        for file_report in report.files:
            click.echo(file_report.line())
        click.echo(f"loaded into {store.url} in {time.perf_counter() - started:.1f}s")
        cli_loads.refuse_if_over_reject_share(report)
        return store
    except BaseException:
        store.close()
        raise


def _analyse(store, out_dir: str | None, options: dict[str, Any], evidence: bool = False) -> None:
    from journey import outputs, refresh

    started = time.perf_counter()
    refreshed = refresh.refresh_store(store, **options)
    run = refreshed.run
    if out_dir:
        written = outputs.write_outputs(run, out_dir, evidence=evidence)
        click.echo(f"wrote {len(written)} files to {str(out_dir).rstrip('/')}/")
    click.echo(run.headline() + f" ({time.perf_counter() - started:.1f}s)")
    click.echo(refreshed.line())


class IndicatorSetOption(click.Option):
    """``--indicator-set``: any name parses; it is checked against the taxonomy in use.

    A fixed choice could not know the sets a ``--taxonomy`` file defines, so
    :func:`_analysis_arguments` checks the name once that taxonomy is read. The
    help lists the shipped taxonomy's sets, read only when the help is shown:
    reading a taxonomy imports pandas, which ``journey --help`` should not wait for.
    """

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        if self.help is None:
            self.help = _indicator_set_help()
        return super().get_help_record(ctx)


def _indicator_set_help() -> str:
    from journey.taxonomy import default_taxonomy

    shipped = ", ".join(
        f"{name} ({programme.min_indicators} of {len(programme.indicators)})"
        for name, programme in default_taxonomy().indicator_sets.items()
    )
    return (
        "Headline indicator set, one of the taxonomy's (a family is eligible with at least "
        f"N of the set's indicators); shipped: {shipped}."
    )


def _shipped_indicator_sets(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[str]:
    from journey.taxonomy import default_taxonomy

    return [name for name in default_taxonomy().indicator_sets if name.startswith(incomplete)]


def analysis_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The thresholds every analysis takes, as options whose defaults come from the library."""
    from dataclasses import fields

    from journey.parameters import PARAMETER_HELP, AnalysisParameters

    defaults = AnalysisParameters()
    options = []
    for field in fields(AnalysisParameters):
        name = "--" + field.name.replace("_", "-")
        default = getattr(defaults, field.name)
        if field.name == "indicator_set":
            option = click.option(
                name,
                cls=IndicatorSetOption,
                metavar="SET",
                default=default,
                show_default=True,
                shell_complete=_shipped_indicator_sets,
            )
        else:
            option = click.option(
                name,
                type=click.IntRange(min=1),
                default=default,
                show_default=True,
                help=PARAMETER_HELP[field.name],
            )
        options.append(option)
    options.append(taxonomy_option)
    for option in reversed(options):
        command = option(command)
    return command


def _analysis_arguments(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``analyse_store``'s keyword arguments: the parameters, and the taxonomy ``--taxonomy`` names.

    Raises
    ------
    ParameterError
        When ``--indicator-set`` names no indicator set of that taxonomy.
    """
    arguments = dict(kwargs)
    path = arguments.pop("taxonomy_path")
    taxonomy = arguments["taxonomy"] = _taxonomy(path)
    name = arguments["indicator_set"]
    if name not in taxonomy.indicator_sets:
        where = path or "the shipped taxonomy"
        known = ", ".join(taxonomy.indicator_sets) or "none"
        raise ParameterError(
            f"--indicator-set {name!r}: no such indicator set in {where} (known: {known})"
        )
    return arguments


@cli.command()
@store_option()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default="analysis",
    show_default=True,
    help="Folder for the CSV, JSON and Markdown results.",
)
@click.option(
    "--evidence",
    is_flag=True,
    help="Also write uncoordinated_contacts.csv (large: every such contact and why).",
)
@cli_loads.strict_option
@cli_engine.engine_options
@analysis_options
@handles_errors
def analyse(
    store_url: str | None,
    out_dir: str,
    evidence: bool,
    strict: bool,
    engine: str,
    scheduler: str | None,
    workers: int | None,
    parquet_dir: str | None,
    **kwargs: Any,
) -> None:
    """Analyse every journey in a store; write results to a folder and back to the store.

    Writes high_contact_people.csv, high_contact_families.csv,
    uncoordinated_families.csv, eligibility.csv, pathways.csv,
    pathway_ends.csv, variants.csv, intervention_agencies.csv, summary.json
    and report.md, and stores the results for the web app. --evidence adds
    uncoordinated_contacts.csv: every uncoordinated contact and why. --engine
    dask runs the family-by-family analyses on a Dask cluster, with the same
    results (docs/scaling.md#analyses-past-one-machine-dask).

    \b
    Example:
      journey analyse --store sqlite:///journey.db --out analysis/ --indicator-set sf2022
      journey analyse --engine dask --workers 2 --store sqlite:///journey.db
    """
    arguments = _analysis_arguments(kwargs)
    chosen = cli_engine.engine_from(engine, scheduler, workers, parquet_dir)
    if chosen is not None:
        arguments["engine"] = chosen
    store = _open_store(store_url, create=False)
    try:
        cli_loads.check_latest_run(store, strict)
        _analyse(store, out_dir, arguments, evidence)
    finally:
        store.close()


def _open_store_or_suggest_demo(store_url: str | None):
    """Open an existing store; when it is missing but the demo's is here, say how to serve that."""
    from journey.errors import StoreError

    try:
        return _open_store(store_url, create=False)
    except StoreError as error:
        demo_file = Path(DEMO_STORE.removeprefix("sqlite:///"))
        if store_url == DEMO_STORE or not demo_file.is_file():
            raise
        raise StoreError(f"{error} (the demo's store is here: --store {DEMO_STORE})") from None


@cli.command()
@store_option()
@host_option
@port_option
@cli_serve.allowed_host_option
@cli_serve.behind_proxy_option
@handles_errors
def serve(store_url: str | None, host: str, port: int, **options: Any) -> None:
    """Serve the web app (sign-in first) on a production WSGI server; needs $JOURNEY_SECRET_KEY.

    \b
    Example:
      journey serve --store sqlite:///journey.db --port 8080
    """
    store = _open_store_or_suggest_demo(store_url)
    try:
        cli_loads.check_latest_run(store, strict=False)
        cli_serve.serve_store(store, host, port, **options)
    finally:
        store.close()


@cli.command()
@families_option
@seed_option
@store_option(DEMO_STORE)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False),
    default="demo-data",
    show_default=True,
    help="Folder for the generated CSVs.",
)
@host_option
@port_option
@click.option("--no-serve", is_flag=True, help="Stop after analysing.")
@handles_errors
def demo(
    families: int, seed: int, store_url: str, data_dir: str, host: str, port: int, no_serve: bool
) -> None:
    """Generate a synthetic population, load it, analyse it, print a demo account and serve.

    \b
    Example:
      journey demo --families 500 --no-serve
    """
    if not no_serve:
        from web.server import check_address

        check_address(host, port)  # a taken port is said before minutes of work, not after
    ctx = click.get_current_context()
    ctx.invoke(generate, families=families, seed=seed, out_dir=data_dir)
    store = _load(data_dir, store_url, None, str(Path(data_dir) / "rejects"))
    try:
        _analyse(store, "analysis", {"taxonomy": _taxonomy(None)})
        click.echo("sign in as {} with password {} (an admin; a new password each run)".format(
            *cli_serve.demo_account(store.url)))  # fmt: skip
        if not no_serve:
            cli_serve.serve_store(store, host, port, demo=True)
    finally:
        store.close()


import web.cli_load  # noqa: E402, F401  (defines `journey load` on this group)
import web.cli_outcomes  # noqa: E402, F401  (defines `journey outcomes`)

cli.add_command(cli_users.users)  # `journey users ...`
cli.add_command(cli_export.export)  # `journey export ...`
cli_loads.register(cli, store_option=store_option, handles_errors=handles_errors,
                   open_store=_open_store)  # fmt: skip
cli_operations.register(cli, store_option=store_option, handles_errors=handles_errors,
                        open_store=_open_store)  # fmt: skip


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="journey")


if __name__ == "__main__":
    # The imported module's group: web/cli_load.py defines `journey load` on it.
    from web.cli import main as entry_point

    entry_point()
