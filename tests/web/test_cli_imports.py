"""The command line imports the web stack only to serve.

Each command runs in a fresh interpreter, as `journey` does, and reports which
modules it imported: ``generate``, ``load``, ``analyse`` and ``--help`` start
without Flask, Werkzeug, Jinja, waitress or pyvis; ``serve`` imports them (pyvis
when it first draws a map) and serves.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from tests.paths import ROOT

WEB_STACK = frozenset({"flask", "werkzeug", "jinja2", "waitress", "pyvis"})

# Runs the click command as the console script does, then writes the top-level
# packages of the web stack found in sys.modules, with the exit status.
PROBE = """
import json, sys
from web.cli import cli

report, stack, args = sys.argv[1], set(json.loads(sys.argv[2])), sys.argv[3:]
try:
    cli.main(args, prog_name="journey")
except SystemExit as exit:
    status = exit.code
imported = sorted({name.partition(".")[0] for name in sys.modules} & stack)
with open(report, "w") as out:
    json.dump({"status": status, "imported": imported}, out)
"""


SECRET_KEY = "a test secret key that is long enough to serve"
ADMIN, PASSWORD = "admin", "an admin test password"


def environment() -> dict[str, str]:
    paths = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "JOURNEY_SECRET_KEY": SECRET_KEY}


def run_journey(args: list[str], cwd: Path) -> tuple[int, set[str], str]:
    """Run ``journey ARGS`` in a fresh interpreter: (exit status, web-stack modules, output)."""
    report = cwd / "imports.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(report), json.dumps(sorted(WEB_STACK)), *args],
        cwd=cwd, env=environment(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0 and report.exists(), output
    result = json.loads(report.read_text())
    report.unlink()
    return result["status"], set(result["imported"]), output


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory):
    """A tiny generated population, loaded and analysed; each step's web-stack imports."""
    folder = tmp_path_factory.mktemp("cli-imports")
    store = f"sqlite:///{folder / 'journey.db'}"
    steps = {
        "generate": ["generate", "--families", "6", "--seed", "2", "--out", "data"],
        "load": ["load", "data", "--store", store],
        "analyse": ["analyse", "--store", store, "--out", "analysis"],
    }
    imported = {}
    for name, args in steps.items():
        status, imported[name], output = run_journey(args, folder)
        assert status == 0, output
    # `journey serve` needs an admin who can sign in.
    subprocess.run(
        [sys.executable, "-m", "web.cli", "users", "add", ADMIN, "--role", "admin", "--store",
         store, "--password-stdin"],
        input=PASSWORD + "\n", cwd=folder, env=environment(), check=True, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    return folder, store, imported


@pytest.mark.parametrize("command", ["generate", "load", "analyse"])
def test_commands_other_than_serve_import_no_web_stack(tiny_store, command):
    _, _, imported = tiny_store
    assert imported[command] == set()


@pytest.mark.parametrize(
    "args", [["--help"], ["generate", "--help"], ["load", "--help"], ["analyse", "--help"]]
)
def test_help_imports_no_web_stack(tmp_path, args):
    status, imported, output = run_journey(args, tmp_path)
    assert status == 0 and "Usage: journey" in output, output
    assert imported == set()


def test_serve_imports_the_web_stack(tiny_store):
    # The probe sees the imports it looks for: serve on a taken port imports the
    # app and the server, then stops with one line.
    folder, store, _ = tiny_store
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = ["serve", "--store", store, "--port", str(port)]
        status, imported, output = run_journey(args, folder)
    assert status == 1 and f"cannot listen on 127.0.0.1:{port}" in output
    assert imported >= {"flask", "werkzeug", "jinja2", "waitress"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """A urllib opener keeping cookies, like a browser signing in to a live server."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, url: str, deadline: float, server: subprocess.Popen) -> bytes:
        """GET ``url``, retrying until the server listens (or exits, or the deadline passes)."""
        while True:
            try:
                with self.opener.open(url, timeout=10) as response:
                    assert response.status == 200
                    return response.read()
            except urllib.error.HTTPError:
                raise
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def sign_in(self, base: str, server: subprocess.Popen) -> None:
        """Sign in through the sign-in form, as a person would."""
        page = self.get(f"{base}/sign-in", time.monotonic() + 60, server).decode()
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)
        form = urllib.parse.urlencode({"name": ADMIN, "password": PASSWORD, "csrf_token": token})
        with self.opener.open(f"{base}/sign-in", data=form.encode(), timeout=10) as response:
            assert response.url == f"{base}/"  # redirected to the overview


@contextmanager
def serving(folder: Path, store: str, port: int, **popen) -> Iterator[subprocess.Popen]:
    """`journey serve` of ``store`` on ``port`` in a fresh interpreter, its output piped;
    killed on leaving if it is still running."""
    server = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "serve", "--store", store, "--port", str(port)],
        cwd=folder, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        **popen,
    )  # fmt: skip
    try:
        yield server
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()


def interrupt(server: subprocess.Popen) -> str:
    """Send SIGINT (Ctrl+C) and wait up to 30 s for the server to stop; its whole output."""
    server.send_signal(signal.SIGINT)
    output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
    return output


def test_serve_serves_pages_and_maps_and_stops_on_ctrl_c(tiny_store):
    folder, store, _ = tiny_store
    family = pd.read_csv(folder / "data" / "contacts.csv", dtype=str)["family_id"].iloc[0]
    port = free_port()
    with serving(folder, store, port) as server:
        base = f"http://127.0.0.1:{port}"
        browser = Browser()
        with pytest.raises(urllib.error.HTTPError) as refused:
            browser.get(f"{base}/.json", time.monotonic() + 60, server)
        refused.value.close()
        assert refused.value.code == 401  # nobody signed in yet
        browser.sign_in(base, server)
        overview = json.loads(browser.get(f"{base}/.json", time.monotonic() + 10, server))
        assert overview, "the overview's JSON twin is empty"
        map_url = f"{base}/families/{family}/maps/swimlane.html"
        swimlane = browser.get(map_url, time.monotonic() + 10, server)
        assert b"vis-network" in swimlane  # drawn with pyvis, vis-network served by the app
        rebinding = urllib.request.Request(f"{base}/.json", headers={"Host": "attacker.example"})
        with pytest.raises(urllib.error.HTTPError) as foreign:
            browser.opener.open(rebinding, timeout=10)
        foreign.value.close()
        assert foreign.value.code == 400  # DNS rebinding: another Host is refused
        output = interrupt(server)
    assert f"on http://127.0.0.1:{port}/" in output and "Traceback" not in output
    # The access log names each request's route, never the family in its path.
    assert "GET /families/<family_id>/maps/<any(swimlane, network):kind>.html 200" in output
    assert family not in output


def test_the_library_packages_import_no_click_and_no_flask():
    # The command line is the only adapter that needs click: every module of
    # journey/ and graph_loader/ imports without it (and without Flask).
    script = """
import importlib, json, pkgutil, sys
import graph_loader, journey
for package in (journey, graph_loader):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
print(json.dumps(sorted({name.partition(".")[0] for name in sys.modules})))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], env=environment(), capture_output=True, text=True,
        timeout=300, check=True,
    )  # fmt: skip
    imported = set(json.loads(done.stdout))
    assert {"journey", "graph_loader", "pandas"} <= imported
    assert not imported & {"click", "flask", "werkzeug", "waitress"}


def test_serve_stops_on_sigint_even_when_started_with_it_ignored(tiny_store):
    # A script's background job (`journey serve ... &`) inherits SIGINT ignored.
    folder, store, _ = tiny_store
    port = free_port()
    ignoring = lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)  # noqa: E731
    with serving(folder, store, port, preexec_fn=ignoring) as server:
        page = Browser().get(f"http://127.0.0.1:{port}/sign-in", time.monotonic() + 60, server)
        assert b"csrf_token" in page  # serving
        interrupt(server)
