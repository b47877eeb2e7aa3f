"""The feeds file: every mistake is one line naming the file, the line and the problem; exit 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import invoke, run_digest

from digest import config
from digest.errors import ConfigError
from digest.models import MAX_DAYS, Security, SendmailProgram, SmtpServer

GOOD_FEED = '[[feeds]]\nname = "Ledger"\nurl = "https://example.org/feed"\n'

BAD_FILES = [
    pytest.param('[[feeds]]\nname = "Ledger\nurl = "https://x.org"\n', 2, "invalid TOML", id="syntax"),
    pytest.param(GOOD_FEED + "colour = 'blue'\n", 4, "unknown key 'colour'", id="unknown-feed-key"),
    pytest.param("[settings]\nspeed = 3\n\n" + GOOD_FEED, 2, "unknown key 'speed'", id="unknown-setting"),
    pytest.param("[extras]\nx = 1\n\n" + GOOD_FEED, 1, "unknown key 'extras'", id="unknown-table"),
    pytest.param('[[feeds]]\nname = "Ledger"\n', 1, "has no url", id="missing-url"),
    pytest.param('[[feeds]]\nname = "L"\nurl = "ftp://x.org/f"\n', 3, "http or https", id="ftp-url"),
    pytest.param('[[feeds]]\nname = "L"\nurl = "not a url"\n', 3, "http or https", id="not-a-url"),
    pytest.param('[[feeds]]\nurl = "https://x.org/f"\n', 1, "needs a name", id="missing-name"),
    pytest.param(
        GOOD_FEED + '\n[[feeds]]\nname = "ledger"\nurl = "https://y.org/f"\n',
        6,
        "duplicate feed name",
        id="duplicate-name",
    ),
    pytest.param(
        GOOD_FEED + '\n[[feeds]]\nname = "Other"\nurl = "https://example.org/feed"\n',
        7,
        "duplicate feed url",
        id="duplicate-url",
    ),
    pytest.param(GOOD_FEED + "extract = 'yes'\n", 4, "extract must be true or false", id="extract-not-bool"),
    pytest.param("[settings]\ndays = 0\n\n" + GOOD_FEED, 2, "settings.days", id="days-zero"),
    pytest.param("[settings]\ntimeout = 'fast'\n\n" + GOOD_FEED, 2, "settings.timeout", id="timeout-text"),
    pytest.param("[settings]\ndeadline = 0\n\n" + GOOD_FEED, 2, "settings.deadline", id="deadline-zero"),
    pytest.param(
        "[settings]\nkeep_days = 1.5\n\n" + GOOD_FEED, 2, "settings.keep_days", id="keep-days-fraction"
    ),
    pytest.param(
        "[settings]\nconcurrency = 1000\n\n" + GOOD_FEED, 2, "settings.concurrency", id="concurrency"
    ),
    pytest.param("title = 'x'\n", 1, "unknown key 'title'", id="no-feeds-unknown"),
    pytest.param("", None, "no [[feeds]] listed", id="empty"),
    pytest.param(
        GOOD_FEED + '\n[[regions]]\ncode = "dongguan"\nname = "D"\n',
        6,
        "code must look like",
        id="region-code",
    ),
    pytest.param(GOOD_FEED + '\n[[regions]]\ncode = "CN-GD-dongguan"\n', 5, "needs a name", id="region-name"),
    pytest.param(
        GOOD_FEED + '\n[[regions]]\ncode = "CN-GD-dongguan"\nname = "D"\nparent = "US"\n',
        8,
        "parent",
        id="region-parent",
    ),
    pytest.param(
        GOOD_FEED + '\n[[regions]]\ncode = "CN"\nname = "C"\nsize = 3\n',
        8,
        "unknown key 'size'",
        id="region-key",
    ),
    pytest.param(
        GOOD_FEED + '\n[topics.weather]\nphrases = ["rain"]\n', 5, "unknown topic 'weather'", id="topic-name"
    ),
    pytest.param(GOOD_FEED + '\n[topics.cbdc]\nphrases = "e-cny"\n', 6, "must be a list", id="topic-phrases"),
]


@pytest.mark.parametrize(("text", "line", "problem"), BAD_FILES)
def test_a_bad_feeds_file_exits_2_with_file_line_and_problem(
    tmp_path: Path, env: dict[str, str], text: str, line: int | None, problem: str
) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(text, encoding="utf-8")

    result = invoke(["fetch", "--feeds", str(feeds)], env)

    assert result.exit_code == 2
    assert result.stdout == ""
    [message] = result.stderr.splitlines()
    where = f"{feeds}:{line}:" if line else f"{feeds}:"
    assert message.startswith(f"error: {where}")
    assert problem in message


def test_a_config_error_in_a_real_process_has_no_traceback(tmp_path: Path, env: dict[str, str]) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("[[feeds]\n", encoding="utf-8")

    done = run_digest(["show", "--feeds", str(feeds)], env)

    assert done.returncode == 2
    assert b"Traceback" not in done.stderr
    assert done.stderr.decode().count("\n") == 1


def test_a_missing_feeds_file_is_a_config_error(tmp_path: Path, env: dict[str, str]) -> None:
    result = invoke(["fetch", "--feeds", str(tmp_path / "nope.toml")], env)

    assert result.exit_code == 2
    assert "no such feeds file" in result.stderr


def test_a_file_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_bytes(b"\xff\xfe[[feeds]]")

    with pytest.raises(ConfigError, match=r"is not UTF-8 text \(byte 0xff at offset 0\)"):
        config.load(feeds)


def test_settings_and_feeds_are_read() -> None:
    text = (
        '[settings]\ndays = 7\ntimeout = 5\nconcurrency = 4\nuser_agent = "me"\n\n'
        + GOOD_FEED
        + 'extract = false\n\n[[feeds]]\nname = "B"\nurl = " http://b.org/rss "\n'
    )

    feed_list = config.parse(text, Path("feeds.toml"))

    assert (feed_list.settings.days, feed_list.settings.timeout) == (7, 5.0)
    assert (feed_list.settings.concurrency, feed_list.settings.user_agent) == (4, "me")
    assert [(f.name, f.url, f.extract) for f in feed_list.feeds] == [
        ("Ledger", "https://example.org/feed", False),
        ("B", "http://b.org/rss", True),
    ]


@pytest.mark.parametrize(
    "again",
    [
        "https://EXAMPLE.org/feed",  # the host is case-blind
        "https://example.org:443/feed",  # the default port is optional
        "https://example.org/feed/",  # so is a trailing slash
        "https://example.org/feed#latest",  # a fragment never reaches the server
    ],
)
def test_a_feed_listed_twice_under_another_spelling_is_a_duplicate(again: str) -> None:
    # The same rule as the OPML import's: what it skips as listed already, the file refuses.
    text = GOOD_FEED + f'\n[[feeds]]\nname = "Again"\nurl = "{again}"\n'

    with pytest.raises(ConfigError, match="duplicate feed url"):
        config.parse(text, Path("feeds.toml"))


def test_another_scheme_or_port_is_another_feed() -> None:
    text = GOOD_FEED + "".join(
        f'\n[[feeds]]\nname = "F{n}"\nurl = "{url}"\n'
        for n, url in enumerate(["http://example.org/feed", "https://example.org:8443/feed"])
    )

    assert len(config.parse(text, Path("feeds.toml")).feeds) == 3


@pytest.mark.parametrize("separator", ["\\u2028", "\\u0085", "\\u000b"])  # TOML escapes
def test_an_email_header_with_any_line_break_is_refused_where_it_is_written(separator: str) -> None:
    # The renderer refuses these too; the feeds file says so first, naming the line.
    text = GOOD_FEED + f'\n[email]\nfrom = "digest@example.org{separator}Bcc: x@example.org"\n'

    with pytest.raises(ConfigError, match=r"feeds.toml:6: email.from must be a one-line string"):
        config.parse(text, Path("feeds.toml"))


def test_days_take_the_same_bound_as_the_command_line() -> None:
    days = config.parse(f"[settings]\ndays = {MAX_DAYS}\n\n" + GOOD_FEED, Path("feeds.toml")).settings.days

    assert days == MAX_DAYS == 36500
    with pytest.raises(ConfigError, match=r"settings\.days must be"):
        config.parse(f"[settings]\ndays = {MAX_DAYS + 1}\n\n" + GOOD_FEED, Path("feeds.toml"))


def test_the_bundled_feeds_file_is_valid_and_broad() -> None:
    feed_list = config.load(config.bundled_feeds())

    assert len(feed_list.feeds) >= 12
    assert all(feed.url.startswith("https://") for feed in feed_list.feeds)


def test_feeds_file_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user_dir = tmp_path / "config"
    user_dir.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DIGEST_FEEDS", raising=False)

    assert config.locate(None, user_dir) == (config.bundled_feeds(), True)
    (user_dir / "feeds.toml").write_text(GOOD_FEED)
    assert config.locate(None, user_dir) == (user_dir / "feeds.toml", False)
    (tmp_path / "feeds.toml").write_text(GOOD_FEED)
    assert config.locate(None, user_dir) == (Path("feeds.toml"), False)
    monkeypatch.setenv("DIGEST_FEEDS", "/elsewhere.toml")
    assert config.locate(None, user_dir) == (Path("/elsewhere.toml"), False)
    assert config.locate(Path("given.toml"), user_dir) == (Path("given.toml"), False)


# -- [email]: how `digest send` delivers ----------------------------------------------------


def email_route(tmp_path: Path, table: str) -> object:
    path = tmp_path / "feeds.toml"
    path.write_text(
        f'[[feeds]]\nname = "A"\nurl = "https://a.example/feed"\n\n[email]\n{table}\n', encoding="utf-8"
    )
    return config.load(path).mail.route


def test_smtp_security_follows_the_port_unless_told(tmp_path: Path) -> None:
    submission = email_route(tmp_path, 'smtp = "smtp.example.org:587"\nuser = "me@example.org"')
    assert submission == SmtpServer("smtp.example.org", 587, Security.STARTTLS, user="me@example.org")
    assert email_route(tmp_path, 'smtp = "smtp.example.org:465"') == SmtpServer(
        "smtp.example.org", 465, Security.TLS
    )
    assert email_route(tmp_path, 'smtp = "localhost:25"') == SmtpServer("localhost", 25, Security.NONE)
    told = email_route(tmp_path, 'smtp = "mail.example.org:2525"\ntls = "tls"')
    assert told == SmtpServer("mail.example.org", 2525, Security.TLS)


def test_the_password_comes_from_a_named_variable_or_a_file_beside_the_feeds_file(tmp_path: Path) -> None:
    table = 'smtp = "[2001:db8::1]:587"\npassword_env = "MY_PASS"\npassword_file = "secret.txt"'
    named = {"password_env": "MY_PASS", "password_file": tmp_path / "secret.txt"}
    assert email_route(tmp_path, table) == SmtpServer("2001:db8::1", 587, Security.STARTTLS, **named)


def test_sendmail_is_a_command_line(tmp_path: Path) -> None:
    route = email_route(tmp_path, "sendmail = \"/usr/sbin/sendmail -t -f 'digest@example.org'\"")
    assert route == SendmailProgram(("/usr/sbin/sendmail", "-t", "-f", "digest@example.org"))
    assert email_route(tmp_path, 'to = "me@example.org"') is None


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ('smtp = "smtp.example.org"', 'email.smtp must be host:port, e.g. "smtp.example.org:587"'),
        ('smtp = "smtp.example.org:99999"', "email.smtp must be host:port"),
        ('smtp = "a:25"\ntls = "ssl"', "email.tls must be one of starttls, tls, none"),
        ('smtp = "a:25"\nsendmail = "sendmail -t"', "and email.smtp are two ways to send"),
        ('user = "me"', 'email.user needs email.smtp = "host:port" beside it'),
        ('sendmail = "sendmail -t"\nuser = "me"', "email.user is for email.smtp"),
        ('sendmail = "sendmail \'-t"', "email.sendmail cannot be read as a command line"),
        ('password = "hunter2"', "unknown key 'password' in [email]"),
    ],
)
def test_a_bad_delivery_setting_names_its_line(tmp_path: Path, table: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(problem)) as caught:
        email_route(tmp_path, table)
    assert "feeds.toml:6" in str(caught.value) or "feeds.toml:7" in str(caught.value)
