"""`journey outcomes` through click's runner, on a real store."""

from __future__ import annotations

import csv

from click.testing import CliRunner

from web.cli import cli


def _header(path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as file:
        return next(csv.reader(file))


def test_outcomes_writes_its_four_files(bare_store, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["outcomes", "--store", bare_store.url, "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "claims.csv", "journey_costs.csv", "outcomes_cohort.csv", "outcomes_families.csv",
        "pathway_costs.csv"]
    assert _header(out / "claims.csv")[:3] == ["family_id", "lead_from", "kind"]
    assert {"family_id", "lead_from", "outcome", "indicator", "rule", "before", "after", "change",
            "met", "sustained", "sustained_on"} <= set(_header(out / "outcomes_families.csv"))
    assert "Example outcome plan:" in result.output
    assert "illustrative unit costs" in result.output  # said on stderr, mixed in by the runner


def test_a_bad_plan_exits_2_naming_the_file_and_the_key(bare_store, tmp_path):
    plan = tmp_path / "plan.toml"
    plan.write_text('[plan]\nname = "P"\n[[outcome]]\nid = "a"\nindicator = "crime_asb"\n'
                    'rule = "reduction"\nmonths = 6\n')
    result = CliRunner().invoke(cli, ["outcomes", "--plan", str(plan), "--store", bare_store.url,
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert f"{plan}: outcome[1].at_least: a reduction needs a share" in result.output
    assert not (tmp_path / "out").exists()
