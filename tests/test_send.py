"""`digest send` as cron runs it: a real process, a real SMTP server on 127.0.0.1, the issue
recorded only once the server took it, nothing sent when nothing is new."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, fetched, invoke, run_digest
from smtp_server import PASSWORD, USER, authority, free_port, smtp_server

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


def stored_feeds(server: FixtureServer, tmp_path: Path, env: dict[str, str], email: str) -> Path:
    feeds = fetched(server, tmp_path, env)
    feeds.write_text(
        feeds.read_text() + f'\n[email]\nfrom = "digest@policy.example"\nto = "reader@example.org"\n{email}\n'
    )
    return feeds


def issues(env: dict[str, str]) -> list[int]:
    return [
        issue["number"] for issue in json.loads(invoke(["issues", "--format", "json"], env).stdout)["issues"]
    ]


def test_send_delivers_the_issue_then_nothing_when_nothing_is_new(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    with smtp_server() as (port, received):
        feeds = stored_feeds(server, tmp_path, env, f'smtp = "127.0.0.1:{port}"')
        first = run_digest(["send", "--feeds", str(feeds), *WINDOW], env)
        assert first.returncode == 0, first.stderr
        assert first.stdout == b""
        assert b"sent issue 1 to reader@example.org" in first.stderr
        [message] = received.messages
        assert message["To"] == "reader@example.org" and "#1" in message["Subject"]
        assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None

        again = run_digest(["send", "--feeds", str(feeds), *WINDOW], env)
        assert again.returncode == 0
        assert again.stderr.strip() == b"nothing new since issue 1; nothing sent"
        assert len(received.messages) == 1
    assert issues(env) == [1]


def test_a_refused_connection_is_one_line_exit_1_and_no_issue(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = stored_feeds(server, tmp_path, env, f'smtp = "127.0.0.1:{free_port()}"')
    done = run_digest(["send", "--feeds", str(feeds), *WINDOW], env)
    assert done.returncode == 1
    assert done.stderr.decode().strip().startswith("error: could not connect to 127.0.0.1:")
    assert len(done.stderr.decode().strip().splitlines()) == 1
    assert issues(env) == []  # the next run sends it


def test_starttls_with_a_login_from_the_environment(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    ca = authority(tmp_path)
    secure = env | {"SSL_CERT_FILE": str(ca.ca_file), "DIGEST_SMTP_PASSWORD": PASSWORD}
    with smtp_server(starttls=ca.server_context, login=True) as (port, received):
        # 127.0.0.1 would default to no TLS (a local relay): this server wants STARTTLS.
        feeds = stored_feeds(
            server, tmp_path, env, f'smtp = "127.0.0.1:{port}"\ntls = "starttls"\nuser = "{USER}"'
        )
        done = run_digest(["send", "--feeds", str(feeds), *WINDOW], secure)
        assert done.returncode == 0, done.stderr
        assert len(received.messages) == 1

        unset = run_digest(["send", "--feeds", str(feeds), *WINDOW], env | {"SSL_CERT_FILE": str(ca.ca_file)})
        assert unset.returncode == 2
        assert b"DIGEST_SMTP_PASSWORD is not set" in unset.stderr


def test_dry_run_prints_the_message_and_records_nothing(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = stored_feeds(server, tmp_path, env, 'sendmail = "/nonexistent/sendmail -t"')
    done = run_digest(["send", "--dry-run", "--feeds", str(feeds), *WINDOW], env)
    assert done.returncode == 0, done.stderr
    assert b"MIME-Version: 1.0" in done.stdout and b"multipart/alternative" in done.stdout
    assert issues(env) == []


def test_without_a_way_to_send_it_is_a_configuration_error(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = stored_feeds(server, tmp_path, env, "")
    done = run_digest(["send", "--feeds", str(feeds), *WINDOW], env)
    assert done.returncode == 2
    assert b"no way to send" in done.stderr
