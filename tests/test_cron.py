"""The README's cron lines, run as cron runs them: no terminal, only PATH and HOME, no TZ, the
default store and feeds file, and stand-ins for sendmail and mail that keep what they are sent."""

from __future__ import annotations

import email
import email.policy
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from conftest import FixtureServer, write_feeds

README = Path(__file__).parent.parent / "README.md"
SENDMAIL = """#!/bin/sh
[ "$1" = "-t" ] || { echo "sendmail: expected -t" >&2; exit 64; }
cat > "$HOME/outbox/$(date +%s%N).eml"
"""
MAIL = """#!/bin/sh
{ printf 'ARGS:'; printf ' [%s]' "$@"; echo; cat; } > "$HOME/outbox/$(date +%s%N).txt"
"""


def cron_lines() -> dict[str, str]:
    """The README's cron jobs by the words of their comment, as the shell will see them."""
    block = README.read_text(encoding="utf-8").split("```cron\n", 1)[1].split("```", 1)[0]
    jobs, comment = {}, ""
    for line in block.splitlines():
        if line.startswith("#"):
            comment = line
        elif line and line[0].isdigit():
            command = line.split(None, 5)[5].replace("\\%", "%")  # cron's own unescaping
            # Every other week is the calendar's business; the test runs the job itself.
            jobs[f"{comment} {command}"] = re.sub(r"^\[ .*? \] && ", "", command)
    return jobs


def job(words: str) -> str:
    (command,) = [command for key, command in cron_lines().items() if words in key]
    return command


@pytest.fixture
def home(tmp_path: Path, server: FixtureServer) -> Path:
    """A user's home as `digest init` and an edit would leave it, with recent stories to fetch."""
    home = tmp_path / "home"
    (home / "outbox").mkdir(parents=True)
    (home / "bin").mkdir()
    for name, script in (("sendmail", SENDMAIL), ("mail", MAIL)):
        (home / "bin" / name).write_text(script)
        (home / "bin" / name).chmod(0o755)
    server.add_fixture_articles()
    url = server.add_fixture_feed("/rss2.xml", "rss2.xml")
    feed = server.routes["/rss2.xml"].body.decode()
    days = iter(range(1, 10))
    recent = re.sub(
        r"<pubDate>.*?</pubDate>",
        lambda _: f"<pubDate>{format_datetime(datetime.now(UTC) - timedelta(days=next(days)))}</pubDate>",
        feed,
    )
    server.routes["/rss2.xml"].body = recent.encode()
    (home / ".config" / "digest").mkdir(parents=True)
    write_feeds(home / ".config" / "digest" / "feeds.toml", {"Policy Wire": url})
    return home


def run_cron_job(command: str, home: Path) -> subprocess.CompletedProcess[str]:
    tools = Path(sys.executable).parent  # where `digest` is installed
    return subprocess.run(
        ["/bin/sh", "-c", command],
        env={"PATH": f"{home / 'bin'}:{tools}:/usr/bin:/bin", "HOME": str(home)},
        cwd=home,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def sent(home: Path, suffix: str) -> list[str]:
    return [path.read_text() for path in sorted((home / "outbox").glob(f"*.{suffix}"))]


def message(text: str) -> EmailMessage:
    parsed = email.message_from_string(text, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def plain_text(mail: EmailMessage) -> str:
    part = mail.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


STORIES = ("Beijing unveils three-year blockchain action plan", "Hainan carves out pilot zone")


def test_collect_daily_then_mail_each_story_once(home: Path) -> None:
    collect = run_cron_job(job("collect every morning"), home)

    assert (collect.returncode, collect.stdout, collect.stderr) == (0, "", "")
    assert (home / ".local" / "share" / "digest" / "digest.sqlite3").exists()

    mailing = job("every other Monday mail the new stories")
    first = run_cron_job(mailing, home)
    second = run_cron_job(mailing, home)

    assert (first.returncode, first.stderr) == (0, "")
    assert (second.returncode, second.stderr) == (0, "")
    issue_1, issue_2 = (message(text) for text in sent(home, "eml"))
    assert issue_1["To"] == "team@example.org"
    assert issue_1.get_content_type() == "multipart/alternative"
    assert "#1" in issue_1["Subject"]
    assert all(story in " ".join(plain_text(issue_1).split()) for story in STORIES)
    assert "#2" in issue_2["Subject"]
    assert not any(story in plain_text(issue_2) for story in STORIES)  # never mailed twice


def test_one_job_fetches_and_mails_what_is_new(home: Path) -> None:
    done = run_cron_job(job("one job every other Monday"), home)

    assert (done.returncode, done.stderr) == (0, "")
    (issue,) = (message(text) for text in sent(home, "eml"))
    assert issue["To"] == "team@example.org"
    assert all(story in " ".join(plain_text(issue).split()) for story in STORIES)


def test_plain_text_through_mail(home: Path) -> None:
    assert run_cron_job(job("collect every morning"), home).returncode == 0

    done = run_cron_job(job("plain text through mail"), home)

    assert (done.returncode, done.stderr) == (0, "")
    (mailed,) = sent(home, "txt")
    arguments, body = mailed.split("\n", 1)
    assert arguments == "ARGS: [-s] [Crypto policy digest] [me@example.org]"
    assert body.startswith("CRYPTO POLICY DIGEST · ISSUE 1\n")
    assert "\x1b" not in body
    assert max(len(line) for line in body.splitlines() if "://" not in line) <= 78


def test_the_readme_documents_the_three_patterns() -> None:
    commands = list(cron_lines().values())

    assert len(commands) == 4
    assert all("digest " in command for command in commands)
