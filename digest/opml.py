"""Feeds to and from OPML 2.0: read a subscription list into feeds to add, write the feeds out as one."""

from __future__ import annotations

import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

from digest import config
from digest.errors import ConfigError
from digest.models import Feed
from digest.urls import is_web_url, same_address

_PARSE_POSITION = re.compile(r":\s*line \d+, column \d+$")
# Characters XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Anything that could end a line, in TOML's view or an editor's.
_LINE_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_TOML_SHORT_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
_NEWLINE = b"\n"
_DECLARATIONS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
_MAX_FOLDERS = 8  # feed readers nest two or three deep; past this a category says no more
_MAX_FOLDER_NAME = 100
_OPML_HINT = "is it an OPML subscription list exported from a feed reader?"
# How a feeds file the import starts begins.
_NEW_FEEDS_FILE = "# Feeds for `digest`, imported from OPML. Each [[feeds]] has a unique name and url.\n"


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One feed outline: its name, its URL, and the folders (or `category`) it was filed under."""

    name: str
    url: str
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """An outline that was not imported, and why in words."""

    name: str
    url: str
    reason: str


class _NamedFeed(Protocol):
    """A `Feed` from the feeds file or an `OpmlFeed`: all `merge` needs of either."""

    @property
    def name(self) -> str: ...

    @property
    def url(self) -> str: ...


class _DoctypeError(Exception):
    """A DOCTYPE in the OPML; raised from inside the parser to stop it before any entity."""


class _NoDoctype(ET.TreeBuilder):
    # The second line of defence, for a DOCTYPE `_declares` missed: the parse fails. It is
    # not the first, because expat goes on to the end of the bytes fed (expanding entities,
    # within its own amplification limits) before the parser raises what this raised.
    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise _DoctypeError


def read_opml(data: bytes, source: str) -> tuple[list[OpmlFeed], list[Skipped]]:
    """The feed outlines of an OPML document, at any depth and in document order, and the
    outlines skipped because their URL is not http(s). `source` names the file in errors.

    Raises `ConfigError` ("FILE:LINE: problem") if it is not XML, has a DOCTYPE, or is not OPML."""
    if _declares(data):
        raise _refusal(data, source)
    # S314: refusing every DOCTYPE, before and during the parse, is what defusedxml would do.
    parser = ET.XMLParser(target=_NoDoctype())  # noqa: S314
    try:
        parser.feed(data)
        root = parser.close()
    except _DoctypeError:
        raise _refusal(data, source) from None
    except ET.ParseError as error:
        line = error.position[0] if error.position else None
        problem = _PARSE_POSITION.sub("", str(error))
        where = f"{source}:{line}" if line else source
        raise ConfigError(f"{where}: not valid XML: {problem}", _OPML_HINT) from None
    if _local(root.tag) != "opml":
        raise ConfigError(f"{source}: not an OPML file: the root element is <{_local(root.tag)}>", _OPML_HINT)
    body = next((child for child in root if _local(child.tag) == "body"), None)
    if body is None:
        raise ConfigError(f"{source}: not an OPML file: <opml> has no <body>", _OPML_HINT)
    return _outlines(body)


def _declares(data: bytes) -> bool:
    """Whether the bytes hold a DOCTYPE or ENTITY declaration, in any encoding expat reads
    (ASCII-compatible ones, UTF-16 either way round). Entities exist only through those, so
    refusing them refuses "billion laughs" and external entities without parsing a byte.
    A DOCTYPE quoted in a comment is refused too: no real OPML file has one."""
    return any(marker in data for marker in _DECLARATIONS)


def _refusal(data: bytes, source: str) -> ConfigError:
    at = data.find(b"<!DOCTYPE")  # a line is only easy to find in an ASCII-compatible encoding
    where = f"{source}:{data.count(_NEWLINE, 0, at) + 1}" if at >= 0 else source
    return ConfigError(
        f"{where}: refusing an OPML file with a DOCTYPE or ENTITY declaration (a way to attack XML parsers)",
        "OPML needs neither; remove it and import again",
    )


def _outlines(body: ET.Element) -> tuple[list[OpmlFeed], list[Skipped]]:
    feeds: list[OpmlFeed] = []
    skipped: list[Skipped] = []
    # An explicit stack, not recursion, so outlines nested a million deep cannot hit the
    # recursion limit; each entry carries its folder path, as text, and that path's depth.
    stack: list[tuple[ET.Element, str, int]] = [
        (outline, "", 0) for outline in reversed(body) if _local(outline.tag) == "outline"
    ]
    while stack:
        outline, folders, depth = stack.pop()
        raw_url = _attribute(outline, "xmlUrl")
        inner, inner_depth = folders, depth
        if raw_url is None:
            # The path stops growing after a few folders, and each name is cut short: a hostile
            # file nested deep must not cost time or memory quadratic in its depth.
            if depth < _MAX_FOLDERS and (folder := _label(outline, "text", "title")[:_MAX_FOLDER_NAME]):
                inner, inner_depth = f"{folders}/{folder}" if folders else folder, depth + 1
        else:
            url = raw_url.strip()
            name = _label(outline, "title", "text")
            if is_web_url(url):
                category = _category(folders, _attribute(outline, "category"))
                feeds.append(OpmlFeed(name=name or url, url=url, category=category))
            else:
                skipped.append(Skipped(name or url, url, "not an http or https URL"))
        stack.extend(
            (child, inner, inner_depth) for child in reversed(outline) if _local(child.tag) == "outline"
        )
    return feeds, skipped


def merge(
    existing: Iterable[_NamedFeed], incoming: Iterable[OpmlFeed]
) -> tuple[list[OpmlFeed], list[Skipped]]:
    """Which incoming feeds to add, and which to skip because their URL is already listed
    (in the feeds file or earlier in the import), comparing URLs as the feeds file does (`urls.same_address`).

    A name already taken by a different URL gets " (2)", " (3)" ...: the URL is what makes
    a feed, two publishers may well both call theirs "News", and the feeds file needs
    unique names (compared case-blind, as the config check does)."""
    urls: dict[str, str] = {}  # address -> why a feed there is a duplicate
    names: set[str] = set()
    tried: dict[str, int] = {}
    for feed in existing:
        urls.setdefault(same_address(feed.url), f"already in the feeds file as {feed.name!r}")
        names.add(feed.name.casefold())
    added: list[OpmlFeed] = []
    skipped: list[Skipped] = []
    for feed in incoming:
        key = same_address(feed.url)
        if key in urls:
            skipped.append(Skipped(feed.name, feed.url, urls[key]))
            continue
        name = _unique(feed.name, names, tried)
        names.add(name.casefold())
        urls[key] = f"listed earlier in the OPML file as {name!r}"
        added.append(OpmlFeed(name=name, url=feed.url, category=feed.category))
    return added, skipped


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import makes of a feeds file: the feeds added, the outlines skipped and why, and
    the file's new text (None when nothing was added, so nothing needs writing)."""

    added: tuple[OpmlFeed, ...]
    skipped: tuple[Skipped, ...]
    text: str | None


def import_feeds(
    incoming: Sequence[OpmlFeed], unusable: Sequence[Skipped], feeds_text: str | None, target: Path
) -> ImportReport:
    """The OPML file's feeds (`read_opml`'s two lists) merged into the feeds file at `target`,
    whose text is `feeds_text` (None: there is no such file yet, and the import starts one).

    Raises `ConfigError` when the feeds file is invalid, or would be once the feeds are added:
    every rule of the feeds file holds before anything is written."""
    text = _NEW_FEEDS_FILE if feeds_text is None else feeds_text
    # A file with no [[feeds]] yet (only comments, say) is a fine place to start.
    existing = config.parse(text, target).feeds if feeds_text is not None and _lists_feeds(text) else ()
    added, duplicates = merge(existing, incoming)
    updated = None
    if added:
        updated = append_feeds(text, added, str(target))
        config.parse(updated, target)
    return ImportReport(tuple(added), (*unusable, *duplicates), updated)


def _lists_feeds(text: str) -> bool:
    try:
        return "feeds" in tomllib.loads(text.removeprefix("\ufeff"))
    except (tomllib.TOMLDecodeError, RecursionError):
        return True  # let the feeds file's own check say what is wrong, and where


def toml_for(feeds: Iterable[OpmlFeed]) -> str:
    """`[[feeds]]` blocks for the feeds file, each after a comment naming its category."""
    blocks = []
    for feed in feeds:
        # A comment cannot be escaped, only kept to one line, so a category can never add TOML.
        category = _one_line(feed.category or "")
        comment = f"# {category}\n" if category else ""
        name, url = _toml_string(feed.name), _toml_string(feed.url)
        blocks.append(f"{comment}[[feeds]]\nname = {name}\nurl = {url}\n")
    return "\n".join(blocks)


def append_feeds(text: str, feeds: Sequence[OpmlFeed], source: str = "the feeds file") -> str:
    """The feeds file's text with `feeds` appended after a blank line, everything already
    there (comments included) kept as it was.

    Raises `ConfigError` if the result would not be valid TOML (say, the file lists its
    feeds as an inline array, which `[[feeds]]` cannot extend): better than writing it."""
    if not feeds:
        return text
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith("\n"):
        text += newline
    if text.strip() and not text.endswith(newline * 2):
        text += newline
    updated = text + toml_for(feeds).replace("\n", newline)
    try:
        tomllib.loads(updated)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            f"{source}: cannot append [[feeds]] to it ({error})",
            "list the feeds as [[feeds]] tables, or add these by hand",
        ) from None
    return updated


def write_opml(feeds: Sequence[Feed], title: str, *, created: datetime | None = None) -> str:
    """An OPML 2.0 document with one `type="rss"` outline per feed, in order, with an XML
    declaration saying UTF-8 (encode it so when writing). `created` defaults to now."""
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = _xml_text(title)
    ET.SubElement(head, "dateCreated").text = format_datetime(created or datetime.now(UTC))
    body = ET.SubElement(opml, "body")
    for feed in feeds:
        name = _xml_text(feed.name)
        ET.SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=_xml_text(feed.url))
    ET.indent(opml)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(opml, encoding="unicode") + "\n"


def _local(tag: str) -> str:
    """A tag without its namespace: some exporters put OPML in one."""
    return tag.rpartition("}")[2]


def _attribute(outline: ET.Element, name: str) -> str | None:
    """An attribute by name, case-blind: exporters write xmlUrl, xmlurl and XMLURL."""
    wanted = name.casefold()
    return next((value for key, value in outline.attrib.items() if key.casefold() == wanted), None)


def _label(outline: ET.Element, *names: str) -> str:
    """The first of these attributes that says something, on one line; "" if none does."""
    return next((label for name in names if (label := _one_line(_attribute(outline, name) or ""))), "")


def _category(folders: str, attribute: str | None) -> str | None:
    # OPML's `category` is comma-separated "/a/b" paths (or bare tags); folders come first.
    paths = [folders] if folders else []
    for part in (attribute or "").split(","):
        if path := _one_line(part).strip("/").strip():
            paths.append(path)
    return ", ".join(paths) or None


def _one_line(text: str) -> str:
    """Control characters and line breaks become single spaces: names and comments are one line."""
    return " ".join(_LINE_BREAKING.sub(" ", text).split())


def _unique(name: str, taken: set[str], tried: dict[str, int]) -> str:
    """`name`, or `name (N)` for the first N free; `tried` remembers where each name's search
    got to, so a file naming ten thousand feeds "News" costs no more than one naming them apart."""
    key = name.casefold()
    candidate, number = name, tried.get(key, 1)
    if number > 1:
        candidate = f"{name} ({number})"
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{name} ({number})"
    tried[key] = number
    return candidate


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and every control character escaped."""
    return '"' + "".join(_toml_char(char) for char in text) + '"'


def _toml_char(char: str) -> str:
    if escaped := _TOML_SHORT_ESCAPES.get(char):
        return escaped
    return f"\\u{ord(char):04x}" if char < " " or char == "\x7f" else char


def _xml_text(text: str) -> str:
    """Text XML 1.0 can carry: ElementTree escapes markup but would write a raw U+0001 as is."""
    return _NOT_XML.sub("", text)
