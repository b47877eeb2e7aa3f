"""Turn text from feeds and pages into safe plain text: no markup, no control or bidi tricks."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from html.parser import HTMLParser

# C0/C1 controls (ESC among them) would reach a terminal as escape sequences; keep only
# newline and tab, which the folding below turns into spaces where a single line is wanted.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Whole escape sequences go, not only their ESC: what an OSC 52 (`ESC ] 52 ; c ; <base64> BEL`,
# set the clipboard) or a CSI carries is no text either. 7-bit and 8-bit (C1) introducers.
_ESCAPE_SEQUENCE = re.compile(
    # OSC, DCS, SOS, PM, APC: to their terminator, or the line's end at most
    r"(?:\x1b\]|\x9d|\x1b[P^_X]|[\x90\x98\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI
    r"|\x1b[ -/]*[0-~]?"  # the other escapes: ESC and a final byte
)
_INTRODUCER = re.compile(r"[\x1b\x90\x98\x9b\x9d-\x9f]")  # a quick look first: most text has none
# Bidi embeddings, overrides and isolates can make a title read backwards ("Trojan Source").
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")

_BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "table", "tr", "section", "article", "header", "footer", "figure", "figcaption", "hr", "dd", "dt",
})  # fmt: skip
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Strip tags and decode entities, keeping paragraph breaks as newlines."""
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    return clean_text("".join(collector.parts))


def clean_text(text: str) -> str:
    """Remove control and bidi characters; fold runs of spaces; keep paragraph breaks."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if _INTRODUCER.search(text):
        text = _ESCAPE_SEQUENCE.sub("", text)
    text = _BIDI.sub("", _CONTROL.sub("", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


# What some tool reads as the end of a line: CR and LF, NUL, the C0 separators and vertical
# tab, NEL, and Unicode's line and paragraph separators. In a mail header any of them could
# start a header of its own (a `Bcc:` smuggled into `--from`).
_LINE_BREAK = re.compile(r"[\r\n\x00\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def has_line_break(text: str) -> bool:
    """Whether `text` would be more than one line to some tool: a header value must not be."""
    return _LINE_BREAK.search(text) is not None


def one_line(text: str) -> str:
    """`clean_text` folded onto a single line, for titles, names and summaries."""
    if text.isascii() and text.isprintable():  # nothing to strip: the common case, and a hot one
        return " ".join(text.split())
    return " ".join(clean_text(text).split())


def shorten(text: str, limit: int) -> str:
    """Cut at a sentence end near `limit` if there is one, else at a word, with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    sentence_end = max(head.rfind(". "), head.rfind("! "), head.rfind("? "), head.rfind("。"))
    if sentence_end >= limit // 2:
        return head[: sentence_end + 1]
    word_end = head.rfind(" ")
    cut = head[:word_end] if word_end >= limit // 2 else head[:limit]
    return cut.rstrip(" ,;:-") + "…"


def columns(text: str) -> int:
    """How many terminal columns `text` takes: wide East Asian characters take two."""
    if text.isascii():  # the common case, and a hot one when wrapping a long digest
        return len(text)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def fit(text: str, width: int) -> str:
    """`text` in exactly `width` columns: padded with spaces, or cut with an ellipsis (a wide
    character that would straddle the edge goes whole, and a space fills its place)."""
    used = columns(text)
    if used <= width:
        return text + " " * (width - used)
    kept, used = [], 0
    for char in text:
        size = columns(char)
        if used + size > width - 1:
            break
        kept.append(char)
        used += size
    return "".join(kept) + "…" + " " * (width - 1 - used)


def table(rows: Sequence[Sequence[str]], widest: Sequence[int] = ()) -> list[str]:
    """Rows of cells in aligned columns two spaces apart, measured in terminal columns (a feed
    named 链闻 takes four, not two), with no trailing spaces. `widest` caps the first columns'
    widths: a longer cell there is cut with an ellipsis."""
    widths = [max(columns(row[number]) for row in rows) for number in range(len(rows[0]))] if rows else []
    widths = [min(width, cap) for width, cap in zip(widths, widest, strict=False)] + widths[len(widest) :]
    return [
        "  ".join(fit(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Wrap at spaces to `width` columns; runs of wide characters (Chinese, Japanese, Korean
    have no spaces) may break between any two characters. A URL stays whole (a broken one no
    longer works); any other word too long for a line is cut into pieces that fit."""
    if text.isascii() and indent.isascii():
        return _wrap_ascii(text, width, indent)
    lines: list[str] = []
    margin = columns(indent)
    line, used = indent, margin
    for piece in _wrap_pieces(text, width - margin):
        size = columns(piece)
        if piece == " ":
            if used > margin:
                line, used = line + " ", used + 1
            continue
        if used + size > width and line.strip():
            lines.append(line.rstrip())
            line, used = indent, margin
        line, used = line + piece, used + size
    if line.strip():
        lines.append(line.rstrip())
    return lines or [indent.rstrip()]


def _wrap_ascii(text: str, width: int, indent: str) -> list[str]:
    """`wrap` for ASCII, where a character is a column: the same lines, without measuring
    every piece (a digest of thousands of stories wraps a lot of text)."""
    lines: list[str] = []
    margin = len(indent)
    room = width - margin
    words: list[str] = []  # on the current line
    used = margin
    for word in text.split():
        if len(word) > room > 0 and not word.startswith(("http://", "https://")):
            pieces = [word[start : start + room] for start in range(0, len(word), room)]
        else:
            pieces = [word]
        for number, piece in enumerate(pieces):
            gap = 1 if words and number == 0 else 0  # the pieces of a cut word join without one
            if words and used + gap + len(piece) > width:
                lines.append(indent + "".join(words))
                words, used, gap = [], margin, 0
            words.append(" " + piece if gap else piece)
            used += gap + len(piece)
    if words:
        lines.append(indent + "".join(words))
    return lines or [indent.rstrip()]


def _wrap_pieces(text: str, room: int) -> list[str]:
    pieces: list[str] = []
    for word in re.split(r"( )", " ".join(text.split())):
        if word and not word.isascii() and any(unicodedata.east_asian_width(c) in "WF" for c in word):
            pieces.extend(_WIDE_PIECES.findall(word))
        elif len(word) > room > 0 and not word.startswith(("http://", "https://")):
            pieces.extend(word[start : start + room] for start in range(0, len(word), room))
        elif word:
            pieces.append(word)
    return pieces


# A wide character on its own, or a run of narrow ones ("e-CNY", "2026年" keeps "2026" whole);
# closing punctuation stays with what it closes and opening with what it opens, so that no
# line starts with a full-width comma or closing bracket, nor ends with an opening one (the
# usual rule of Chinese and Japanese typesetting).
_CLOSING = "、。，．：；！？）」』】〉》〕｝］”’…"
_OPENING = "（「『【〈《〔｛［“‘"
_WIDE_PIECES = re.compile(rf"[{_OPENING}]*(?:[^\x00-\u10ff\s]|[\x00-\u10ff]+)[{_CLOSING}]*")


# Query parameters that carry a credential in feed URLs (private feeds, paid APIs, signed links).
_SECRET_PARAMS = frozenset({
    "token", "access_token", "auth", "auth_token", "api_key", "apikey", "api-key", "key", "secret",
    "client_secret", "password", "passwd", "pass", "pwd", "sig", "signature", "session", "sessionid",
    "private_token", "refresh_token", "id_token", "hash", "code", "ticket", "credential",
})  # fmt: skip
_SECRET_PARTS = ("token", "secret", "passw", "apikey", "api_key", "signature", "credential")
_URL_IN_TEXT = re.compile(r"""https?://[^\s"'<>]+""", re.IGNORECASE)
_USERINFO = re.compile(r"^([a-z][a-z0-9+.-]*://)[^/?#]*@", re.IGNORECASE)
REDACTED = "***"


def redact_url(url: str) -> str:
    """The URL with its credentials masked, for showing: `https://***@host/feed?token=***`.

    The user name goes too, since a token is often sent as one (`https://TOKEN@host/`). The
    request itself uses the URL as configured; this is only what people and logs get to see."""
    masked = _USERINFO.sub(rf"\1{REDACTED}@", url, count=1)
    head, mark, rest = masked.partition("?")
    if not mark:
        return masked
    query, hash_mark, fragment = rest.partition("#")
    pairs = [_redact_pair(pair) for pair in query.split("&")]
    return f"{head}?{'&'.join(pairs)}{hash_mark}{fragment}"


def redact_urls(text: str) -> str:
    """Every URL inside a message (an HTTP error, a redirect target) passed through `redact_url`."""
    if "://" not in text:
        return text
    return _URL_IN_TEXT.sub(_redact_found, text)


def _redact_found(found: re.Match[str]) -> str:
    # Punctuation that ends the sentence around a URL ("moved to URL; update ...") is the
    # message's, not the URL's: it stays outside what is redacted.
    url = found[0].rstrip(".,;:!?)]")
    return redact_url(url) + found[0][len(url) :]


def _redact_pair(pair: str) -> str:
    key, equals, value = pair.partition("=")
    name = key.lower()
    if equals and value and (name in _SECRET_PARAMS or any(part in name for part in _SECRET_PARTS)):
        return f"{key}={REDACTED}"
    return pair


def plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 article", "4,968 feeds": the count with its noun in the right number."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"
