"""Read and validate the feeds file (TOML) into a `FeedList`; every problem names file and line."""

from __future__ import annotations

import os
import re
import shlex
import stat
import tomllib
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from digest.errors import ConfigError
from digest.models import (
    DEFAULT_CONCURRENCY,
    DEFAULT_DAYS,
    DEFAULT_DEADLINE,
    DEFAULT_TIMEOUT,
    MAX_DAYS,
    PASSWORD_ENV,
    TOPICS,
    CustomRegion,
    Feed,
    FeedList,
    Mail,
    Route,
    Security,
    SendmailProgram,
    Settings,
    SmtpServer,
    Vocabulary,
)
from digest.plaintext import has_line_break, one_line, redact_url
from digest.units import MB, megabytes

# Re-exported (the alias is what mypy --strict reads as one) until opml.py asks digest.urls.
from digest.urls import is_web_url as is_web_url  # noqa: PLC0414
from digest.urls import same_address

# A feeds or OPML file is a few KB; 10 MB is far past any real one and still cheap to read.
MAX_FILE_BYTES = 10 * MB

_TOP_KEYS = frozenset({"settings", "feeds", "regions", "topics", "email"})
_EMAIL_KEYS = {"from": "sender", "to": "to", "subject": "subject"}
_ROUTE_KEYS = ("smtp", "tls", "user", "password_env", "password_file", "sendmail")
_SMTP_ONLY = frozenset({"tls", "user", "password_env", "password_file"})
SMTPS_PORT = 465
_REGION_KEYS = frozenset({"code", "name", "aliases", "parent"})
_TOPIC_KEYS = frozenset({"phrases"})
# Contract codes: ISO 3166-1 (or EU), optionally ISO 3166-2's part, optionally a city slug.
_REGION_CODE = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?(?:-[a-z0-9]+)?")
_SETTINGS_KEYS = frozenset({"days", "timeout", "concurrency", "user_agent", "deadline", "keep_days"})
_FEED_KEYS = frozenset({"name", "url", "extract"})
_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")
_HEADER = re.compile(r"\[\[?\s*([^\]#]+?)\s*\]\]?")
_KEY = re.compile(r"""["']?([A-Za-z0-9_-]+)["']?\s*=""")


class _Source:
    """The file being validated, so every error can point at a line in it.

    tomllib keeps no positions, so one pass over the text notes where each table starts and
    where each key is set in it; errors look lines up there instead of re-scanning."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self._lines: dict[tuple[str | None, int, str], int] | None = None

    def fail(self, problem: str, line: int | None = None) -> ConfigError:
        where = f"{_shown(self.path)}:{line}" if line else _shown(self.path)
        return ConfigError(f"{where}: {problem}")

    def line_of(self, key: str, table: str | None = None, index: int = 0) -> int | None:
        """Where `key` is set in the `index`-th `[table]` or `[[table]]` (the top level when
        `table` is None); with an empty `key`, where that table's header is."""
        if self._lines is None:
            self._lines = self._index()
        return self._lines.get((table, index, key))

    def _index(self) -> dict[tuple[str | None, int, str], int]:
        lines: dict[tuple[str | None, int, str], int] = {}
        seen: dict[str, int] = {}
        table: str | None = None
        index = 0
        for number, raw in enumerate(self.text.splitlines(), start=1):
            line = raw.strip()
            if header := _HEADER.match(line):
                table = header[1].strip()
                index = seen[table] = seen.get(table, -1) + 1
                lines.setdefault((table, index, ""), number)
            elif key := _KEY.match(line):
                lines.setdefault((table, index, key[1]), number)
        return lines


def load(path: Path, *, bundled: bool = False) -> FeedList:
    return parse(read_text(path), path, bundled=bundled)


def read_text(path: Path, what: str = "feeds file") -> str:
    """A small UTF-8 file the user named, read with care: `--feeds /dev/zero` or a FIFO must
    be refused, not read until memory runs out or a writer comes. A leading BOM is dropped."""
    data = read_bytes(path, what)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{_shown(path)}: is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})",
            hint=f"save the {what} as UTF-8",
        ) from None


def read_bytes(path: Path, what: str = "feeds file") -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES, or a ConfigError naming it."""
    where = _shown(path)
    try:
        # The check comes before the open: opening a FIFO waits for a writer, a tape rewinds.
        _check_regular(path.stat(), where, what)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(descriptor, "rb") as handle:
            _check_regular(os.fstat(handle.fileno()), where, what)  # it may have been swapped since
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{where}: no such {what}") from None
    except OSError as error:
        raise ConfigError(f"{where}: cannot read the {what} ({describe_os_error(error)})") from None
    if len(data) > MAX_FILE_BYTES:
        raise ConfigError(f"{where}: larger than {megabytes(MAX_FILE_BYTES)}; this is not {_a(what)}")
    return data


def _check_regular(status: os.stat_result, where: str, what: str) -> None:
    if stat.S_ISDIR(status.st_mode):
        raise ConfigError(f"{where}: is a directory, not {_a(what)}")
    if not stat.S_ISREG(status.st_mode):
        raise ConfigError(f"{where}: is not a regular file (a device, FIFO or socket), not {_a(what)}")
    if status.st_size > MAX_FILE_BYTES:
        raise ConfigError(f"{where}: larger than {megabytes(MAX_FILE_BYTES)}; this is not {_a(what)}")


def _a(what: str) -> str:
    """ "a feeds file", "an OPML file"."""
    return f"{'an' if what[:1].lower() in 'aeio' else 'a'} {what}"


def describe_os_error(error: OSError) -> str:
    """ "permission denied", not "[Errno 13] Permission denied: '/x'": the file is named already."""
    reason = error.strerror or type(error).__name__
    return reason[:1].lower() + reason[1:]


def _shown(path: Path) -> str:
    """A path as a message shows it: a name holding a newline cannot start a second line."""
    return one_line(str(path))


def parse(text: str, path: Path, *, bundled: bool = False) -> FeedList:
    text = text.removeprefix("\ufeff")  # editors on Windows like to start files with a BOM
    source = _Source(path, text)
    try:
        document = tomllib.loads(text)
    except RecursionError:  # tomllib recurses once per level of nested arrays or tables
        raise source.fail("invalid TOML: arrays or tables nested too deeply") from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        problem = _TOML_POSITION.sub("", message).strip()
        raise source.fail(f"invalid TOML: {problem}", int(position[1]) if position else None) from None
    for key in document:
        if key not in _TOP_KEYS:
            raise source.fail(f"unknown key {key!r}", source.line_of(key) or source.line_of("", key))
    settings = _settings(document.get("settings", {}), source)
    feeds = _feeds(document.get("feeds"), source)
    vocabulary = Vocabulary(
        regions=_regions(document.get("regions", []), source),
        topic_phrases=_topic_phrases(document.get("topics", {}), source),
    )
    return FeedList(
        source=path,
        settings=settings,
        feeds=feeds,
        bundled=bundled,
        vocabulary=vocabulary,
        mail=_mail(document.get("email", {}), source),
    )


def _mail(table: Any, source: _Source) -> Mail:
    """`[email]`: from, to and subject of the message, and how `digest send` delivers it."""
    if not isinstance(table, dict):
        raise source.fail("[email] must be a table", source.line_of("email"))
    values: dict[str, str] = {}
    for key, value in table.items():
        line = source.line_of(key, "email")
        if key not in _EMAIL_KEYS and key not in _ROUTE_KEYS:
            known = ", ".join([*_EMAIL_KEYS, *_ROUTE_KEYS])
            raise source.fail(f"unknown key {key!r} in [email]; use {known}", line)
        if not isinstance(value, str) or not value.strip() or has_line_break(value):
            raise source.fail(f"email.{key} must be a one-line string", line)
        values[key] = value.strip()
    headers = {_EMAIL_KEYS[key]: value for key, value in values.items() if key in _EMAIL_KEYS}
    return Mail(**headers, route=_route(values, source))


def _route(values: dict[str, str], source: _Source) -> Route | None:
    """`smtp = "host:port"` (with tls, user, password_env, password_file) or `sendmail = "..."`."""

    def fail(key: str, problem: str) -> ConfigError:
        return source.fail(f"email.{key} {problem}", source.line_of(key, "email"))

    if "smtp" in values and "sendmail" in values:
        raise fail("sendmail", "and email.smtp are two ways to send: keep one")
    if "sendmail" in values:
        for key in _SMTP_ONLY & values.keys():
            raise fail(key, "is for email.smtp, not email.sendmail")
        try:
            command = tuple(shlex.split(values["sendmail"]))
        except ValueError as error:
            raise fail("sendmail", f"cannot be read as a command line ({error})") from None
        return SendmailProgram(command)
    if "smtp" not in values:
        for key in _SMTP_ONLY & values.keys():
            raise fail(key, 'needs email.smtp = "host:port" beside it')
        return None
    host, port = _address(values["smtp"], fail)
    security = _security(values.get("tls"), host, port, fail)
    password_file = values.get("password_file")
    return SmtpServer(
        host,
        port,
        security,
        user=values.get("user"),
        password_env=values.get("password_env", PASSWORD_ENV),
        password_file=(source.path.parent / Path(password_file).expanduser()) if password_file else None,
    )


def _address(text: str, fail: Callable[[str, str], ConfigError]) -> tuple[str, int]:
    host, colon, port = text.rpartition(":")
    host = host.strip("[]")  # "[::1]:25"
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise fail("smtp", f'must be host:port, e.g. "smtp.example.org:587", not {text!r}')
    return host, int(port)


def _security(chosen: str | None, host: str, port: int, fail: Callable[[str, str], ConfigError]) -> Security:
    """As asked, else by port: 465 speaks TLS from the start; a relay on this machine needs
    none; anything else must offer STARTTLS (submission, port 587)."""
    if chosen is not None:
        try:
            return Security(chosen.lower())
        except ValueError:
            raise fail("tls", f"must be one of starttls, tls, none, not {chosen!r}") from None
    if port == SMTPS_PORT:
        return Security.TLS
    if host in ("localhost", "127.0.0.1", "::1"):
        return Security.NONE
    return Security.STARTTLS


def _settings(table: Any, source: _Source) -> Settings:
    if not isinstance(table, dict):
        raise source.fail("[settings] must be a table", source.line_of("settings"))

    def line(key: str) -> int | None:
        return source.line_of(key, "settings")

    for key in table:
        if key not in _SETTINGS_KEYS:
            raise source.fail(f"unknown key {key!r} in [settings]", line(key))
    days = table.get("days", DEFAULT_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise source.fail("settings.days must be a whole number of days from 1", line("days"))
    timeout = table.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 600:
        raise source.fail("settings.timeout must be a number of seconds above 0", line("timeout"))
    concurrency = table.get("concurrency", DEFAULT_CONCURRENCY)
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or not 1 <= concurrency <= 256:
        raise source.fail("settings.concurrency must be a whole number from 1 to 256", line("concurrency"))
    user_agent = table.get("user_agent")
    if user_agent is not None and (not isinstance(user_agent, str) or not user_agent.strip()):
        raise source.fail("settings.user_agent must be a non-empty string", line("user_agent"))
    deadline = table.get("deadline", DEFAULT_DEADLINE)
    if isinstance(deadline, bool) or not isinstance(deadline, int | float) or not 0 < deadline <= 86400:
        raise source.fail("settings.deadline must be a number of seconds above 0", line("deadline"))
    keep_days = table.get("keep_days")
    if keep_days is not None and (
        isinstance(keep_days, bool) or not isinstance(keep_days, int) or not 1 <= keep_days <= MAX_DAYS
    ):
        raise source.fail("settings.keep_days must be a whole number of days from 1", line("keep_days"))
    return Settings(
        days=days, timeout=float(timeout), concurrency=concurrency, user_agent=user_agent,
        deadline=float(deadline), keep_days=keep_days,
    )  # fmt: skip


def _feeds(tables: Any, source: _Source) -> tuple[Feed, ...]:
    if not tables:
        raise source.fail("no [[feeds]] listed", source.line_of("feeds"))
    if not isinstance(tables, list):
        raise source.fail(
            "feeds must be an array of tables: write [[feeds]]",
            source.line_of("", "feeds") or source.line_of("feeds"),
        )
    feeds: list[Feed] = []
    names: dict[str, int] = {}
    urls: dict[str, int] = {}
    for index, table in enumerate(tables):
        header = source.line_of("", "feeds", index)
        feed = _feed(table, index, header, source)
        if feed.name.casefold() in names:
            raise source.fail(f"duplicate feed name {feed.name!r}", source.line_of("name", "feeds", index))
        same_url = same_address(feed.url)
        if same_url in urls:
            raise source.fail(
                f"duplicate feed url {redact_url(feed.url)!r}", source.line_of("url", "feeds", index)
            )
        names[feed.name.casefold()] = index
        urls[same_url] = index
        feeds.append(feed)
    return tuple(feeds)


def _feed(table: Any, index: int, header: int | None, source: _Source) -> Feed:
    def line(key: str) -> int | None:
        return source.line_of(key, "feeds", index) or header

    if not isinstance(table, dict):
        raise source.fail("each feed must be a table: write [[feeds]]", header)
    for key in table:
        if key not in _FEED_KEYS:
            raise source.fail(f"unknown key {key!r} in feed {index + 1}", line(key))
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise source.fail(f"feed {index + 1} needs a name", line("name"))
    url = table.get("url")
    if url is None:
        raise source.fail(f"feed {name!r} has no url", header)
    if not isinstance(url, str) or not is_web_url(url.strip()):
        shown = redact_url(url) if isinstance(url, str) else url
        raise source.fail(
            f"feed {name!r}: url must be an http or https URL with a valid host and port, got {shown!r}",
            line("url"),
        )
    extract = table.get("extract", True)
    if not isinstance(extract, bool):
        raise source.fail(f"feed {name!r}: extract must be true or false", line("extract"))
    return Feed(name=name.strip(), url=url.strip(), extract=extract)


def _regions(tables: Any, source: _Source) -> tuple[CustomRegion, ...]:
    """`[[regions]]`: places the tagger should know, beyond the built-in gazetteer."""
    if not isinstance(tables, list):
        raise source.fail("regions must be an array of tables: write [[regions]]", source.line_of("regions"))
    regions = []
    for index, table in enumerate(tables):
        header = source.line_of("", "regions", index)

        def line(key: str, index: int = index, header: int | None = header) -> int | None:
            return source.line_of(key, "regions", index) or header

        if not isinstance(table, dict):
            raise source.fail("each region must be a table: write [[regions]]", header)
        for key in table:
            if key not in _REGION_KEYS:
                raise source.fail(f"unknown key {key!r} in region {index + 1}", line(key))
        code, name = table.get("code"), table.get("name")
        if not isinstance(code, str) or not _REGION_CODE.fullmatch(code):
            raise source.fail(
                f"region {index + 1}: code must look like CN, CN-BJ or CN-GD-shenzhen, got {code!r}",
                line("code"),
            )
        if not isinstance(name, str) or not name.strip():
            raise source.fail(f"region {code}: needs a name", line("name"))
        aliases = table.get("aliases", [])
        if not _is_string_list(aliases):
            raise source.fail(f"region {code}: aliases must be a list of names", line("aliases"))
        parent = table.get("parent")
        if parent is not None and (not isinstance(parent, str) or not code.startswith(parent + "-")):
            raise source.fail(
                f"region {code}: parent must be the start of its code, got {parent!r}", line("parent")
            )
        regions.append(CustomRegion(code, name.strip(), tuple(a.strip() for a in aliases), parent))
    return tuple(regions)


def _topic_phrases(table: Any, source: _Source) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`[topics.NAME]` with `phrases = [...]`: more ways to say one of the seven topics."""
    if not isinstance(table, dict):
        raise source.fail("topics must be tables: write [topics.regulation]", source.line_of("topics"))
    extra = []
    for topic, entry in table.items():
        header = source.line_of("", f"topics.{topic}")
        if topic not in TOPICS:
            raise source.fail(f"unknown topic {topic!r}; the topics are {', '.join(TOPICS)}", header)
        if not isinstance(entry, dict):
            raise source.fail(f"topics.{topic} must be a table with phrases = [...]", header)
        for key in entry:
            if key not in _TOPIC_KEYS:
                raise source.fail(
                    f"unknown key {key!r} in [topics.{topic}]", source.line_of(key, f"topics.{topic}")
                )
        phrases = entry.get("phrases", [])
        if not _is_string_list(phrases):
            raise source.fail(
                f"topics.{topic}.phrases must be a list of phrases",
                source.line_of("phrases", f"topics.{topic}"),
            )
        extra.append((topic, tuple(p.strip() for p in phrases)))
    return tuple(extra)


def _is_string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item.strip() for item in value)


def locate(explicit: Path | None, user_config_dir: Path) -> tuple[Path, bool]:
    """Which feeds file to read, in the contract's order; the flag says "the bundled list"."""
    if explicit is not None:
        return explicit, False
    if env := os.environ.get("DIGEST_FEEDS"):
        return Path(env), False
    for candidate in (Path("feeds.toml"), user_config_dir / "feeds.toml"):
        if candidate.is_file():
            return candidate, False
    return bundled_feeds(), True


def bundled_feeds() -> Path:
    """The starter list: inside the wheel when installed, the repo's own file in a checkout."""
    packaged = resources.files("digest") / "feeds.toml"
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "feeds.toml"
