"""Feed bytes to entries: canonical URLs, plain text, times in UTC; literal inputs, no network."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digest.parse import parse_feed
from digest.plaintext import clean_text, html_to_text, one_line, shorten
from digest.urls import canonical_url

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
FEED_URL = "https://news.example.com/feeds/policy.xml"


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTPS://News.Example.COM:443/a?id=7#top", "https://news.example.com/a?id=7"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        ("https://x.org/s?utm_source=rss&id=3&utm_medium=feed&fbclid=a", "https://x.org/s?id=3"),
        ("https://x.org/s?gclid=1&mc_cid=2&mc_eid=3", "https://x.org/s"),
        ("https://x.org/s?q=a%20b&amp", "https://x.org/s?q=a%20b&amp"),
        ("/2026/11/story", "https://news.example.com/2026/11/story"),
        ("story.html", "https://news.example.com/feeds/story.html"),
        ("  https://x.org/a\n", "https://x.org/a"),
        ("javascript:alert(1)", None),
        ("data:text/html,hi", None),
        ("mailto:desk@x.org", None),
        ("http://", None),
        ("", None),
    ],
)
def test_canonical_url(raw: str, canonical: str | None) -> None:
    assert canonical_url(raw, base=FEED_URL) == canonical


def rss(items: str, channel: str = "<title>Wire</title>") -> bytes:
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{channel}{items}</channel></rss>'.encode()


def test_entries_are_plain_text_with_utc_times() -> None:
    body = rss(
        """<item><title>Rules &amp; &lt;b&gt;more&lt;/b&gt;</title><link>/a</link>
        <description>&lt;p&gt;First   line.&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;&lt;p&gt;Caf&amp;eacute;&lt;/p&gt;</description>
        <pubDate>Tue, 24 Nov 2026 10:00:00 +0800</pubDate><author>desk@x.org (Desk)</author>
        <category>Policy</category><category>Asia</category><guid isPermaLink="false">g-1</guid></item>"""
    )

    parsed = parse_feed(body, url=FEED_URL, headers={}, now=NOW)

    [entry] = parsed.entries
    assert parsed.problem is None
    assert entry.url == "https://news.example.com/a"
    assert entry.title == "Rules & more"
    assert entry.summary == "First line. Café"
    assert entry.published == datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    assert entry.categories == ("Policy", "Asia")
    assert entry.guid == "g-1"


def test_a_future_date_is_clamped_and_a_missing_one_left_to_the_caller() -> None:
    body = rss(
        "<item><title>Soon</title><link>https://x.org/1</link><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item>"
        "<item><title>Undated</title><link>https://x.org/2</link></item>"
    )

    soon, undated = parse_feed(body, url=FEED_URL, headers={}, now=NOW).entries

    assert soon.published == NOW
    assert undated.published is None


def test_the_http_charset_decodes_the_feed() -> None:
    body = '<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item><title>Régulation</title><link>https://x.org/r</link></item></channel></rss>'
    parsed = parse_feed(
        body.encode("iso-8859-1"),
        url=FEED_URL,
        headers={"Content-Type": "text/xml; charset=iso-8859-1"},
        now=NOW,
    )

    assert parsed.entries[0].title == "Régulation"


def test_control_and_bidi_characters_are_removed() -> None:
    body = rss("<item><title>Safe &#x202E;txet&#x2066; title</title><link>https://x.org/c</link></item>")

    [entry] = parse_feed(body, url=FEED_URL, headers={}, now=NOW).entries

    assert entry.title == "Safe txet title"


def test_an_entry_without_a_link_is_kept_once_under_a_stable_key() -> None:
    body = rss("<item><title>No link</title><guid isPermaLink='false'>abc</guid></item>")

    first = parse_feed(body, url=FEED_URL, headers={}, now=NOW).entries
    again = parse_feed(body, url=FEED_URL, headers={}, now=NOW).entries

    assert len(first) == 1
    assert first[0].url.startswith("urn:digest:")
    assert first[0].url == again[0].url


def test_duplicate_links_in_one_feed_give_one_entry() -> None:
    body = rss(
        "<item><title>A</title><link>https://x.org/a?utm_source=x</link></item>"
        "<item><title>A again</title><link>https://x.org/a#more</link></item>"
    )

    assert len(parse_feed(body, url=FEED_URL, headers={}, now=NOW).entries) == 1


def test_a_broken_feed_that_still_has_entries_is_used_with_a_problem_noted() -> None:
    body = rss("<item><title>Kept</title><link>https://x.org/k</link></item><item><title>Cut")

    parsed = parse_feed(body, url=FEED_URL, headers={}, now=NOW)

    assert parsed.problem
    assert [entry.title for entry in parsed.entries][:1] == ["Kept"]


def test_html_that_is_not_a_feed_has_no_entries_and_a_problem() -> None:
    parsed = parse_feed(
        b"<html><body><p>Hello</p>", url=FEED_URL, headers={"Content-Type": "text/html"}, now=NOW
    )

    assert parsed.entries == ()
    assert parsed.problem


def test_html_to_text_keeps_paragraphs_and_drops_scripts() -> None:
    html = "<div><p>One &amp; two</p><script>evil()</script><style>p{}</style><p>Three<br>four</p></div>"
    assert html_to_text(html) == "One & two\n\nThree\nfour"


def test_clean_text_drops_escapes_but_keeps_paragraphs() -> None:
    # Whole escape sequences go: a colour (CSI), a clipboard write (OSC 52), in 7 or 8 bits.
    assert clean_text("a\x1b[31mred\x07\n\n\n b\u202e") == "ared\n\nb"
    assert clean_text("copy \x1b]52;c;ZWNobw==\x07this \x9d52;c;ZWNobw==\x9cnow") == "copy this now"
    assert one_line(" a \n\n b\t c ") == "a b c"


def test_shorten_prefers_a_sentence_end() -> None:
    text = "The regulator set out its plan. It will consult until March and then decide on the rules."
    assert shorten(text, 60) == "The regulator set out its plan."
    assert shorten("word " * 30, 40).endswith("…")
    assert len(shorten("x" * 500, 100)) <= 101


def test_a_utf16_header_over_an_8_bit_document_yields_to_its_declaration() -> None:
    body = '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>W</title><item><title>Règle</title><link>https://x.org/r</link></item></channel></rss>'
    parsed = parse_feed(
        body.encode("iso-8859-1"), url=FEED_URL, headers={"Content-Type": "text/xml; charset=utf-16"}, now=NOW
    )

    assert parsed.error is None
    assert [entry.title for entry in parsed.entries] == ["Règle"]
