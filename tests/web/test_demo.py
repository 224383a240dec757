"""End to end: `journey demo --no-serve` on a small population, through the CLI runner."""

from __future__ import annotations

import json
import re

import pandas as pd
from click.testing import CliRunner

from graph_loader.stores import open_store
from journey.outputs import OUTPUT_FILES
from tests.paths import README
from web.cli import cli


def test_demo_generates_loads_and_analyses(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store_url = f"sqlite:///{tmp_path / 'demo.db'}"
    args = ["demo", "--families", "150", "--seed", "3", "--store", store_url, "--no-serve"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "contacts.csv: rows in" in result.output and "rejected 0" in result.output
    # The demo prints an admin account that signs in (a new password each run).
    from graph_loader.accounts import open_accounts

    name, password = re.search(r"sign in as (\S+) with password (\S+)", result.output).groups()
    accounts, _ = open_accounts(store_url)
    assert accounts.sign_in(name, password).user.role == "admin"
    accounts.close()

    generated = pd.read_csv(tmp_path / "demo-data" / "contacts.csv", dtype=str)
    # Analysed are the families with contacts (a generated family may have none),
    # and each contact once per family however many of its members it involved.
    families = generated["family_id"].nunique()
    contacts = len(generated.drop_duplicates(["family_id", "contact_id"]))
    assert f"analysed {families:,} families, {contacts:,} contacts:" in result.output
    store = open_store(store_url, create=False)
    counts = store.counts()
    assert counts["contact_rows"] == len(generated)
    assert counts["contacts"] == generated["contact_id"].nunique()
    # The results the web app reads are in the store.
    summary = store.result("family_summary")
    assert set(summary["family_id"]) >= set(generated["family_id"])
    assert store.results_meta()["counts"]["contact_rows"] == len(generated)
    store.close()

    for name in [*OUTPUT_FILES, "summary.json", "report.md"]:
        assert (tmp_path / "analysis" / name).is_file(), name
    # The evidence of uncoordinated contacts is written on request, and adds up
    # to each family's count.
    assert not (tmp_path / "analysis" / "uncoordinated_contacts.csv").exists()
    result = CliRunner().invoke(cli, ["analyse", "--store", store_url, "--evidence"])
    assert result.exit_code == 0, result.output
    evidence = pd.read_csv(tmp_path / "analysis" / "uncoordinated_contacts.csv", dtype=str)
    families = pd.read_csv(tmp_path / "analysis" / "uncoordinated_families.csv", dtype=str)
    per_family = evidence.groupby("family_id").size()
    counted = families.set_index("family_id")["uncoordinated"].astype(int)
    assert per_family.sum() == counted.sum() > 0
    assert (per_family == counted[counted > 0].reindex(per_family.index)).all()
    assert evidence["reason"].str.startswith("uncoordinated: ").all()
    written = json.loads((tmp_path / "analysis" / "summary.json").read_text())
    assert written["parameters"]["window_days"] == 365

    # Running the demo again leaves the same store.
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    store = open_store(store_url, create=False)
    assert {k: v for k, v in store.counts().items() if k != "loads"} == {
        k: v for k, v in counts.items() if k != "loads"
    }
    store.close()


def test_analysis_csvs_are_safe_from_formula_injection(tmp_path):
    from journey.analysis import analyse
    from journey.outputs import write_outputs
    from tests.builders import contacts_frame

    rows = [(f"c{i}", "p1", "=HYPERLINK(x)", "incident", f"2021-01-{i + 1:02d}") for i in range(3)]
    rows += [("c9", "p1", "School", "exclusion", "2021-02-01")]
    run = analyse(contacts_frame(rows, family_id="F1"))
    write_outputs(run, tmp_path)
    text = (tmp_path / "pathways.csv").read_text()
    assert "'=HYPERLINK(x)" in text
    assert ",=HYPERLINK" not in text and not text.startswith("=")


def test_compacted_variants_keep_every_family_counted():
    from journey.analysis import analyse
    from journey.pathways import ONE_FAMILY_VARIANTS
    from tests.builders import contacts_frame

    # F1 and F2 follow Police -> School; F3 and F4 each follow a journey of their own.
    rows = []
    for family, agencies in [("F1", ["Police", "School"]), ("F2", ["Police", "School"]),
                             ("F3", ["GP"]), ("F4", ["School", "GP", "Police"])]:  # fmt: skip
        for step, agency in enumerate(agencies):
            rows.append((f"{family}c{step}", f"{family}p", agency, "incident",
                         f"2021-01-0{step + 1}", None, family))  # fmt: skip
    variants = analyse(contacts_frame(rows)).frames["variants"]
    everyone = variants[variants["cohort"] == "all"]
    assert everyone["variant"].tolist() == ["Police → School", ONE_FAMILY_VARIANTS]
    assert everyone["families"].tolist() == [2, 2]
    assert everyone["variants"].tolist() == [1, 2]
    assert everyone["families"].sum() == 4


def test_the_readme_notebook_example_runs(tmp_path, monkeypatch):
    import re

    readme = README.read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    assert blocks, "the README has no Python example"
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["demo", "--families", "60", "--no-serve"])
    assert result.exit_code == 0, result.output
    for block in blocks:
        namespace: dict = {}
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
    assert len(namespace["family"].uncoordinated.contacts) > 0
    assert namespace["run"].frames["family_summary"]["family_id"].nunique() >= 55


def test_a_taken_port_is_refused_before_the_demo_generates_anything(tmp_path, monkeypatch):
    import socket

    monkeypatch.chdir(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["demo", "--families", "20", "--port", str(port)])
    assert result.exit_code != 0
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "serving" not in result.output
    assert not (tmp_path / "demo-data").exists() and not (tmp_path / "journey-demo.db").exists()


def test_serve_with_a_missing_store_suggests_the_demos_when_it_is_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JOURNEY_STORE", raising=False)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code != 0 and "no such store" in result.output
    assert "--store sqlite:///journey-demo.db" not in result.output
    store = open_store("sqlite:///journey-demo.db")  # an (empty) demo store appears
    store.close()
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code != 0 and "no such store" in result.output
    assert "the demo's store is here: --store sqlite:///journey-demo.db" in result.output


def test_make_demo_passes_its_port_and_host_on():
    import shutil
    import subprocess

    make = shutil.which("make")
    assert make, "the two set-up commands need make"
    plan = subprocess.run(  # noqa: S603 -- a fixed command: what `make demo` would run
        [make, "-n", "-C", str(README.parent), "demo", "PORT=5077", "HOST=0.0.0.0"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "journey demo --port 5077 --host 0.0.0.0" in plan
