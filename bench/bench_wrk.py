"""Throughput of the served app at a million contact rows: ``journey serve`` under wrk.

Starts ``journey serve`` in a subprocess on a free port of 127.0.0.1 over the
shared 1M-row store (:func:`bench.common.analysed_store`), with an admin and
an analyst added by ``journey users add``; signs the analyst in over HTTP as a
browser would (the sign-in form's CSRF token and cookie, then the session
cookie); asks once for each of ~200 families' JSON (first views, timed on
their own line) and then runs ``wrk -t2 -c16 -d15s`` cycling over those
families' ``/families/<id>.json`` and on ``/pathways.json``. Any answer but
200 and any socket error counts as an error. The server process's peak
resident memory (``VmHWM``) is read at the end.
Targets: >= 500 requests/s and no errors on the family JSON; peak RSS <= 1 GB.
Without ``wrk`` on the PATH the module says so and reports nothing measured.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench.common import Measurement, analysed_store

REPO = Path(__file__).resolve().parent.parent
FAMILIES = 200
DURATION = "15s"
TARGET_RPS = 500.0
TARGET_RSS = 1024**3
PASSWORD = "a long benchmark password"

# Cycles over the paths; counts answers other than 200; prints one summary line.
LUA = """
local paths = {%s}
local threads = {}
local counter = 0
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; counter = math.random(#paths) end
function request()
  counter = counter %% #paths + 1
  return wrk.format("GET", paths[counter])
end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local not200 = 0
  for _, t in ipairs(threads) do not200 = not200 + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    "JOURNEY-WRK requests=%%d duration_us=%%d p50_us=%%d p95_us=%%d p99_us=%%d max_us=%%d " ..
    "socket_errors=%%d not200=%%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect + e.read + e.write + e.timeout, not200))
end
"""


def _report(measurement: Measurement) -> Measurement:
    print(measurement.line(), flush=True)
    return measurement


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _journey(args: list[str], **options) -> subprocess.CompletedProcess:
    """Run ``journey ARGS`` with this checkout's code (the command the package installs)."""
    return subprocess.run(
        [sys.executable, "-m", "web.cli", *args], cwd=REPO, check=True, capture_output=True,
        text=True, **options,
    )  # fmt: skip


def _add_users(store_url: str) -> str:
    """Add an admin (``serve`` needs one) and an analyst; return the analyst's name."""
    suffix = secrets.token_hex(3)
    for name, role in ((f"bench-admin-{suffix}", "admin"), (f"bench-{suffix}", "analyst")):
        _journey(["users", "add", name, "--role", role, "--store", store_url, "--password-stdin"],
                 input=PASSWORD + "\n")  # fmt: skip
    return f"bench-{suffix}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _cookies(response) -> dict[str, str]:
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def _sign_in(base: str, name: str) -> str:
    """Sign in through the form as a browser would; return the session's Cookie header."""
    opener = urllib.request.build_opener(_NoRedirect)
    with opener.open(f"{base}/sign-in", timeout=30) as page:
        cookies = _cookies(page)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode()).group(1)
    form = urllib.parse.urlencode({"name": name, "password": PASSWORD, "csrf_token": token})
    request = urllib.request.Request(
        f"{base}/sign-in", data=form.encode(), method="POST",
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
    )  # fmt: skip
    try:
        opener.open(request, timeout=30)
        raise RuntimeError("signing in did not redirect: wrong name or password?")
    except urllib.error.HTTPError as answer:
        if answer.code != 303:
            raise
        session = _cookies(answer).get("journey-session")
    if not session:
        raise RuntimeError("signing in gave no session cookie")
    return f"journey-session={session}"


def _wait_until_up(base: str, server: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"journey serve ended with exit code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/sign-in", timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("journey serve did not answer in time")


def _get(base: str, path: str, cookie: str) -> bytes:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as answer:
        if answer.status != 200:
            raise RuntimeError(f"{path}: HTTP {answer.status}")
        return answer.read()


def _wrk(name: str, base: str, paths: list[str], cookie: str, folder: Path,
         target_rps: float | None) -> list[Measurement]:  # fmt: skip
    script = folder / f"paths-{len(paths)}.lua"
    script.write_text(LUA % ", ".join(f'"{p}"' for p in paths))
    run = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{DURATION}", "--timeout", "10s", "-H", f"Cookie: {cookie}",
         "-s", str(script), base + paths[0]],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = re.search(r"JOURNEY-WRK (.*)", run.stdout)
    if found is None:
        raise RuntimeError(f"wrk printed no summary:\n{run.stdout}\n{run.stderr}")
    values = {k: int(v) for k, v in (pair.split("=") for pair in found.group(1).split())}
    seconds = values["duration_us"] / 1e6
    errors = values["socket_errors"] + values["not200"]
    throughput = Measurement(
        name, seconds, [seconds], target_rps, unit="requests", rows=values["requests"],
        target_kind="min_per_s",
        error=f"{errors} errors (socket errors and answers other than 200)" if errors else None,
    )  # fmt: skip
    latency = Measurement(
        f"  its latency (p50, p95 of {values['requests']:,} requests)", values["p50_us"] / 1e6,
        [values["p50_us"] / 1e6, values["p95_us"] / 1e6],
    )  # fmt: skip
    return [_report(throughput), _report(latency)]


def _peak_rss(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) * 1024


def _families(path: Path, count: int) -> list[str]:
    """``count`` families with contacts, chosen at random (seeded) from the stored summary."""
    from graph_loader.stores import open_store

    store = open_store(f"sqlite:///{path}")
    try:
        summary = store.result("family_summary")
    finally:
        store.close()
    with_contacts = summary[summary["contacts"] > 0]
    return with_contacts.sample(n=count, random_state=1)["family_id"].astype(str).tolist()


def _not_measured(reason: str) -> list[Measurement]:
    print(f"bench_wrk: {reason}: throughput not measured", flush=True)
    names = ("family JSON under wrk", "pathways JSON under wrk", "journey serve peak RSS")
    return [Measurement(n, 0.0, [], None, error=f"not measured: {reason}") for n in names]


def run() -> list[Measurement]:
    """Serve the 1M-row store, sign in, then measure the JSON endpoints under wrk and the RSS."""
    if shutil.which("wrk") is None:
        return _not_measured("wrk is not installed (apt-get install wrk)")
    path = analysed_store(40_000)
    store_url = f"sqlite:///{path}"
    analyst = _add_users(store_url)
    families = _families(path, FAMILIES)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "JOURNEY_SECRET_KEY": secrets.token_hex(32)}
    results: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="journey-wrk-") as folder:
        log = open(Path(folder) / "serve.log", "w")  # noqa: SIM115 (closed below)
        server = subprocess.Popen(
            [sys.executable, "-m", "web.cli", "serve", "--store", store_url,
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_until_up(base, server)
            cookie = _sign_in(base, analyst)
            first = []
            for family_id in families:
                start = time.perf_counter()
                _get(base, f"/families/{family_id}.json", cookie)
                first.append(time.perf_counter() - start)
            first.sort()
            print(f"{'family JSON, first view of each (over HTTP)':<48} median "
                  f"{first[len(first) // 2] * 1000:7.1f} ms  p95 "
                  f"{first[round(0.95 * (len(first) - 1))] * 1000:7.1f} ms  "
                  f"({len(first)} families)", flush=True)  # fmt: skip
            paths = [f"/families/{f}.json" for f in families]
            results += _wrk(f"family JSON under wrk ({len(paths)} families)", base, paths,
                            cookie, Path(folder), TARGET_RPS)  # fmt: skip
            _get(base, "/pathways.json", cookie)
            results += _wrk("pathways JSON under wrk", base, ["/pathways.json"], cookie,
                            Path(folder), None)  # fmt: skip
            results.append(_report(Measurement(
                "journey serve peak RSS", 0.0, [], TARGET_RSS, peak_rss=_peak_rss(server.pid),
                target_kind="max_rss",
            )))  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
    return results


if __name__ == "__main__":
    run()
