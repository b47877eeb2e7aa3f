"""English names for region codes, without building the whole gazetteer."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

PLACES = Path(__file__).parent / "data" / "places.toml"  # the gazetteer's own files
GENERATED = Path(__file__).parent / "data" / "gazetteer.tsv"


@cache
def _curated() -> dict[str, str]:
    return {place["code"]: place["name"] for place in _headlines().get("place", [])}


@cache
def _capital_cities() -> dict[str, str]:
    """ "Tokyo-based" is Tokyo's code, named for the city."""
    capitals = _headlines().get("metonym", [])
    return {capital["city"]: capital["name"] for capital in capitals if "city" in capital}


@cache
def _headlines() -> dict[str, list[dict[str, str]]]:
    # Only the table headers and the code, name and city lines: a tenth of the file, parsed
    # as TOML all the same (quotes, escapes), which `show` notices on every run.
    text = PLACES.read_text(encoding="utf-8")
    heads = ("[[", "code = ", "name = ", "city = ", "within = ")
    return tomllib.loads("\n".join(line for line in text.splitlines() if line.startswith(heads)))


@cache
def containing() -> dict[str, str]:
    """A zone's or district's containing city, where its code does not say it: Qianhai
    (`CN-GD-qianhai`) is in Shenzhen (`CN-GD-shenzhen`)."""
    return {place["code"]: place["within"] for place in _headlines().get("place", []) if "within" in place}


def curated_names() -> dict[str, str]:
    """Code to display name for the places the curated file lists."""
    return _curated()


def region_names(codes: Iterable[str]) -> dict[str, str]:
    """The display name of each code: curated where news has its own name, else the
    generated gazetteer's (ISO's, GeoNames')."""
    curated, capitals = _curated(), _capital_cities()
    names = {}
    for code in set(codes):
        if code in curated:
            names[code] = curated[code]
        elif code in capitals:
            names[code] = capitals[code]
        elif code:
            names[code] = _generated_name(code)
    return names


@cache
def _generated() -> str:
    return GENERATED.read_text(encoding="utf-8")


def _generated_name(code: str) -> str:
    # A digest names a few dozen regions: a string search each through the generated file
    # is cheaper than splitting its forty thousand lines.
    text, needle = _generated(), f"\t{code}\t"
    at = text.find(needle)
    while at >= 0:
        if text[at - 1] in "CSTK" and text[at - 2] == "\n":  # a place's row, not a district's
            return text[at + len(needle) : text.index("\t", at + len(needle))]
        at = text.find(needle, at + 1)
    return code
