"""What a user reads on stderr: sentences naming the file, no Python error text, bounded
output however many feeds fail, and no credentials from a feed's URL anywhere."""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import os
import pty
import resource
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, invoke, run_digest, subprocess_env, write_feeds
from test_lock import hold_lock

from digest.plaintext import redact_url, redact_urls


def stderr_lines(done: subprocess.CompletedProcess[bytes]) -> list[str]:
    return done.stderr.decode().splitlines()


def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- the feeds file -------------------------------------------------------------------------------


def test_a_directory_as_the_feeds_file_is_one_sentence(tmp_path: Path, env: dict[str, str]) -> None:
    done = run_digest(["show", "--feeds", str(tmp_path)], env)

    assert done.returncode == 2
    assert stderr_lines(done) == [f"error: {tmp_path}: is a directory, not a feeds file"]


def test_a_feeds_file_that_is_not_utf8_names_the_byte(tmp_path: Path, env: dict[str, str]) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_bytes(b'[[feeds]]\nna\xffme = "x"\n')

    done = run_digest(["show", "--feeds", str(feeds)], env)

    assert done.returncode == 2
    assert stderr_lines(done)[0] == f"error: {feeds}: is not UTF-8 text (byte 0xff at offset 12)"
    assert "codec" not in done.stderr.decode()


def _limited_memory() -> None:
    # If the check were missing, /dev/zero would be read until memory ran out: let that be
    # this process's failure, not the machine's.
    resource.setrlimit(resource.RLIMIT_AS, (2**31, 2**31))


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_as_the_feeds_file_is_refused_unread(device: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "digest", "show", "--feeds", device],
        env=subprocess_env(env),
        capture_output=True,
        timeout=60,
        check=False,
        preexec_fn=_limited_memory,
    )

    assert done.returncode == 2
    assert stderr_lines(done) == [
        f"error: {device}: is not a regular file (a device, FIFO or socket), not a feeds file"
    ]


def test_a_fifo_as_the_feeds_file_is_refused_without_waiting(tmp_path: Path, env: dict[str, str]) -> None:
    fifo = tmp_path / "feeds.toml"
    os.mkfifo(fifo)

    done = run_digest(["show", "--feeds", str(fifo)], env, timeout=30)  # no writer ever comes

    assert done.returncode == 2
    assert "is not a regular file" in done.stderr.decode()


def test_a_huge_feeds_file_is_refused(tmp_path: Path, env: dict[str, str]) -> None:
    feeds = tmp_path / "feeds.toml"
    with feeds.open("wb") as handle:
        handle.truncate(11 * 2**20)  # sparse: 11 MB without writing them

    done = run_digest(["show", "--feeds", str(feeds)], env)

    assert done.returncode == 2
    assert stderr_lines(done) == [f"error: {feeds}: larger than 10 MB; this is not a feeds file"]


def test_toml_nested_1000_deep_is_one_line(tmp_path: Path, env: dict[str, str]) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("x = " + "[" * 1000 + "]" * 1000 + "\n")

    done = run_digest(["show", "--feeds", str(feeds)], env)

    assert done.returncode == 2
    assert stderr_lines(done) == [f"error: {feeds}: invalid TOML: arrays or tables nested too deeply"]


def test_a_file_name_with_a_newline_cannot_forge_a_second_line(tmp_path: Path, env: dict[str, str]) -> None:
    feeds = tmp_path / "feeds.toml\nerror: forged"
    feeds.write_text("not toml at all =\n")

    done = run_digest(["show", "--feeds", str(feeds)], env)

    assert done.returncode == 2
    assert len(stderr_lines(done)) == 1
    assert stderr_lines(done)[0].startswith("error: ")


@pytest.mark.parametrize("url", ["http://☃.example/feed", "https://news.example:99999/feed"])
def test_a_url_the_fetcher_cannot_use_is_a_config_error(
    url: str, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = write_feeds(tmp_path / "feeds.toml", {"Odd": url})

    done = run_digest(["fetch", "--feeds", str(feeds)], env)

    assert done.returncode == 2
    assert stderr_lines(done)[0].startswith(f"error: {feeds}:3: feed 'Odd': url must be")
    assert "internal error" not in done.stderr.decode()


# -- failing feeds --------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [4, 40])
def test_many_unreachable_feeds_are_summarised(count: int, tmp_path: Path, env: dict[str, str]) -> None:
    port = closed_port()
    feeds = write_feeds(
        tmp_path / "feeds.toml", {f"Feed {n}": f"http://127.0.0.1:{port}/{n}.xml" for n in range(count)}
    )

    done = run_digest(["fetch", "--no-extract", "--feeds", str(feeds)], env)

    lines = stderr_lines(done)
    assert done.returncode == 1
    assert len([line for line in lines if line.startswith("warning: feed ")]) == 3
    more = count - 3
    assert f"warning: {more} more {'feed' if more == 1 else 'feeds'} unreachable: connection refused" in lines
    assert lines[-1] == "error: every feed failed; the network looks unreachable (connection refused)"
    assert len(lines) == 5


def test_verbose_lists_every_failure(tmp_path: Path, env: dict[str, str]) -> None:
    port = closed_port()
    feeds = write_feeds(tmp_path / "feeds.toml", {f"F{n}": f"http://127.0.0.1:{port}/{n}" for n in range(5)})

    done = run_digest(["fetch", "-v", "--no-extract", "--feeds", str(feeds)], env)

    assert len([line for line in stderr_lines(done) if line.startswith("warning: feed ")]) == 5


def test_a_waiting_run_says_so_once_with_verbose(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml")})
    holder = hold_lock(env["DIGEST_DB"])
    try:
        quiet = run_digest(["fetch", "--no-extract", "--feeds", str(feeds), "--lock-timeout", "1"], env)
        told = run_digest(["fetch", "-v", "--no-extract", "--feeds", str(feeds), "--lock-timeout", "1"], env)
    finally:
        holder.kill()
        holder.wait()

    waiting = f"waiting for the run in process {holder.pid} (up to 1 s)"
    assert told.returncode == 1 and stderr_lines(told).count(waiting) == 1
    assert waiting not in quiet.stderr.decode()  # not a terminal, not -v: a cron log stays short


# -- explain --------------------------------------------------------------------------------------


def fetched_wire(server: FixtureServer, tmp_path: Path, env: dict[str, str]) -> Path:
    """A store holding one fixture feed's stories; the feeds file that lists it."""
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml")})
    done = invoke(["fetch", "-q", "--no-extract", "--feeds", str(feeds), "-o", str(tmp_path / "d")], env)
    assert done.exit_code == 0
    return feeds


def test_explain_finds_a_url_as_the_feed_gave_it(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = fetched_wire(server, tmp_path, env)
    stored = json.loads(invoke(["show", "--feeds", str(feeds), "--format", "json", *WINDOW], env).stdout)
    url = stored["items"][0]["url"]

    as_given = url.replace("http://", "HTTP://") + "?utm_source=rss&utm_medium=feed#comments"
    result = invoke(["explain", as_given], env)

    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(stored["items"][0]["title"][:30])


def test_explain_with_a_huge_argument_is_one_short_line(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    fetched_wire(server, tmp_path, env)

    done = run_digest(["explain", "x" * 50_000], env)

    assert done.returncode == 1
    [line] = stderr_lines(done)
    assert line.startswith("error: no stored item matches 'xxx") and len(line) < 200


# -- credentials in feed URLs ---------------------------------------------------------------------


def test_credentials_in_feed_urls_are_never_shown(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    host = server.base.removeprefix("http://")
    server.add_fixture_feed("/rss2.xml", "rss2.xml")
    feeds = write_feeds(
        tmp_path / "feeds.toml",
        {
            "Private": f"http://reader:hunter2@{host}/rss2.xml?token=tok-secret-1",
            "Paid": f"http://APIKEY-secret-2@{host}/missing.xml?page=1&api_key=key-secret-3",
        },
    )
    secrets = ("hunter2", "secret-1", "secret-2", "secret-3")

    fetched = run_digest(["fetch", "--no-extract", "--feeds", str(feeds), "--format", "json", *WINDOW], env)
    assert fetched.returncode == 0, fetched.stderr
    assert "missing.xml" in fetched.stderr.decode()  # the 404 is reported, without its secrets
    shown = [fetched.stdout.decode(), fetched.stderr.decode()]
    for fmt in ("text", "markdown", "html", "rich"):
        shown.append(
            run_digest(["show", "--feeds", str(feeds), "--format", fmt, *WINDOW], env).stdout.decode()
        )
    for fmt in ("text", "json"):
        shown.append(run_digest(["feeds", "--feeds", str(feeds), "--format", fmt], env).stdout.decode())
    mail = run_digest(["show", "--feeds", str(feeds), "--format", "email", *WINDOW], env).stdout
    message = email.message_from_bytes(mail, policy=email.policy.default)
    shown += [part.get_content() for part in message.iter_parts()]  # type: ignore[attr-defined]

    assert json.loads(shown[0])["feeds"][0]["url"] == f"http://***@{host}/rss2.xml?token=***"
    for text in shown:
        assert not [secret for secret in secrets if secret in text]


def test_an_opml_import_from_a_fifo_is_refused_without_waiting(tmp_path: Path, env: dict[str, str]) -> None:
    fifo = tmp_path / "subscriptions.opml"
    os.mkfifo(fifo)
    feeds = write_feeds(tmp_path / "feeds.toml", {"W": "https://x.example/rss"})

    done = run_digest(["opml", "import", str(fifo), "--feeds", str(feeds)], env, timeout=30)

    assert done.returncode == 2
    assert stderr_lines(done) == [
        f"error: {fifo}: is not a regular file (a device, FIFO or socket), not an OPML file"
    ]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pass@news.example/feed", "https://***@news.example/feed"),
        ("https://TOKEN123@news.example/", "https://***@news.example/"),
        (
            "https://news.example/f?page=2&token=abc&Api_Key=k#top",
            "https://news.example/f?page=2&token=***&Api_Key=***#top",
        ),
        (
            "https://news.example/f?access_token=a&sig=b&password=c",
            "https://news.example/f?access_token=***&sig=***&password=***",
        ),
        ("https://news.example/f?q=policy&page=2", "https://news.example/f?q=policy&page=2"),
        ("https://news.example/p@home", "https://news.example/p@home"),  # an @ in the path is no user
    ],
)
def test_redact_url_masks_userinfo_and_secret_parameters(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_a_url_inside_a_message_is_redacted_up_to_the_sentence_around_it() -> None:
    message = "moved permanently to https://news.example/f.xml?access_token=abc; update its url"

    assert (
        redact_urls(message)
        == "moved permanently to https://news.example/f.xml?access_token=***; update its url"
    )


def test_a_waiting_run_says_so_on_a_terminal(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml")})
    holder = hold_lock(env["DIGEST_DB"])
    leader, follower = pty.openpty()
    try:
        with subprocess.Popen(
            [
                sys.executable,
                "-m",
                "digest",
                "fetch",
                "--no-extract",
                "--feeds",
                str(feeds),
                "--lock-timeout",
                "1",
            ],
            stdout=subprocess.PIPE,
            stderr=follower,
            env=subprocess_env(env) | {"TERM": "dumb"},
        ) as process:
            os.close(follower)
            process.communicate(timeout=60)
        drawn = b""
        with contextlib.suppress(OSError):  # the terminal reads as closed once the run is gone
            while chunk := os.read(leader, 65536):
                drawn += chunk
    finally:
        os.close(leader)
        holder.kill()
        holder.wait()

    assert process.returncode == 1
    assert drawn.decode().count(f"waiting for the run in process {holder.pid} (up to 1 s)") == 1
