"""Serve the app with waitress (a production WSGI server, pure Python, no internet needed)."""

from __future__ import annotations

import gc
import select
import signal
import socket
import threading

from flask import Flask
from waitress import wasyncore
from waitress.server import BaseWSGIServer, create_server

from journey.errors import JourneyError

__all__ = ["make_server", "serve", "check_address", "warm_up", "BackgroundServer", "ServeError"]


class ServeError(JourneyError):
    """The server cannot start (the port is taken, the address is not this machine's)."""


def make_server(
    app: Flask, host: str = "127.0.0.1", port: int = 5000, threads: int = 4
) -> BaseWSGIServer:
    """A waitress server bound to ``host:port`` (port 0 picks a free one: see ``effective_port``).

    Call ``run()`` to serve; :class:`BackgroundServer` runs one in a thread and stops it cleanly.
    """
    return create_server(app, host=host, port=port, threads=threads, ident="journey")


def check_address(host: str, port: int) -> None:
    """Refuse a taken or foreign address up front: waitress leaks its sockets when binding fails."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        reason = error.strerror or str(error)
        raise ServeError(
            f"cannot listen on {host}:{port} ({reason}); choose another --port"
        ) from None


def serve(app: Flask, host: str = "127.0.0.1", port: int = 5000, threads: int = 4) -> None:
    """Serve ``app`` on ``host:port`` until interrupted.

    Parameters
    ----------
    app : Flask
        From :func:`web.create_app`.
    host : str, default "127.0.0.1"
        The address to listen on; the default keeps the service on this machine.
    port : int, default 5000
        The TCP port.
    threads : int, default 4
        Worker threads.
    """
    check_address(host, port)
    server = make_server(app, host=host, port=port, threads=threads)
    warm_up(app)
    _stop_on_interrupt()
    try:
        server.run()
    except KeyboardInterrupt:
        pass  # Ctrl+C is how a person stops the server: not an error.
    finally:
        server.close()
        server.task_dispatcher.shutdown()


def _stop_on_interrupt() -> None:
    """Let SIGINT (Ctrl+C, ``kill -INT``) stop the server even if the parent ignored it.

    A process started in the background by a non-interactive shell (``cmd &``
    in a script) inherits SIGINT ignored, and Python then installs no handler
    of its own: such a server could only be killed.
    """
    if threading.current_thread() is threading.main_thread():
        if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
            signal.signal(signal.SIGINT, signal.default_int_handler)


class BackgroundServer:
    """Serve an app in a background thread (for browser tests): ``with BackgroundServer(app) as s``.

    ``url`` is ``http://host:port`` with the port the system chose.
    """

    #: How long the loop waits on its sockets before looking at the stop flag.
    POLL_SECONDS = 0.1

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0, threads: int = 4):
        self.server = make_server(app, host=host, port=port, threads=threads)
        self.url = f"http://{host}:{self.server.effective_port}"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="journey-server", daemon=True)

    def __enter__(self) -> BackgroundServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        """The server's loop, which also closes every socket when asked to stop.

        Sockets are only ever closed by the thread that polls them: closing
        them from another thread races the poll (EBADF), and so can waking
        the loop through waitress's trigger, whose pipe closes with the rest.
        """
        server = self.server
        channels = server._map
        use_poll = server.adj.asyncore_use_poll
        poll = wasyncore.poll2 if use_poll and hasattr(select, "poll") else wasyncore.poll
        try:
            while channels and not self._stopping.is_set():
                poll(self.POLL_SECONDS, channels)
        finally:
            for channel in list(channels.values()):
                channel.close()

    def stop(self) -> None:
        """Ask the loop to close every connection and end, then stop the workers."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self.server.task_dispatcher.shutdown()


# The stored results the pages read.
_WARM_RESULTS = (
    "family_summary", "uncoordinated_families", "contacts_per_month", "pathways",
    "pathway_ends", "variants", "intervention_agencies", "broker_agencies",
    "pathway_view_flows", "pathway_view_ends", "pathway_view_variants",
)  # fmt: skip


def warm_up(app: Flask) -> None:
    """Prepare a serving process: read the stored results once, then freeze the heap.

    The first requests would otherwise read and parse every stored result
    frame (pages need a signed-in user, so the frames are read directly).
    ``gc.freeze()`` then moves everything alive (modules, the app, those
    frames) out of the garbage collector's sight, so a full collection during
    a request scans only that request's objects.
    """
    data = app.extensions["journey"]
    with app.app_context():
        for name in _WARM_RESULTS:
            data.result(name)
    gc.collect()
    gc.freeze()
