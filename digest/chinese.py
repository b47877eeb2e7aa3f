"""Chinese text as the tool reads it: traditional characters as their simplified forms, one
character for one, so that every offset into the folded text is an offset into the original
(the tagger's evidence and the search's snippets quote the original)."""

from __future__ import annotations

import functools
import re

# CJK radicals, punctuation, unified and compatibility ideographs.
CJK_RANGES = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f"
HAS_CJK = re.compile(f"[{CJK_RANGES}]")
CJK_RUN = re.compile(f"[{CJK_RANGES}]+")


def simplified(text: str) -> str:
    """`text` with each traditional character that has a one-character simplified form in it."""
    return text.translate(simplified_forms()) if HAS_CJK.search(text) else text


@functools.cache
def simplified_forms() -> dict[int, str]:
    """Each traditional character OpenCC's t2s writes as one other character (3,500 or so):
    built once, in a few milliseconds, from one conversion of every CJK unified ideograph."""
    import opencc  # noqa: PLC0415 - only text with Chinese in it needs it

    ideographs = [chr(point) for point in range(0x4E00, 0xA000)]
    # One per line, so that no phrase rule spans two characters and each maps alone.
    converted = opencc.OpenCC("t2s").convert("\n".join(ideographs)).split("\n")
    return {
        ord(traditional): simplified
        for traditional, simplified in zip(ideographs, converted, strict=True)
        if len(simplified) == 1 and simplified != traditional
    }
