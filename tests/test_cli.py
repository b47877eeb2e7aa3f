"""The command line as a user meets it: help, version, streams, exit codes."""

from __future__ import annotations

import email
import email.policy
import json
import os
import pty
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from conftest import WINDOW, FixtureServer, invoke, run_digest, subprocess_env, write_feeds

from digest import __version__, config
from digest.cli import app


def command_tree(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and sub-group the app has, as the words that name it: a command added
    later is in this list without anyone remembering to add it. (Typed loosely: this Typer
    vendors its own click.)"""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from command_tree(sub, (*path, name))


COMMANDS = dict(command_tree(typer.main.get_command(app)))


def test_the_command_tree_is_the_whole_app() -> None:
    assert {("prune",), ("opml", "export"), ("feeds",), ()} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "digest")
def test_every_command_has_help(command: tuple[str, ...], env: dict[str, str]) -> None:
    result = invoke([*command, "--help"], env)

    assert result.exit_code == 0
    assert "Usage:" in result.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "digest")
def test_option_help_says_each_thing_once(command: tuple[str, ...]) -> None:
    context = COMMANDS[command].context_class(COMMANDS[command])
    for param in COMMANDS[command].params:
        record = param.get_help_record(context)
        text = record[1] if record else ""
        assert text.count("[default:") <= 1, (param.name, text)
        assert "9223372036854775807" not in text, (param.name, text)


def test_each_format_option_lists_only_what_its_command_prints() -> None:
    def formats(command: tuple[str, ...]) -> list[str]:
        [option] = [p for p in COMMANDS[command].params if p.name == "fmt"]
        return list(option.type.choices)

    assert formats(("feeds",)) == ["rich", "text", "json"]
    assert formats(("issues",)) == ["text", "json"]
    assert "email" in formats(("show",)) and "markdown" in formats(("fetch",))


def test_help_names_the_feeds_variable_and_what_export_writes(env: dict[str, str]) -> None:
    assert "$DIGEST_FEEDS" in invoke(["show", "--help"], env).stdout
    assert "Write the OPML document" in invoke(["opml", "export", "--help"], env).stdout


def test_version_and_python_dash_m(env: dict[str, str]) -> None:
    done = run_digest(["--version"], env)

    assert done.returncode == 0
    assert done.stdout.decode().strip() == f"digest {__version__}"


@pytest.mark.parametrize(
    "options",
    [
        ["fetch", "--format", "pdf"],
        ["show", "--days", "0"],
        ["show", "--days", "100000000"],
        ["show", "--since", "last tuesday"],
        ["show", "--since", "0001-01-01"],
        ["show", "--until", "9999-12-31"],
        ["show", "--since", "2999-01-01"],
        ["show", "--since", "2026-11-20", "--until", "2026-11-10"],
        ["show", "--topic", "weather"],
        ["explain"],
    ],
    ids=" ".join,
)
def test_a_bad_option_is_a_usage_error(options: list[str], env: dict[str, str]) -> None:
    done = run_digest(options, env)

    assert done.returncode == 2
    assert b"Traceback" not in done.stderr
    assert done.stdout == b""


def test_show_before_any_fetch_says_so(tmp_path: Path, env: dict[str, str]) -> None:
    feeds = write_feeds(tmp_path / "feeds.toml", {"W": "https://x.example/rss"})

    result = invoke(["show", "--feeds", str(feeds)], env)

    assert result.exit_code == 1
    assert "run `digest fetch` first" in result.stderr


def test_an_unusable_store_exits_1_with_one_line(tmp_path: Path, env: dict[str, str]) -> None:
    feeds = write_feeds(tmp_path / "feeds.toml", {"W": "https://x.example/rss"})
    Path(env["DIGEST_DB"]).write_bytes(b"garbage" * 1000)

    done = run_digest(["show", "--feeds", str(feeds)], env)

    assert done.returncode == 1
    assert done.stderr.decode().startswith("error: ")
    assert b"Traceback" not in done.stderr
    assert Path(env["DIGEST_DB"]).read_bytes() == b"garbage" * 1000


def test_the_bundled_feeds_list_is_used_with_a_hint(tmp_path: Path, env: dict[str, str]) -> None:
    # No feeds file anywhere. A dead proxy on loopback keeps every request off the internet:
    # each bundled feed fails at once, but we learn the bundled list was used.
    dead_proxy = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    done = run_digest(["fetch", "--no-extract", "--format", "json"], env | dead_proxy, cwd=tmp_path)

    stderr = done.stderr.decode()
    assert "bundled feeds list" in stderr
    # Three feeds by name, the rest counted: one dead proxy is one problem, not 24 lines.
    assert stderr.count("): connection refused") == 3
    assert re.search(r"warning: \d\d more feeds unreachable: connection refused", stderr)
    assert stderr.splitlines()[-1].endswith("the network looks unreachable (connection refused)")
    assert done.returncode == 1


def test_progress_is_drawn_only_on_a_terminal_and_never_on_stdout(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    server.add_fixture_articles()
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml")})
    leader, follower = pty.openpty()
    full_env = subprocess_env(env) | {"TERM": "xterm-256color"}
    with subprocess.Popen(
        [sys.executable, "-m", "digest", "fetch", "--feeds", str(feeds), "--format", "json", *WINDOW],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=full_env,
    ) as process:
        os.close(follower)
        stdout, _ = process.communicate(timeout=120)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)

    assert process.returncode == 0
    assert b"feeds" in drawn and b"articles" in drawn
    assert len(json.loads(stdout)["items"]) == 4


def test_quiet_draws_no_progress_even_on_a_terminal(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml")})
    leader, follower = pty.openpty()
    full_env = subprocess_env(env)
    with subprocess.Popen(
        [sys.executable, "-m", "digest", "fetch", "-q", "--no-extract", "--feeds", str(feeds), *WINDOW],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=full_env,
    ) as process:
        os.close(follower)
        process.communicate(timeout=120)
    os.set_blocking(leader, False)
    try:
        drawn = os.read(leader, 65536)
    except OSError:
        drawn = b""
    os.close(leader)

    assert process.returncode == 0
    assert drawn == b""


def stored_digest(server: FixtureServer, tmp_path: Path, env: dict[str, str]) -> Path:
    feeds = write_feeds(tmp_path / "feeds.toml", {"Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml")})
    assert (
        invoke(
            ["fetch", "--no-extract", "--feeds", str(feeds), "-q", "-o", str(tmp_path / "first.txt")], env
        ).exit_code
        == 0
    )
    return feeds


def test_a_full_disk_is_one_error_line(server: FixtureServer, tmp_path: Path, env: dict[str, str]) -> None:
    feeds = stored_digest(server, tmp_path, env)

    with Path("/dev/full").open("wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "digest", "show", "--feeds", str(feeds), *WINDOW],
            env=subprocess_env(env),
            stdout=full,
            stderr=subprocess.PIPE,
            check=False,
        )

    assert done.returncode == 1
    assert done.stderr.decode().splitlines() == ["error: cannot write the digest (No space left on device)"]


def test_output_file_keeps_its_mode_and_symlink(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = stored_digest(server, tmp_path, env)
    real = tmp_path / "published.txt"
    real.write_text("old digest")
    real.chmod(0o644)
    link = tmp_path / "latest.txt"
    link.symlink_to(real)

    result = invoke(["show", "--feeds", str(feeds), "-o", str(link), *WINDOW], env)

    assert result.exit_code == 0
    assert link.is_symlink()
    assert "CRYPTO POLICY DIGEST" in real.read_text()
    assert real.stat().st_mode & 0o777 == 0o644
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_head_closing_the_pipe_is_quiet(server: FixtureServer, tmp_path: Path, env: dict[str, str]) -> None:
    feeds = stored_digest(server, tmp_path, env)
    full_env = subprocess_env(env)
    show = subprocess.Popen(
        [sys.executable, "-m", "digest", "show", "--feeds", str(feeds), *WINDOW],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    head = subprocess.run(["head", "-1"], stdin=show.stdout, capture_output=True, check=False)
    assert show.stdout is not None
    show.stdout.close()
    _, errors = show.communicate(timeout=60)

    assert head.stdout == b"CRYPTO POLICY DIGEST\n"
    assert show.returncode == 0
    assert errors == b""


def test_email_is_a_message_for_sendmail(server: FixtureServer, tmp_path: Path, env: dict[str, str]) -> None:
    feeds = stored_digest(server, tmp_path, env)
    feeds.write_text(
        feeds.read_text() + '\n[email]\nfrom = "digest@example.org"\nsubject = "Policy this fortnight"\n'
    )

    done = run_digest(
        ["show", "--feeds", str(feeds), "--format", "email", "--to", "team@example.org", *WINDOW], env
    )

    assert done.returncode == 0, done.stderr
    message = email.message_from_bytes(done.stdout, policy=email.policy.default)
    assert (message["From"], message["To"], message["Subject"]) == (
        "digest@example.org", "team@example.org", "Policy this fortnight",
    )  # fmt: skip
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    assert "CRYPTO POLICY DIGEST" in plain.get_content()
    assert "<html" in html.get_content().lower()


def test_a_header_injection_in_to_is_a_usage_error(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = stored_digest(server, tmp_path, env)

    done = run_digest(["show", "--feeds", str(feeds), "--format", "email", "--to", "a@b.c\nBcc: x@y.z"], env)

    assert done.returncode == 2
    assert done.stdout == b""


def test_init_writes_the_starter_feeds_file_once(tmp_path: Path, env: dict[str, str]) -> None:
    target = Path(env["XDG_CONFIG_HOME"]) / "digest" / "feeds.toml"

    first = invoke(["init"], env)
    again = invoke(["init"], env)
    target.write_text("# mine\n")
    refused = invoke(["init"], env)
    forced = invoke(["init", "--force"], env)

    assert first.exit_code == 0 and first.stderr == f"wrote {target}\n"
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert refused.exit_code == 2
    assert forced.exit_code == 0
    assert target.read_text() == config.bundled_feeds().read_text()
    assert len(config.load(target).feeds) >= 12


def test_feeds_lists_each_feeds_health(server: FixtureServer, tmp_path: Path, env: dict[str, str]) -> None:
    feeds = write_feeds(
        tmp_path / "feeds.toml",
        {
            "Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml"),
            "Dead": server.add("/dead.xml", status=410),
            "Never": server.base + "/never.xml",
        },
    )
    assert (
        invoke(
            ["fetch", "--no-extract", "-q", "--feeds", str(feeds), "-o", str(tmp_path / "d.txt")], env
        ).exit_code
        == 0
    )
    feeds.write_text(feeds.read_text() + '\n[[feeds]]\nname = "Added later"\nurl = "https://x.example/new"\n')

    listed = json.loads(
        invoke(["feeds", "--feeds", str(feeds), "--format", "json", "--days", "3650"], env).stdout
    )
    plain = invoke(["feeds", "--feeds", str(feeds)], env)

    health = {feed["name"]: feed for feed in listed["feeds"]}
    assert health["Wire"]["status"] == "ok" and health["Wire"]["items_stored"] == 4
    assert health["Wire"]["items_in_window"] == 4
    assert health["Dead"]["status"] == "error" and health["Dead"]["error"] == "gone (HTTP 410)"
    assert health["Dead"]["consecutive_failures"] == 1 and health["Dead"]["last_success"] is None
    assert health["Added later"]["status"] is None
    assert plain.exit_code == 0 and "\x1b" not in plain.stdout
    assert plain.stdout.splitlines()[0].split()[:2] == ["feed", "last"]
    assert "error: gone (HTTP 410)" in plain.stdout and "never fetched" in plain.stdout
