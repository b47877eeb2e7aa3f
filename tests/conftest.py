"""Shared fixtures: a real threaded HTTP server on 127.0.0.1, feeds files, a CLI runner."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from digest.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
# The fixture stories are dated 20-25 Nov 2026; this window holds them whatever today is.
WINDOW = ["--since", "2026-11-01", "--until", "2026-12-31"]


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    endless: bool = False  # stream data until the client hangs up


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-request (a run interrupted on purpose) is no server error."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FixtureServer:
    """Serves `routes` over real HTTP on a loopback address and records every request it was
    sent, and the connections they came on."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.peak = 0  # the most requests the server was answering at once
        self.connections = 0  # connections opened to the server
        self.open_connections = 0  # ... and not closed yet
        self._active = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with server._lock:
                    server.connections += 1
                    server.open_connections += 1

            def finish(self) -> None:
                with server._lock:
                    server.open_connections -= 1
                super().finish()

            def do_GET(self) -> None:
                with server._lock:
                    server._active += 1
                    server.peak = max(server.peak, server._active)
                try:
                    self._get()
                finally:
                    with server._lock:
                        server._active -= 1

            def _get(self) -> None:
                server.hits.append(Hit(self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
                if route is None:
                    self._answer(Route(b"not here", 404))
                    return
                time.sleep(route.delay)
                etag = route.headers.get("ETag")
                if etag and route.status == 200 and self.headers.get("If-None-Match") == etag:
                    self._answer(Route(b"", 304, {"ETag": etag}))
                    return
                self._answer(route)

            def _answer(self, route: Route) -> None:
                try:
                    self.send_response(route.status)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    if route.endless:
                        self.send_header("Content-Type", "application/rss+xml")
                        self.end_headers()
                        chunk = b"<item><title>more</title></item>" * 2048
                        while True:
                            self.wfile.write(chunk)
                    else:
                        self.send_header("Content-Length", str(len(route.body)))
                        self.end_headers()
                        self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._httpd = _QuietServer((host, 0), Handler)
        self._httpd.daemon_threads = True
        self.base = f"http://{host}:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def add(self, path: str, body: bytes | str = b"", **options: object) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(data, **options)  # type: ignore[arg-type]
        return self.base + path

    def add_fixture_feed(self, path: str, name: str, **options: object) -> str:
        text = (FIXTURES / "feeds" / name).read_text(encoding="utf-8").replace("{base}", self.base)
        headers = {"Content-Type": "application/rss+xml; charset=utf-8"}
        return self.add(path, text, headers=headers | dict(options.pop("headers", {})), **options)  # type: ignore[arg-type]

    def add_fixture_articles(self) -> None:
        for page in sorted((FIXTURES / "articles").glob("*.html")):
            self.add(
                f"/articles/{page.name}",
                page.read_bytes(),
                headers={"Content-Type": "text/html; charset=utf-8"},
            )

    def requests_for(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path.split("?")[0] == path]

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture(autouse=True, scope="session")
def null_device_survives() -> Iterator[None]:
    """The suite runs as root on shared machines: renaming a file over /dev/null would replace
    the device for every program on the machine. Checked once every test has run."""
    yield
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode), f"{os.devnull} is no longer a character device"


@pytest.fixture(autouse=True)
def own_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own HOME and XDG directories: nothing writes to the real home."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    for name in ("DIGEST_FEEDS", "DIGEST_DB", "DIGEST_PAGER", "PAGER", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    fixture = FixtureServer()
    yield fixture
    fixture.close()


def write_feeds(path: Path, feeds: dict[str, str], settings: str = "") -> Path:
    """A feeds file listing `feeds` (name to URL), with an optional [settings] body."""
    lines = ["[settings]", settings, ""] if settings else []
    for name, url in feeds.items():
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment that keeps the tool away from the real user's files."""
    return {
        "DIGEST_DB": str(tmp_path / "store.sqlite3"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


def invoke(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(app, args, env=env, catch_exceptions=False)


def subprocess_env(env: dict[str, str]) -> dict[str, str]:
    """The environment of a real `digest` process: PATH, the test's own HOME, and `env`."""
    return {"PATH": os.environ.get("PATH", ""), "HOME": os.environ["HOME"]} | env


def run_digest(
    args: list[str], env: dict[str, str], cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    """The real program in a real subprocess: for streams, pipes and exit codes."""
    full_env = subprocess_env(env)
    return subprocess.run(
        [sys.executable, "-m", "digest", *args],
        env=full_env,
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def fetched(server: FixtureServer, tmp_path: Path, env: dict[str, str], feed: str = "rss2.xml") -> Path:
    """A store holding one fixture feed's stories (fetched without articles); the feeds file
    that lists it. The fetch's digest goes to a file of the test's own, not to a device."""
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": server.add_fixture_feed(f"/{feed}", feed)})
    done = invoke(
        ["fetch", "-q", "--no-extract", "--feeds", str(feeds), *WINDOW, "-o", str(tmp_path / "fetched.txt")],
        env,
    )
    assert done.exit_code == 0, done.output
    return feeds
