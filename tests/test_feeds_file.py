"""Adding and removing a feed edits the feeds file's text and keeps the rest as written:
comments, order, other tables; the result is a valid feeds file."""

from __future__ import annotations

from pathlib import Path

from digest import config
from digest.feeds_file import with_feed, without_feed

WRITTEN = """\
# My feeds. Keep this comment.

[settings]
days = 7  # a week is enough

# ------------------------------------------------ Asia

# Caixin: China's financial press
[[feeds]]
name = "Caixin"
url = "https://caixin.example/rss"

# Ledger HK: Hong Kong trade press
[[feeds]]
name = "Ledger HK"
url = "https://ledger-hk.example/feed"

# ------------------------------------------------ Europe

[[feeds]]
name = "Brussels Wire"
url = "https://brussels.example/atom.xml"

[email]
to = "me@example.org"
"""


def names(text: str) -> list[str]:
    return [feed.name for feed in config.parse(text, Path("feeds.toml")).feeds]


def test_a_feed_is_added_at_the_end_and_nothing_else_moves() -> None:
    edited = with_feed(WRITTEN, 'Chain "Daily" 链闻', "https://chain.example/feed", extract=False)
    assert edited.startswith(WRITTEN)
    assert edited.endswith(
        '[[feeds]]\nname = "Chain \\"Daily\\" 链闻"\nurl = "https://chain.example/feed"\nextract = false\n'
    )
    feeds = config.parse(edited, Path("feeds.toml")).feeds
    assert feeds[-1].name == 'Chain "Daily" 链闻' and feeds[-1].url == "https://chain.example/feed"
    assert not feeds[-1].extract
    assert config.parse(edited, Path("feeds.toml")).mail.to == "me@example.org"  # [email] is intact


def test_removing_a_feed_takes_its_block_and_its_own_comment() -> None:
    edited = without_feed(WRITTEN, 0)
    assert names(edited) == ["Ledger HK", "Brussels Wire"]
    assert "Caixin" not in edited
    assert "# ------------------------------------------------ Asia\n" in edited  # a section, not its
    assert "# Ledger HK: Hong Kong trade press\n[[feeds]]" in edited
    assert "days = 7  # a week is enough" in edited


def test_removing_the_feed_before_a_section_keeps_the_section_heading() -> None:
    edited = without_feed(WRITTEN, 1)
    assert names(edited) == ["Caixin", "Brussels Wire"]
    assert "# ------------------------------------------------ Europe\n\n[[feeds]]" in edited


def test_removing_the_last_feed_block_keeps_the_table_after_it() -> None:
    edited = without_feed(WRITTEN, 2)
    assert names(edited) == ["Caixin", "Ledger HK"]
    assert edited.endswith('[email]\nto = "me@example.org"\n')


def test_a_control_character_in_a_name_is_escaped_not_written_raw() -> None:
    edited = with_feed("", "bad\x1bname", "https://x.example/feed")
    assert "\x1b" not in edited
    assert config.parse(edited, Path("feeds.toml")).feeds[0].url == "https://x.example/feed"
