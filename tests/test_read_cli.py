"""`digest read` and `digest open` through the command line, in a pipe: the story's text, and
its URL where no browser is to be had."""

from __future__ import annotations

from pathlib import Path

from conftest import FixtureServer, fetched, invoke


def test_read_prints_the_story_with_its_header(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    fetched(server, tmp_path, env)
    done = invoke(["read", "Dubai regulator"], env)
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert lines[0] == "Dubai regulator grants full operating licence to Harborline exchange"
    assert lines[1].startswith("Wire · ")
    assert any(line.startswith("policy: ") for line in lines[:5])


def test_open_prints_the_url_in_a_pipe(server: FixtureServer, tmp_path: Path, env: dict[str, str]) -> None:
    fetched(server, tmp_path, env)
    done = invoke(["open", "Hainan carves"], env)
    assert done.exit_code == 0, done.output
    assert done.stdout.strip().startswith("http")


def test_an_unknown_story_is_one_line_and_exit_1(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    fetched(server, tmp_path, env)
    done = invoke(["read", "no such story anywhere"], env)
    assert done.exit_code == 1
