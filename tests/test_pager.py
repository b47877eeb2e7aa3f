"""The pager, chosen as git chooses it and run for real: a program that reads the text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from digest.cli.pager import page, pager_command


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"DIGEST_PAGER": "most", "PAGER": "more"}, "most"),
        ({"PAGER": "more -s"}, "more -s"),
        ({"DIGEST_PAGER": "cat", "PAGER": "more"}, None),
        ({"DIGEST_PAGER": "", "PAGER": "more"}, None),
        ({"PAGER": "  cat "}, None),
    ],
)
def test_the_pager_is_chosen_as_git_chooses_it(environ: dict[str, str], expected: str | None) -> None:
    assert pager_command(environ) == expected


def test_without_a_setting_less_is_used_when_there_is_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pager_command({}) is None
    less = tmp_path / "less"
    less.write_text("#!/bin/sh\ncat\n")
    less.chmod(0o755)
    assert pager_command({}) == "less -R"


def fake_pager(tmp_path: Path, body: str) -> str:
    script = tmp_path / "pager.py"
    script.write_text(body, encoding="utf-8")
    return f"{sys.executable} {script}"


def test_the_text_reaches_the_pager_with_less_told_to_quit_on_one_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LESS", raising=False)
    seen = tmp_path / "seen.txt"
    command = fake_pager(
        tmp_path,
        f"import os, sys\nopen({str(seen)!r}, 'w').write(os.environ['LESS'] + '|' + sys.stdin.read())\n",
    )
    assert page("北京 \x1b[1mbold\x1b[0m\n" * 3, command)
    assert seen.read_text() == "FRX|" + "北京 \x1b[1mbold\x1b[0m\n" * 3


def test_a_users_less_settings_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LESS", "-S")
    seen = tmp_path / "seen.txt"
    command = fake_pager(
        tmp_path, f"import os, sys\nsys.stdin.read()\nopen({str(seen)!r}, 'w').write(os.environ['LESS'])\n"
    )
    page("text\n", command)
    assert seen.read_text() == "-S"


def test_quitting_early_is_no_error(tmp_path: Path) -> None:
    command = fake_pager(tmp_path, "import sys\nsys.stdin.readline()\n")  # reads a line, quits
    assert page("line\n" * 200_000, command)


def test_a_pager_that_is_not_there_says_so(tmp_path: Path) -> None:
    assert not page("text\n", str(tmp_path / "no-such-pager"))
