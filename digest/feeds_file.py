"""Edits to a feeds file's text that keep everything else as the user wrote it: a feed added at
the end, a feed's block taken out. The caller validates the result before writing it."""

from __future__ import annotations

import json
import re

# A table header at the start of a line: `[[feeds]]`, `[email]`, `[ settings ]`.
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]#]+?)\s*\]\]?", re.MULTILINE)
_FEEDS_HEADER = re.compile(r"^\s*\[\[\s*feeds\s*\]\]", re.MULTILINE)


def with_feed(text: str, name: str, url: str, *, extract: bool = True) -> str:
    """`text` with a `[[feeds]]` table appended: an array of tables may take a new element
    anywhere in the document, so nothing the user wrote moves."""
    lines = ["[[feeds]]", f"name = {_string(name)}", f"url = {_string(url)}"]
    if not extract:
        lines.append("extract = false")
    body = text.rstrip("\n")
    return (body + "\n\n" if body else "") + "\n".join(lines) + "\n"


def without_feed(text: str, index: int) -> str:
    """`text` without its `index`-th (0-based) `[[feeds]]` table, nor the comment lines just
    above it, which describe it in the layout the bundled list uses."""
    headers = list(_FEEDS_HEADER.finditer(text))
    start = headers[index].start()
    following = _HEADER.search(text, headers[index].end())
    end = following.start() if following else len(text)
    above = text[:start].split("\n")
    above.pop()  # the header line's own start
    while above and above[-1].lstrip().startswith("#"):
        above.pop()
    kept_above = "\n".join(above).rstrip("\n")
    rest = text[end:]
    if end < len(text):
        # The next table's comment block belongs to it, not to the feed removed.
        rest = _own_comments(text[start:end]) + rest
    joined = kept_above + ("\n\n" if kept_above and rest else "\n" if kept_above else "") + rest.lstrip("\n")
    return joined if joined.endswith("\n") or not joined else joined + "\n"


def _own_comments(block: str) -> str:
    """The comment lines at the end of a removed block: they introduce what follows it."""
    lines = block.rstrip("\n").split("\n")
    trailing: list[str] = []
    while lines and lines[-1].lstrip().startswith("#"):
        trailing.insert(0, lines.pop())
    return "\n".join(trailing) + "\n" if trailing else ""


def _string(value: str) -> str:
    """A TOML basic string: JSON's escapes are a subset of TOML's."""
    return json.dumps(value, ensure_ascii=False)
