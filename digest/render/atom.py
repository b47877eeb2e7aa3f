"""The digest as an Atom 1.0 feed: one entry per story, so any feed reader can follow, say, a
region's policy news (`digest show --policy-only --region HK --format atom`)."""

from __future__ import annotations

import hashlib
import re
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from digest import __version__
from digest.models import Digest, Item
from digest.plaintext import one_line
from digest.units import iso_utc
from digest.urls import is_web_link

ATOM = "http://www.w3.org/2005/Atom"
# Where the tags' terms come from, so a reader can tell a topic from a region code.
TOPICS = "urn:digest:topic"
REGIONS = "urn:digest:region"
# XML 1.0 cannot carry these at all, escaped or not; clean_text leaves some (U+FFFE, surrogates).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ISSUE_SUFFIX = re.compile(r" · issue \d+\Z")


def render(digest: Digest) -> str:
    feed = Element("feed", {"xmlns": ATOM})
    title = one_line(digest.title)
    _text(feed, "title", title)
    # The same subscription keeps its id from one run to the next, whatever issue it is.
    _text(feed, "id", f"urn:digest:feed:{_hash(_ISSUE_SUFFIX.sub('', title))}")
    _text(feed, "updated", iso_utc(digest.generated_at))
    _text(feed, "subtitle", f"{iso_utc(digest.window.start)} to {iso_utc(digest.window.end)}")
    _text(SubElement(feed, "author"), "name", "digest")
    SubElement(feed, "generator", {"version": __version__}).text = "digest"
    for item in sorted(digest.items, key=lambda item: item.published, reverse=True):
        _entry(feed, item)
    indent(feed)  # a person reads it too
    return '<?xml version="1.0" encoding="utf-8"?>\n' + tostring(feed, encoding="unicode") + "\n"


def _entry(feed: Element, item: Item) -> None:
    entry = SubElement(feed, "entry")
    _text(entry, "title", one_line(item.title) or "(untitled)")
    _text(entry, "id", f"urn:digest:item:{_hash(item.id)}")
    if is_web_link(item.url):
        SubElement(entry, "link", {"rel": "alternate", "href": _xml(item.url)})
    _text(entry, "updated", iso_utc(item.published))
    _text(entry, "published", iso_utc(item.published))
    _text(SubElement(entry, "author"), "name", one_line(item.author or item.feed) or "unknown")
    for topic in item.tags.topics:
        SubElement(entry, "category", {"term": topic, "scheme": TOPICS})
    for region in item.tags.regions:
        SubElement(entry, "category", {"term": region.code, "scheme": REGIONS, "label": _xml(region.name)})
    _text(entry, "summary", _summary(item))
    SubElement(entry, "source").append(_named("title", one_line(item.feed)))


def _summary(item: Item) -> str:
    """The feed's summary, then the regions by name: what a reader shows under the headline."""
    summary = one_line(item.summary)
    places = ", ".join(one_line(region.name) for region in item.tags.regions)
    if not places:
        return summary
    return f"{summary}\n\nRegions: {places}" if summary else f"Regions: {places}"


def _text(parent: Element, tag: str, text: str) -> None:
    parent.append(_named(tag, text))


def _named(tag: str, text: str) -> Element:
    element = Element(tag)
    element.text = _xml(text)  # plain text: ElementTree escapes it, so no markup gets through
    return element


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
