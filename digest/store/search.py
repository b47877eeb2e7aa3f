"""Full-text search over the stored stories: an FTS5 index of titles, summaries and article
text, Chinese included, kept in step with the items table by triggers.

FTS5's unicode61 tokenizer takes a run of Chinese for one word, and its trigram tokenizer
cannot find a two-character word (央行, 监管); so the index holds each text as `indexed()`
writes it: traditional read as simplified and each Chinese character a token of its own, a
Chinese word then being a phrase of characters. Latin words are stemmed (porter), so
"licence" finds "licences". The index is contentless: it keeps tokens, not a second copy of
every article, and the snippets are cut from the items table's own text.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from digest.chinese import CJK_RUN, HAS_CJK, simplified
from digest.errors import QueryError
from digest.models import Item, Window
from digest.store import rows
from digest.store.rows import ceil_second
from digest.units import iso_utc

# Titles weigh most in the ranking, then summaries, then the article text (bm25's weights).
WEIGHTS = (10.0, 4.0, 1.0)
SNIPPET_CHARS = 160
FUNCTION = "search_text"  # the SQL name of `indexed`, which the triggers call

# Migration 5 creates the index and its triggers; a writer's connection defines FUNCTION first.
MIGRATION = f"""
CREATE VIRTUAL TABLE search USING fts5(
    title, summary, text, content='', tokenize='porter unicode61 remove_diacritics 2'
);
INSERT INTO search (rowid, title, summary, text)
    SELECT id, {FUNCTION}(title), {FUNCTION}(summary), {FUNCTION}(text) FROM items;
CREATE TRIGGER items_search_insert AFTER INSERT ON items BEGIN
    INSERT INTO search (rowid, title, summary, text)
    VALUES (new.id, {FUNCTION}(new.title), {FUNCTION}(new.summary), {FUNCTION}(new.text));
END;
CREATE TRIGGER items_search_delete AFTER DELETE ON items BEGIN
    INSERT INTO search (search, rowid, title, summary, text)
    VALUES ('delete', old.id, {FUNCTION}(old.title), {FUNCTION}(old.summary), {FUNCTION}(old.text));
END;
CREATE TRIGGER items_search_update AFTER UPDATE OF title, summary, text ON items BEGIN
    INSERT INTO search (search, rowid, title, summary, text)
    VALUES ('delete', old.id, {FUNCTION}(old.title), {FUNCTION}(old.summary), {FUNCTION}(old.text));
    INSERT INTO search (rowid, title, summary, text)
    VALUES (new.id, {FUNCTION}(new.title), {FUNCTION}(new.summary), {FUNCTION}(new.text));
END;
"""

_TERM = re.compile(r'"([^"]*)"|(\S+)')
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_WORD = re.compile(r"\w+")


def indexed(text: str | None) -> str:
    """A text as the index reads it: Chinese simplified, one character a token."""
    if not text or not HAS_CJK.search(text):
        return text or ""
    return CJK_RUN.sub(lambda run: " " + " ".join(run.group()) + " ", simplified(text))


def define(connection: sqlite3.Connection) -> None:
    """Give a writer's connection the function the index's triggers call."""
    connection.create_function(FUNCTION, 1, indexed, deterministic=True)


@dataclass(frozen=True, slots=True)
class Query:
    """A user's query: FTS5's expression for it, and the words a snippet looks for."""

    expression: str
    words: tuple[str, ...]


def query(text: str) -> Query:
    """`text` as typed (words, "quoted phrases", AND/OR/NOT, word*) as an FTS5 expression:
    each word or phrase quoted, so no character of it is FTS5 syntax."""
    if text.count('"') % 2:
        raise QueryError(f"the query {text!r} has an unclosed quote")
    parts: list[str] = []
    words: list[str] = []
    for phrase, word in _TERM.findall(text):
        if word in _OPERATORS:
            parts.append(word)
            continue
        prefix = word.endswith("*") and len(word) > 1
        term = (phrase or word).rstrip("*") if prefix else phrase or word
        tokens = indexed(term).split()
        if not any(_WORD.search(token) for token in tokens):
            continue  # punctuation alone: nothing to find
        quoted = '"' + " ".join(tokens).replace('"', '""') + '"'
        parts.append(quoted + ("*" if prefix else ""))
        words.append(simplified(term))
    if not words:
        raise QueryError(f"the query {text!r} has no words to search for")
    return Query(" ".join(parts), tuple(words))


def snippet(texts: Sequence[str], words: Sequence[str], width: int = SNIPPET_CHARS) -> str:
    """A stretch of the first text that holds a query word, cut at spaces, the word near its
    start; the first text's start when no word is found as typed (a stemmed match)."""
    for text in texts:
        if not text:
            continue
        folded = simplified(text)
        found = _first(folded, words)
        if found is None:
            continue
        start = max(0, found - width // 4)
        if start and (space := text.find(" ", start, found)) != -1:
            start = space + 1
        return _cut(text, start, width)
    first = next((text for text in texts if text), "")
    return _cut(first, 0, width)


def _first(folded: str, words: Sequence[str]) -> int | None:
    positions = []
    for word in words:
        if found := re.search(
            re.escape(word[:6]) if word.isascii() else re.escape(word), folded, re.IGNORECASE
        ):
            positions.append(found.start())
    return min(positions, default=None)


def _cut(text: str, start: int, width: int) -> str:
    piece = " ".join(text[start : start + width + 40].split())
    if len(piece) > width:
        end = piece.rfind(" ", width // 2, width)
        piece = piece[: end if end != -1 else width] + "…"
    return ("…" if start else "") + piece


def matches(db: sqlite3.Connection, wanted: Query, window: Window) -> list[tuple[Item, float]]:
    """Every story published in `window` that matches, best first."""
    weights = ", ".join(str(weight) for weight in WEIGHTS)
    try:
        found = db.execute(
            f"""
            SELECT {rows.DIGEST_COLUMNS}, {rows.FEED_NAMES}, found.rank FROM items JOIN (
                SELECT rowid AS item, bm25(search, {weights}) AS rank FROM search WHERE search MATCH ?
            ) AS found ON items.id = found.item
            WHERE items.published >= ? AND items.published < ?
            ORDER BY found.rank, items.published DESC
            """,
            (wanted.expression, iso_utc(window.start), iso_utc(ceil_second(window.end))),
        ).fetchall()
    except sqlite3.OperationalError as error:
        if "fts5" in str(error) or "syntax error" in str(error):
            raise QueryError(f"the query cannot be read: {str(error).replace('fts5: ', '')}") from None
        raise
    return [(rows.item(row), float(row["rank"])) for row in found]


def snippets(db: sqlite3.Connection, items: Sequence[Item], wanted: Query) -> list[str]:
    """A snippet for each item, cut from its whole title, summary and text."""
    texts: dict[str, tuple[str, str, str]] = {}
    uids = [item.id for item in items]
    for start in range(0, len(uids), 500):
        chunk = uids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in db.execute(f"SELECT uid, title, summary, text FROM items WHERE uid IN ({marks})", chunk):
            texts[str(row["uid"])] = (str(row["title"]), str(row["summary"]), str(row["text"]))
    return [snippet(texts.get(item.id, ("", "", ""))[::-1], wanted.words) for item in items]
