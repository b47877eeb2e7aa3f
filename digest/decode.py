"""An article page's bytes to text: a byte-order mark, else the charset its server declared, else
the one its own markup declares, else a guess; decoded before extraction, because trafilatura
only guesses and never sees the HTTP headers."""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from charset_normalizer import CharsetMatches

# The Unicode forms a byte-order mark settles (UTF-32's little-endian mark begins with UTF-16's).
_MARKS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels that mean another codec on the web than in Python, as browsers read them (the WHATWG
# Encoding Standard): a page labelled ISO-8859-1 or ASCII is written in windows-1252, its
# curly quotes and dashes included; GB2312 and GBK pages use all of GB18030; and so on.
_AS_BROWSERS_READ = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
    "utf-8-sig": "utf-8",
}
# Python codecs that are no charset of a web page (or, like UTF-7, one browsers refuse).
_NOT_CHARSETS = {"undefined", "utf-7", "idna", "punycode", "unicode-escape", "raw-unicode-escape"}
_UNICODE = {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^"';\s]+)""", re.IGNORECASE)
# <meta charset=...> and <meta http-equiv="Content-Type" content="...; charset=...">, in any
# order of attributes; and an XHTML page's XML declaration. A tag is looked into for 1 KB at
# most: a page of unclosed `<meta` would otherwise cost a scan to its end for each one.
_MARKUP_CHARSET = re.compile(
    rb"""<meta\b[^<>]{0,1024}?charset\s*=\s*["']?\s*([-\w.:]+)"""
    rb"""|^\s*<\?xml[^<>]{0,1024}?encoding\s*=\s*["']([-\w.:]+)""",
    re.IGNORECASE,
)
# Browsers look for the meta in the first 1,024 bytes; pages with long heads put it later, and
# a page's own declaration is worth a longer look than a guess is.
MARKUP_SCAN_BYTES = 64 * 1024
# Enough text for the detector to judge; it reads all it is given, several times over.
DETECT_BYTES = 128 * 1024
# A UTF-8 page may carry the odd stray byte (a pasted snippet, a cut at a size cap) and still be
# UTF-8: one invalid byte in a hundred non-ASCII ones. A legacy page fails on nearly every one.
_STRAY_SHARE = 100
# Legacy code pages by how many web pages use them (W3Techs' survey, in order).
_COMMONEST = ("cp1252", "cp1251", "gb18030", "shift_jis", "cp932", "euc_kr", "cp949", "big5", "cp1250")


def decode_page(body: bytes, content_type: str | None = None) -> str:
    """The page as text, in the charset that was meant; never raises for a bad byte (it becomes
    U+FFFD)."""
    for mark, encoding in _MARKS:
        if body.startswith(mark):
            return body[len(mark) :].decode(encoding, errors="replace")
    header = charset_of_header(content_type)
    markup = charset_of_markup(body)
    # A meta claiming UTF-16 was read by a parser reading ASCII: the page is not UTF-16.
    if markup is not None and markup.startswith(("utf-16", "utf-32")):
        markup = "utf-8"
    for declared in (header, markup):
        if declared is not None and (text := _as_declared(body, declared)) is not None:
            return text
    return _guessed(body)


def charset_of_header(content_type: str | None) -> str | None:
    """The codec a Content-Type header names, or None when it names none Python knows."""
    found = _HEADER_CHARSET.search(content_type or "")
    return codec(found.group(1)) if found else None


def charset_of_markup(body: bytes) -> str | None:
    """The codec the page's own markup declares near its start, or None."""
    found = _MARKUP_CHARSET.search(body[:MARKUP_SCAN_BYTES])
    if found is None:
        return None
    return codec((found.group(1) or found.group(2)).decode("ascii", errors="replace"))


def codec(label: str) -> str | None:
    """Python's codec for a charset label, as a browser would read the label; None if unknown."""
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
        b"x".decode(name)  # bytes-to-bytes codecs (base64, zlib ...) refuse here
    except (LookupError, ValueError):
        return None
    return None if name in _NOT_CHARSETS else _AS_BROWSERS_READ.get(name, name)


def _as_declared(body: bytes, declared: str) -> str | None:
    """The body in its declared charset; None when a declared UTF-8 is plainly not UTF-8."""
    if declared == "utf-8":
        return as_utf8(body)
    if declared not in _UNICODE and _is_plainly_utf8(body):
        # Servers label everything with a default charset (Apache's ISO-8859-1): text that is
        # valid UTF-8 with non-ASCII in it is UTF-8, which a legacy text almost never is.
        return body.decode("utf-8")
    return body.decode(declared, errors="replace")


def as_utf8(body: bytes) -> str | None:
    """The body as UTF-8 if it is UTF-8 but for a stray byte or a last character cut short."""
    # Not final: a character cut at the end stays in the decoder instead of becoming U+FFFD.
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(body, final=False)
    stray = text.count("\ufffd") - body.count("\ufffd".encode())
    if stray == 0:
        return text
    return text if stray * _STRAY_SHARE <= _non_ascii_bytes(body) else None


def _is_plainly_utf8(body: bytes) -> bool:
    if not _non_ascii_bytes(body):
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _non_ascii_bytes(body: bytes) -> int:
    return len(body) - len(body.translate(None, bytes(range(128))))


def _guessed(body: bytes) -> str:
    """No declaration: UTF-8 if it is UTF-8 (most of the web), else what the detector finds in
    the text, else windows-1252 (what browsers in the West fall back to)."""
    if (text := as_utf8(body)) is not None:
        return text
    from charset_normalizer import from_bytes  # noqa: PLC0415 - a rare path; only workers need it

    sample = body[:DETECT_BYTES]
    if len(body) > DETECT_BYTES:  # cut after a markup character, never inside a character
        sample = sample[: max(sample.rfind(b">"), sample.rfind(b"\n")) + 1] or sample
    guessed = _likeliest(from_bytes(sample))
    return body.decode(guessed or "cp1252", errors="replace")


def _likeliest(matches: CharsetMatches) -> str | None:
    """The detector's best codec; of codecs it finds equally good (code pages of one script
    often are: cp1250, cp1252 and cp1257 share most letters), the one more pages are written in."""
    best = matches.best()
    if best is None:
        return None
    tied = [
        match.encoding for match in matches if (match.chaos, match.coherence) == (best.chaos, best.coherence)
    ]
    return codec(
        min(tied, key=lambda name: _COMMONEST.index(name) if name in _COMMONEST else len(_COMMONEST))
    )
