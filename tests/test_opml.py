"""OPML import and export: nested outlines, duplicates, hostile files, and a round trip that keeps names and URLs."""

from __future__ import annotations

import tomllib
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from conftest import invoke

from digest import config, opml
from digest.errors import ConfigError
from digest.models import Feed
from digest.opml import OpmlFeed, Skipped, append_feeds, merge, read_opml, toml_for, write_opml

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My subscriptions</title></head>
  <body>
    <outline text="Ledger Daily" title="Ledger Daily" type="rss" xmlUrl="https://ledger.example/feed"/>
    <outline text="News">
      <outline text="Asia">
        <outline title="China">
          <outline text="Mainland Wire" type="rss" xmlUrl="https://wire.example.cn/rss"/>
        </outline>
        <outline text="Harbour Post" type="rss" xmlUrl="http://harbour.example.hk/feed/"/>
      </outline>
      <outline text="Regulators" type="rss" xmlUrl="https://reg.example.org/rss" category="/Policy/Rules,cbdc"/>
    </outline>
    <outline text="Empty folder"/>
  </body>
</opml>
"""


def names_and_urls(feeds: list[OpmlFeed] | list[Feed]) -> list[tuple[str, str]]:
    return [(feed.name, feed.url) for feed in feeds]


# ---------------------------------------------------------------- reading


def test_nested_outlines_become_feeds_in_document_order_with_their_folders_as_category() -> None:
    feeds, skipped = read_opml(NESTED, "subs.opml")

    assert feeds == [
        OpmlFeed("Ledger Daily", "https://ledger.example/feed", None),
        OpmlFeed("Mainland Wire", "https://wire.example.cn/rss", "News/Asia/China"),
        OpmlFeed("Harbour Post", "http://harbour.example.hk/feed/", "News/Asia"),
        OpmlFeed("Regulators", "https://reg.example.org/rss", "News, Policy/Rules, cbdc"),
    ]
    assert skipped == []


@pytest.mark.parametrize(
    ("outline", "expected"),
    [
        pytest.param(
            '<outline text="Only Text" type="rss" xmlUrl="https://a.example/rss"/>',
            OpmlFeed("Only Text", "https://a.example/rss"),
            id="opml1-text-only",
        ),
        pytest.param(
            '<outline title="Only Title" xmlUrl="https://a.example/rss"/>',
            OpmlFeed("Only Title", "https://a.example/rss"),
            id="title-only-no-type",
        ),
        pytest.param(
            '<outline text="Short" title="The Long Title" xmlUrl="https://a.example/rss"/>',
            OpmlFeed("The Long Title", "https://a.example/rss"),
            id="title-wins-over-text",
        ),
        pytest.param(
            '<outline text="  " title="" xmlUrl=" https://a.example/rss "/>',
            OpmlFeed("https://a.example/rss", "https://a.example/rss"),
            id="no-name-uses-url",
        ),
        pytest.param(
            '<outline text="Lower" xmlurl="https://a.example/rss"/>',
            OpmlFeed("Lower", "https://a.example/rss"),
            id="xmlurl-lowercase",
        ),
        pytest.param(
            '<outline text="Two&#10;lines&#9;and\ttabs" xmlUrl="https://a.example/rss"/>',
            OpmlFeed("Two lines and tabs", "https://a.example/rss"),
            id="name-kept-to-one-line",
        ),
    ],
)
@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_opml_variants_read_the_same_way(version: str, outline: str, expected: OpmlFeed) -> None:
    document = f'<opml version="{version}"><body>{outline}</body></opml>'.encode()

    assert read_opml(document, "v.opml") == ([expected], [])


def test_a_document_without_head_in_a_namespace_and_in_utf16_still_reads() -> None:
    document = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<opml xmlns="http://opml.org/spec2" version="2.0"><body>'
        '<outline text="财新 区块链" xmlUrl="https://caixin.example/rss"/></body></opml>'
    ).encode("utf-16")

    assert read_opml(document, "ns.opml") == ([OpmlFeed("财新 区块链", "https://caixin.example/rss")], [])


def test_outlines_whose_url_is_not_http_are_skipped_and_reported() -> None:
    document = b"""<opml version="2.0"><body>
      <outline text="Script" xmlUrl="javascript:alert(1)"/>
      <outline text="Ftp" xmlUrl="ftp://files.example/feed.xml"/>
      <outline text="Relative" xmlUrl="/feed.xml"/>
      <outline text="Spaced" xmlUrl="https://a.example/a feed"/>
      <outline text="Good" xmlUrl="https://good.example/rss"/>
    </body></opml>"""

    feeds, skipped = read_opml(document, "mixed.opml")

    assert names_and_urls(feeds) == [("Good", "https://good.example/rss")]
    assert [(s.name, s.url) for s in skipped] == [
        ("Script", "javascript:alert(1)"),
        ("Ftp", "ftp://files.example/feed.xml"),
        ("Relative", "/feed.xml"),
        ("Spaced", "https://a.example/a feed"),
    ]
    assert all("http" in s.reason for s in skipped)


def test_outlines_nested_far_deeper_than_anyone_files_feeds_still_read() -> None:
    depth = 20_000
    document = (
        b"<opml><body>"
        + b'<outline text="folder">' * depth
        + b'<outline text="Deep" xmlUrl="https://deep.example/rss"/>'
        + b"</outline>" * depth
        + b"</body></opml>"
    )

    feeds, _ = read_opml(document, "deep.opml")

    assert names_and_urls(feeds) == [("Deep", "https://deep.example/rss")]
    # the path is capped, not 20 000 folders long (which would also cost time quadratic in depth)
    assert feeds[0].category == "/".join(["folder"] * 8)


# ---------------------------------------------------------------- invalid and hostile files


def test_invalid_xml_is_a_config_error_naming_the_file_and_line() -> None:
    broken = (
        b'<opml version="2.0">\n<body>\n<outline text="a" xmlUrl="https://a.example/rss">\n</body>\n</opml>\n'
    )

    with pytest.raises(ConfigError) as caught:
        read_opml(broken, "broken.opml")

    assert str(caught.value).startswith("broken.opml:4: not valid XML: mismatched tag")
    assert "\n" not in str(caught.value)
    assert caught.value.hint


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        pytest.param(
            b'<rss version="2.0"><channel><title>t</title></channel></rss>', "root element is <rss>", id="rss"
        ),
        pytest.param(b'<opml version="2.0"><head><title>t</title></head></opml>', "no <body>", id="no-body"),
        pytest.param(b"", "not valid XML", id="empty"),
        pytest.param(b"just some text", "not valid XML", id="text"),
    ],
)
def test_a_document_that_is_not_opml_is_a_config_error(document: bytes, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem) as caught:
        read_opml(document, "feeds.xml")

    assert str(caught.value).startswith("feeds.xml")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE opml [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<opml version="2.0"><body><outline text="&lol9;" xmlUrl="https://a.example/rss"/></body></opml>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&secret;" xmlUrl="https://a.example/rss"/></body></opml>
"""


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(BILLION_LAUGHS, id="billion-laughs"),
        pytest.param(
            BILLION_LAUGHS.decode()
            .replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
            .encode("utf-16"),
            id="billion-laughs-utf16",
        ),
        pytest.param(EXTERNAL_ENTITY, id="external-entity"),
        pytest.param(
            b'<!DOCTYPE opml SYSTEM "http://127.0.0.1:9/opml.dtd"><opml><body/></opml>', id="external-dtd"
        ),
    ],
)
def test_a_doctype_is_refused_before_any_entity_is_expanded(document: bytes) -> None:
    with pytest.raises(ConfigError, match="refusing an OPML file with a DOCTYPE") as caught:
        read_opml(document, "bomb.opml")

    assert str(caught.value).startswith("bomb.opml")


def test_the_refusal_comes_before_the_parser_sees_a_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    # expat would expand entities to the end of what it is fed before a handler's error
    # surfaces, so the bytes themselves must be checked first.
    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the parser was started on a document with a DOCTYPE")

    monkeypatch.setattr(ET, "XMLParser", no_parsing)

    for document in (BILLION_LAUGHS, BILLION_LAUGHS.decode().encode("utf-16-be")):
        with pytest.raises(ConfigError, match="DOCTYPE"):
            read_opml(document, "bomb.opml")


def test_a_doctype_the_byte_check_missed_still_fails_the_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(opml, "_declares", lambda data: False)

    with pytest.raises(ConfigError, match="refusing an OPML file with a DOCTYPE"):
        read_opml(
            b'<!DOCTYPE opml><opml><body><outline xmlUrl="https://a.example/"/></body></opml>', "d.opml"
        )


def test_a_doctype_refusal_names_its_line_when_it_can() -> None:
    with pytest.raises(ConfigError, match=r"^bomb\.opml:2: refusing"):
        read_opml(BILLION_LAUGHS, "bomb.opml")


def test_an_entity_without_a_doctype_is_just_invalid_xml() -> None:
    with pytest.raises(ConfigError, match="not valid XML: undefined entity"):
        read_opml(b'<opml><body><outline text="&lol;" xmlUrl="https://a.example/"/></body></opml>', "e.opml")


# ---------------------------------------------------------------- merging


def test_duplicates_within_the_file_and_against_the_feeds_file_are_skipped_by_url() -> None:
    existing = [Feed("CoinDesk", "https://www.coindesk.com/arc/outboundfeeds/rss/")]
    incoming = [
        OpmlFeed("CoinDesk again", "HTTPS://WWW.CoinDesk.com/arc/outboundfeeds/rss"),  # case, no slash
        OpmlFeed("Wire", "https://wire.example/rss"),
        OpmlFeed("Wire copy", "https://wire.example:443/rss/"),  # default port, trailing slash
        OpmlFeed("Wire over http", "http://wire.example/rss"),  # another scheme is another address
    ]

    added, skipped = merge(existing, incoming)

    assert names_and_urls(added) == [
        ("Wire", "https://wire.example/rss"),
        ("Wire over http", "http://wire.example/rss"),
    ]
    assert skipped == [
        Skipped(
            "CoinDesk again",
            "HTTPS://WWW.CoinDesk.com/arc/outboundfeeds/rss",
            "already in the feeds file as 'CoinDesk'",
        ),
        Skipped("Wire copy", "https://wire.example:443/rss/", "listed earlier in the OPML file as 'Wire'"),
    ]


def test_a_name_taken_by_another_url_gets_a_number_rather_than_losing_the_feed() -> None:
    existing = [Feed("News", "https://one.example/rss"), Feed("News (2)", "https://two.example/rss")]
    incoming = [
        OpmlFeed("news", "https://three.example/rss", "Asia"),  # names clash case-blind, as in config
        OpmlFeed("News", "https://four.example/rss"),
        OpmlFeed("Fresh", "https://five.example/rss"),
    ]

    added, skipped = merge(existing, incoming)

    assert added == [
        OpmlFeed("news (3)", "https://three.example/rss", "Asia"),
        OpmlFeed("News (4)", "https://four.example/rss"),
        OpmlFeed("Fresh", "https://five.example/rss"),
    ]
    assert skipped == []


def test_many_feeds_sharing_one_name_are_numbered_in_turn() -> None:
    # Searching from " (2)" for each one again would cost time quadratic in their number.
    incoming = [OpmlFeed("News", f"https://n{number}.example/rss") for number in range(5_000)]

    added, _ = merge([Feed("News (3)", "https://taken.example/rss")], incoming)

    assert [feed.name for feed in added[:4]] == ["News", "News (2)", "News (4)", "News (5)"]
    assert len({feed.name.casefold() for feed in added}) == 5_000


def test_ipv6_hosts_compare_as_addresses() -> None:
    added, skipped = merge(
        [Feed("Local", "http://[::1]:8080/feed")],
        [OpmlFeed("Same", "HTTP://[::1]:8080/feed/"), OpmlFeed("Other port", "http://[::1]:8081/feed")],
    )

    assert [feed.name for feed in added] == ["Other port"]
    assert [feed.name for feed in skipped] == ["Same"]


def test_reading_then_merging_a_file_with_its_own_duplicates() -> None:
    document = b"""<opml version="2.0"><body>
      <outline text="A"><outline text="Wire" xmlUrl="https://wire.example/rss"/></outline>
      <outline text="B"><outline text="Wire (mirror)" xmlUrl="https://Wire.example/rss/"/></outline>
    </body></opml>"""

    feeds, _ = read_opml(document, "dupes.opml")
    added, skipped = merge([], feeds)

    assert added == [OpmlFeed("Wire", "https://wire.example/rss", "A")]
    assert [s.name for s in skipped] == ["Wire (mirror)"]


# ---------------------------------------------------------------- writing TOML


def test_hostile_names_and_categories_stay_one_string_each_in_toml() -> None:
    hostile = OpmlFeed(
        name='Evil "quote" \\ back\nslash\r\n[[feeds]]\nname = "injected"\t\x00\x1f\x7f end',
        url='https://evil.example/rss?q="x"&b=\\',
        category='Folder\n[[feeds]]\nname = "from a comment"\r\nurl = "https://x.example"\u2028more',
    )

    text = toml_for([hostile])
    document = tomllib.loads(text)

    assert document == {"feeds": [{"name": hostile.name, "url": hostile.url}]}
    comment_lines = [line for line in text.splitlines() if line.startswith("#")]
    assert len(comment_lines) == 1
    assert text.startswith('# Folder [[feeds]] name = "from a comment" url = "https://x.example" more\n')


def test_toml_for_writes_one_block_per_feed_with_its_category_comment() -> None:
    text = toml_for(
        [OpmlFeed("A", "https://a.example/rss", "News/Asia"), OpmlFeed("B", "https://b.example/")]
    )

    assert text == (
        '# News/Asia\n[[feeds]]\nname = "A"\nurl = "https://a.example/rss"\n'
        '\n[[feeds]]\nname = "B"\nurl = "https://b.example/"\n'
    )


def test_append_feeds_keeps_the_existing_file_and_its_comments() -> None:
    original = (Path(__file__).parent.parent / "feeds.toml").read_text(encoding="utf-8")
    new = [
        OpmlFeed("财新 区块链", "https://caixin.example/rss", "中国/政策"),
        OpmlFeed('A "B" & C', "https://abc.example/"),
    ]

    updated = append_feeds(original, new)

    assert updated.startswith(original)
    before = tomllib.loads(original)["feeds"]
    after = tomllib.loads(updated)["feeds"]
    assert after[: len(before)] == before
    assert after[len(before) :] == [{"name": f.name, "url": f.url} for f in new]
    assert "# 中国/政策\n[[feeds]]" in updated
    # and the result is a feeds file `digest` itself accepts
    assert [feed.name for feed in config.parse(updated, Path("feeds.toml")).feeds][-2:] == [
        f.name for f in new
    ]


@pytest.mark.parametrize(
    "original",
    [
        pytest.param('[[feeds]]\nname = "Old"\nurl = "https://old.example/rss"', id="no-final-newline"),
        pytest.param(
            '[[feeds]]\nname = "Old"\nurl = "https://old.example/rss"\n# the end', id="ends-in-comment"
        ),
        pytest.param('[[feeds]]\r\nname = "Old"\r\nurl = "https://old.example/rss"\r\n', id="crlf"),
        pytest.param(
            '[settings]\ndays = 7\n\n[[feeds]]\nname = "Old"\nurl = "https://old.example/rss"\n\n[email]\nto = "me@example.org"\n',
            id="ends-in-another-table",
        ),
    ],
)
def test_append_feeds_separates_the_new_blocks_whatever_the_file_ends_with(original: str) -> None:
    updated = append_feeds(original, [OpmlFeed("New", "https://new.example/rss")])

    assert updated.startswith(original)
    assert [(f["name"], f["url"]) for f in tomllib.loads(updated)["feeds"]] == [
        ("Old", "https://old.example/rss"),
        ("New", "https://new.example/rss"),
    ]
    newline = "\r\n" if "\r\n" in original else "\n"
    assert f"{newline}{newline}[[feeds]]{newline}name = " in updated


def test_append_feeds_with_nothing_to_add_changes_nothing() -> None:
    assert append_feeds("# just a comment", []) == "# just a comment"


def test_append_feeds_to_an_empty_file() -> None:
    assert tomllib.loads(append_feeds("", [OpmlFeed("N", "https://n.example/")])) == {
        "feeds": [{"name": "N", "url": "https://n.example/"}]
    }


def test_append_feeds_refuses_a_file_that_tables_cannot_extend() -> None:
    inline = 'feeds = [{name = "Old", url = "https://old.example/rss"}]\n'

    with pytest.raises(ConfigError, match=r"^my\.toml: cannot append \[\[feeds\]\]"):
        append_feeds(inline, [OpmlFeed("New", "https://new.example/rss")], "my.toml")


# ---------------------------------------------------------------- writing OPML, and the round trip


ROUND_TRIP = [
    Feed("CoinDesk", "https://www.coindesk.com/arc/outboundfeeds/rss/"),
    Feed("巴比特 区块链新闻", "https://www.8btc.example/feed"),
    Feed('Tom & Jerry\'s "Crypto" <Weekly>', "https://tj.example/rss?a=1&b=2"),
    Feed("Ünïcödé ☃ 日本語", "http://jp.example/フィード"),
]


def test_a_round_trip_keeps_names_and_urls() -> None:
    document = write_opml(ROUND_TRIP, "digest feeds")

    feeds, skipped = read_opml(document.encode("utf-8"), "export.opml")

    assert names_and_urls(feeds) == names_and_urls(ROUND_TRIP)
    assert skipped == []


def test_a_round_trip_through_the_feeds_file_keeps_names_and_urls() -> None:
    exported = write_opml(ROUND_TRIP, "digest feeds").encode("utf-8")
    added, skipped = merge([], read_opml(exported, "export.opml")[0])

    text = append_feeds("# my feeds\n", added)

    assert skipped == []
    assert [(f["name"], f["url"]) for f in tomllib.loads(text)["feeds"]] == names_and_urls(ROUND_TRIP)
    # importing the same file again adds nothing
    assert merge(ROUND_TRIP, read_opml(exported, "export.opml")[0]) == (
        [],
        [Skipped(f.name, f.url, f"already in the feeds file as {f.name!r}") for f in ROUND_TRIP],
    )


def test_write_opml_is_an_opml_2_document() -> None:
    created = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)

    document = write_opml(ROUND_TRIP[:2], 'Feeds & "friends"', created=created)

    assert document.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    opml = ET.fromstring(document.encode("utf-8"))  # noqa: S314 (our own output)
    assert opml.findtext("head/title") == 'Feeds & "friends"'
    assert parsedate_to_datetime(opml.findtext("head/dateCreated") or "") == created
    outlines = opml.findall("body/outline")
    assert [outline.attrib for outline in outlines] == [
        {"type": "rss", "text": feed.name, "title": feed.name, "xmlUrl": feed.url} for feed in ROUND_TRIP[:2]
    ]


def test_write_opml_dates_the_document_now_by_default() -> None:
    opml = ET.fromstring(write_opml([], "t").encode("utf-8"))  # noqa: S314 (our own output)

    created = parsedate_to_datetime(opml.findtext("head/dateCreated") or "")

    assert abs((datetime.now(UTC) - created).total_seconds()) < 60
    assert opml.find("body") is not None


def test_write_opml_drops_characters_xml_cannot_carry() -> None:
    document = write_opml([Feed("Bell\x07 and NUL\x00 name", "https://a.example/rss")], "t\x01")

    feeds, _ = read_opml(document.encode("utf-8"), "export.opml")

    assert names_and_urls(feeds) == [("Bell and NUL name", "https://a.example/rss")]


# -- through the command line ------------------------------------------------------------------


def test_opml_import_adds_new_feeds_and_keeps_the_file_as_it_was(tmp_path: Path, env: dict[str, str]) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text('# my own list\n[[feeds]]\nname = "Ledger Daily"\nurl = "https://ledger.example/feed"\n')
    subscriptions = tmp_path / "subscriptions.opml"
    subscriptions.write_bytes(NESTED)

    done = invoke(["opml", "import", str(subscriptions), "--feeds", str(feeds)], env)

    assert done.exit_code == 0, done.output
    text = feeds.read_text()
    assert text.startswith('# my own list\n[[feeds]]\nname = "Ledger Daily"\n')
    assert [feed.name for feed in config.load(feeds).feeds] == [
        "Ledger Daily", "Mainland Wire", "Harbour Post", "Regulators",
    ]  # fmt: skip
    assert "skipped 'Ledger Daily' (https://ledger.example/feed): already in the feeds file" in done.stderr
    assert "added 3 feeds" in done.stderr


def test_opml_import_of_an_invalid_file_exits_2_and_changes_nothing(
    tmp_path: Path, env: dict[str, str]
) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text('[[feeds]]\nname = "Ledger Daily"\nurl = "https://ledger.example/feed"\n')
    before = feeds.read_bytes()
    broken = tmp_path / "broken.opml"
    broken.write_bytes(NESTED[:200])

    done = invoke(["opml", "import", str(broken), "--feeds", str(feeds)], env)

    assert done.exit_code == 2
    assert done.stderr.startswith(f"error: {broken}:")
    assert feeds.read_bytes() == before


def test_opml_export_then_import_keeps_names_and_urls(
    tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./feeds.toml here
    exported = invoke(["opml", "export", "--feeds", str(config.bundled_feeds())], env)
    assert exported.exit_code == 0
    (tmp_path / "all.opml").write_text(exported.stdout, encoding="utf-8")

    # No feeds file of the user's own yet: the import starts one in the user config dir.
    imported = invoke(["opml", "import", str(tmp_path / "all.opml")], env)

    assert imported.exit_code == 0, imported.output
    created = Path(env["XDG_CONFIG_HOME"]) / "digest" / "feeds.toml"
    assert names_and_urls(list(config.load(created).feeds)) == names_and_urls(
        list(config.load(config.bundled_feeds()).feeds)
    )


def test_opml_import_into_a_feeds_file_with_no_feeds_yet(tmp_path: Path, env: dict[str, str]) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("# my feeds, to come\n[settings]\ndays = 7\n")
    subscriptions = tmp_path / "subscriptions.opml"
    subscriptions.write_bytes(NESTED)

    done = invoke(["opml", "import", str(subscriptions), "--feeds", str(feeds)], env)

    assert done.exit_code == 0, done.output
    assert len(config.load(feeds).feeds) == 4
    assert config.load(feeds).settings.days == 7


def test_an_import_reports_what_it_added_and_skipped_and_the_feeds_file_it_makes(tmp_path: Path) -> None:
    target = tmp_path / "feeds.toml"
    listed = '# mine\n[[feeds]]\nname = "Ledger"\nurl = "https://LEDGER.example/feed/"\n'
    incoming, unusable = read_opml(NESTED, "subs.opml")

    report = opml.import_feeds(incoming, unusable, listed, target)
    nothing_new = opml.import_feeds(incoming[:1], [], listed, target)
    fresh = opml.import_feeds(incoming[:1], [], None, target)

    assert [feed.name for feed in report.added] == ["Mainland Wire", "Harbour Post", "Regulators"]
    assert [skipped.url for skipped in report.skipped] == ["https://ledger.example/feed"]
    assert report.text is not None and report.text.startswith(listed)
    assert len(config.parse(report.text, target).feeds) == 4
    assert (nothing_new.added, nothing_new.text) == ((), None)  # nothing to write
    assert fresh.text is not None and config.parse(fresh.text, target).feeds[0].name == "Ledger Daily"
