"""Page encodings: a page is read in the charset its server declared, else its markup's, else a
guess; the text that reaches the store keeps every quote, dash and accent."""

from __future__ import annotations

import codecs
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, invoke, write_feeds

from digest.decode import charset_of_header, charset_of_markup, codec, decode_page

# Written for these tests: typographic quotes, dashes, accents and the euro sign, all of which
# windows-1252 holds in bytes that a guess easily takes for another code page.
SANDBOX_STORY = [
    "The finance ministry’s new “sandbox” lets start-ups test token payments – for now – under close watch.",
    "Officials in Bogotá and São Paulo said the café-style pilot would cost €2 million — a modest sum.",
    "Critics said the rules were “too vague”, and the ministry’s spokesman replied that détente was near.",
    "The regulator’s chair, Ms Müller, called it a “first step” towards a licence regime for exchanges.",
    "Several banks said they would join; others said ‘wait and see’ was the prudent course this year.",
]


def sandbox_page(head: str = "") -> str:
    paragraphs = "".join(f"<p>{sentence}</p>" for sentence in SANDBOX_STORY)
    return (
        f"<html><head>{head}<title>Ministry opens a sandbox</title></head><body>"
        f"<article><h1>Ministry opens a sandbox</h1>{paragraphs}</article></body></html>"
    )


def sandbox_feed(link: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Finance Desk</title><link>{link}</link><description>d</description>
<item><title>Ministry opens a sandbox</title><link>{link}</link><guid>{link}</guid>
<pubDate>Tue, 24 Nov 2026 09:00:00 GMT</pubDate><description>A sandbox for token payments.</description></item>
</channel></rss>"""


def test_a_windows_1252_page_declared_only_in_its_header_keeps_every_character(
    server: FixtureServer, tmp_path: Path, env: dict[str, str]
) -> None:
    page = server.add(
        "/news/sandbox.html",
        sandbox_page().encode("cp1252"),
        headers={"Content-Type": "text/html; charset=windows-1252"},
    )
    feed = server.add(
        "/feed.xml", sandbox_feed(page), headers={"Content-Type": "application/rss+xml; charset=utf-8"}
    )
    feeds = write_feeds(tmp_path / "feeds.toml", {"Finance Desk": feed})

    result = invoke(["fetch", "--feeds", str(feeds), "--format", "json", *WINDOW], env)

    assert result.exit_code == 0, result.stderr
    [item] = json.loads(result.stdout)["items"]
    assert item["extracted"] is True
    with sqlite3.connect(env["DIGEST_DB"]) as db:
        [(text,)] = db.execute("SELECT text FROM items").fetchall()
    for sentence in SANDBOX_STORY:
        assert sentence in text


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        # The header wins over the markup ...
        (sandbox_page('<meta charset="utf-8">').encode("cp1252"), "text/html; charset=cp1252"),
        # ... the markup speaks when the header does not, in either of its forms ...
        (sandbox_page('<meta charset="windows-1252">').encode("cp1252"), "text/html"),
        (
            sandbox_page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">').encode(
                "cp1252"
            ),
            None,
        ),
        # ... and a byte-order mark over both.
        (codecs.BOM_UTF8 + sandbox_page().encode(), "text/html; charset=windows-1252"),
        (codecs.BOM_UTF16_LE + sandbox_page().encode("utf-16-le"), "text/html; charset=utf-8"),
    ],
    ids=["header-over-meta", "meta-charset", "http-equiv", "utf-8-mark", "utf-16-mark"],
)
def test_where_the_charset_comes_from(body: bytes, content_type: str | None) -> None:
    text = decode_page(body, content_type)

    for sentence in SANDBOX_STORY:
        assert sentence in text


def test_latin_1_is_read_as_browsers_read_it() -> None:
    """Pages labelled ISO-8859-1 are written in windows-1252: 0x93 is a quote, not a control."""
    assert decode_page("“a” – b".encode("cp1252"), "text/html; charset=ISO-8859-1") == "“a” – b"


def test_utf_8_under_a_servers_default_label_stays_utf_8() -> None:
    assert decode_page("São Paulo – “ok”".encode(), "text/html; charset=iso-8859-1") == "São Paulo – “ok”"


def test_a_declared_utf_8_that_is_not_utf_8_is_not_trusted() -> None:
    body = sandbox_page().encode("cp1252")

    assert "São Paulo" in decode_page(body, "text/html; charset=utf-8")


def test_a_utf_8_page_cut_inside_a_character_is_still_utf_8() -> None:
    body = "Kraków – “Zürich” ".encode() * 40 + "€".encode()[:2]

    assert decode_page(body) == "Kraków – “Zürich” " * 40


def test_no_declaration_at_all_is_guessed() -> None:
    russian = (
        "<html><body><p>"
        + "Центральный банк предложил новые правила для криптовалют. " * 20
        + "</p></body></html>"
    )

    assert decode_page(russian.encode("windows-1251")) == russian
    assert decode_page(russian.encode()) == russian


@pytest.mark.parametrize("label", ["base64", "zlib", "rot13", "undefined", "utf-7", "no-such-charset", ""])
def test_a_label_that_is_no_charset_is_ignored(label: str) -> None:
    body = sandbox_page(f'<meta charset="{label}">').encode()

    assert codec(label) is None
    assert decode_page(body, f"text/html; charset={label}") == sandbox_page(f'<meta charset="{label}">')


def test_labels_are_read_from_headers_and_markup() -> None:
    assert charset_of_header('text/html; Charset="Shift_JIS"') == "cp932"
    assert charset_of_header("text/html") is None
    assert charset_of_markup(b'<?xml version="1.0" encoding="koi8-r"?><html>') == "koi8-r"
    assert (
        charset_of_markup(b"<meta content='text/html; charset=gb2312' http-equiv=Content-Type>") == "gb18030"
    )
