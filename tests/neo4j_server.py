"""A throwaway Neo4j 5 Community server for tests, run by ``tools/neo4j/run``.

:func:`neo4j_server` builds the launcher if needed (the first build fetches
about 145 MB with Maven), starts it on a free port on 127.0.0.1 with a fresh
database under a folder of the caller's, yields the Bolt URI once the server
accepts connections, and stops it afterwards. Authentication is off.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from queue import Empty, Queue

from tests.paths import ROOT

__all__ = ["LAUNCHER", "Neo4jServerError", "missing_tools", "neo4j_server", "ready_uri"]

LAUNCHER = ROOT / "tools" / "neo4j" / "run"
_READY = re.compile(r"^neo4j: ready at (bolt://\S+)$")
_TAIL_LINES = 40


class Neo4jServerError(RuntimeError):
    """The launcher could not be built, did not become ready, or would not stop."""


def missing_tools() -> list[str]:
    """Name the programs the launcher needs that cannot be found.

    Like ``tools/neo4j/run``, looks for ``java`` and ``javac`` in ``$JAVA_HOME/bin``
    when ``JAVA_HOME`` is set, and on ``PATH`` otherwise; ``mvn`` on ``PATH``.

    Returns
    -------
    list of str
        Among ``java``, ``javac`` and ``mvn``, those not found; empty when all are.

    Examples
    --------
    >>> set(missing_tools()) <= {"java", "javac", "mvn"}
    True
    """
    java_home = os.environ.get("JAVA_HOME")
    found = {
        tool: shutil.which(f"{java_home}/bin/{tool}" if java_home else tool)
        for tool in ("java", "javac")
    }
    found["mvn"] = shutil.which("mvn")
    return [tool for tool, path in found.items() if path is None]


def ready_uri(line: str) -> str | None:
    """The Bolt URI announced by the launcher's ready line, or None for any other line.

    Examples
    --------
    >>> ready_uri("neo4j: ready at bolt://127.0.0.1:7687\\n")
    'bolt://127.0.0.1:7687'
    >>> ready_uri("neo4j: starting Neo4j") is None
    True
    """
    match = _READY.match(line.strip())
    return match.group(1) if match else None


@contextmanager
def neo4j_server(
    work_dir: Path,
    *,
    heap: str = "512m",
    page_cache: str = "128m",
    build_timeout: float = 900.0,
    start_timeout: float = 120.0,
    stop_grace: float = 20.0,
) -> Iterator[str]:
    """Run a fresh Neo4j for the duration of a ``with`` block and yield its Bolt URI.

    Parameters
    ----------
    work_dir : Path
        Folder for the server's database and logs (created if missing); a clean
        stop deletes the database folder inside it.
    heap, page_cache : str
        JVM maximum heap and Neo4j page cache, e.g. ``"512m"``; small by default,
        since a test database is tiny and the machine is shared.
    build_timeout : float
        Seconds allowed for the first build (Maven fetch and compile).
    start_timeout : float
        Seconds allowed from start to the ready line.
    stop_grace : float
        Seconds between SIGTERM and SIGKILL when stopping.

    Yields
    ------
    str
        The Bolt URI, such as ``bolt://127.0.0.1:40123`` (no authentication).

    Raises
    ------
    Neo4jServerError
        If the build fails, or the server exits or times out before it is ready;
        the message carries the launcher's last lines of output.

    Examples
    --------
    Not run as a doctest, since it starts a JVM::

        with neo4j_server(tmp_path / "neo4j") as uri:
            with neo4j.GraphDatabase.driver(uri, auth=None) as driver:
                driver.execute_query("RETURN 1")
    """
    _build(build_timeout)
    work_dir.mkdir(parents=True, exist_ok=True)
    # Port 0: the server binds a free port itself and announces it, so two test
    # runs can never race for the same one.
    env = os.environ | {
        "NEO4J_PORT": "0",
        "NEO4J_DATA": str(work_dir),
        "NEO4J_HEAP": heap,
        "NEO4J_PAGECACHE": page_cache,
    }
    process = subprocess.Popen(
        [str(LAUNCHER)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    tail: deque[str] = deque(maxlen=_TAIL_LINES)
    uris: Queue[str | None] = Queue()
    reader = threading.Thread(target=_read_output, args=(process, tail, uris), daemon=True)
    reader.start()
    try:
        yield _await_ready(process, uris, tail, start_timeout)
    finally:
        _stop(process, stop_grace)
        reader.join(timeout=stop_grace)
        process.stdout.close()


def _build(timeout: float) -> None:
    try:
        result = subprocess.run(
            [str(LAUNCHER), "--build"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise Neo4jServerError(f"building the Neo4j launcher took over {timeout:.0f} s") from exc
    if result.returncode != 0:
        output = "\n".join((result.stdout + result.stderr).splitlines()[-_TAIL_LINES:])
        raise Neo4jServerError(
            f"building the Neo4j launcher failed (exit {result.returncode}):\n{output}"
        )


def _read_output(process: subprocess.Popen, tail: deque[str], uris: Queue[str | None]) -> None:
    """Keep the last lines for error messages and hand over the ready URI; drain to the end."""
    for line in process.stdout:
        tail.append(line.rstrip("\n"))
        uri = ready_uri(line)
        if uri is not None:
            uris.put(uri)
    uris.put(None)


def _await_ready(
    process: subprocess.Popen, uris: Queue[str | None], tail: deque[str], timeout: float
) -> str:
    try:
        uri = uris.get(timeout=timeout)
    except Empty:
        problem = f"was not ready within {timeout:.0f} s"
    else:
        if uri is not None:
            return uri
        # The output ended without a ready line: the launcher has exited.
        problem = f"exited with code {process.wait()} before it was ready"
    last = "\n".join(tail) or "(no output)"
    raise Neo4jServerError(f"the Neo4j launcher {problem}; its last output:\n{last}")


def _stop(process: subprocess.Popen, grace: float) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
