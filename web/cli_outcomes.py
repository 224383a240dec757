"""`journey outcomes`: the outcome plan over every journey, claims, the comparison and costs.

Its own module, as web/cli.py is near its size limit; web/cli.py imports it
to register the command.
"""

from __future__ import annotations

import time

import click

from web.cli import _open_store, _taxonomy, cli, handles_errors, store_option, taxonomy_option


@cli.command()
@click.option("--plan", "plan_path", metavar="FILE", type=click.Path(dir_okay=False),
              default=None, help="An outcome plan (TOML) replacing the shipped example plan.")
@click.option("--unit-costs", "costs_path", metavar="FILE", type=click.Path(dir_okay=False),
              default=None,
              help="A unit-cost CSV (sector, agency, contact_type, cost_gbp, source) replacing "
              "the shipped, illustrative one.")
@store_option()
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="outcomes",
              show_default=True, help="Folder for the outcome CSVs.")
@taxonomy_option
@handles_errors
def outcomes(plan_path: str | None, costs_path: str | None, store_url: str | None,
             out_dir: str, taxonomy_path: str | None) -> None:
    """Evaluate an outcome plan over every journey; write outcomes, claims, comparison and costs.

    Writes outcomes_families.csv, claims.csv, outcomes_cohort.csv and
    journey_costs.csv. `journey analyse` stores the shipped plan's results for
    the web app; this command writes the files for any plan.

    \b
    Example:
      journey outcomes --plan council-plan.toml --store sqlite:///journey.db --out outcomes/
    """
    from journey.claims import claim_totals
    from journey.costs import load_unit_costs
    from journey.outcome_plan import load_plan
    from journey.outcomes_run import store_outcomes
    from journey.outputs import write_outcome_files

    started = time.perf_counter()
    plan = load_plan(plan_path)
    unit_costs = load_unit_costs(costs_path)
    store = _open_store(store_url, create=False)
    try:
        frames = store_outcomes(store, plan=plan, unit_costs=unit_costs,
                                taxonomy=_taxonomy(taxonomy_path))
    finally:
        store.close()
    written = write_outcome_files(frames, out_dir)
    totals = claim_totals(frames["claims"]).set_index("kind")
    periods = frames["outcome_periods"]
    illustrative = unit_costs["source"].str.lower().eq("illustrative").any()
    click.echo(f"wrote {len(written)} files to {str(out_dir).rstrip('/')}/")
    click.echo(
        f"{plan.name}: {int((periods['outcomes'] > 0).sum()):,} lead-professional periods with "
        f"outcomes, {int(periods['meets_plan'].sum()):,} meeting the plan; claims: "
        f"{totals.loc['attachment', 'families']:,} attachments "
        f"(£{totals.loc['attachment', 'amount']:,}), {totals.loc['results', 'families']:,} "
        f"results (£{totals.loc['results', 'amount']:,}) ({time.perf_counter() - started:.1f}s)"
    )
    if illustrative:
        click.echo("journey: note: costs use illustrative unit costs (source 'illustrative')",
                   err=True)
