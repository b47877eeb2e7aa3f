"""English names for region codes, without building the whole gazetteer."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

PLACES = Path(__file__).parent / "data" / "places.toml"  # the gazetteer's own file


@cache
def _curated() -> dict[str, str]:
    # Only the table headers and the code and name lines: a tenth of the file, parsed as TOML
    # all the same (quotes, escapes), which `show` notices on every run.
    text = PLACES.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.startswith(("[[", "code = ", "name = "))]
    return {place["code"]: place["name"] for place in tomllib.loads("\n".join(lines)).get("place", [])}


def curated_names() -> dict[str, str]:
    """Code to display name for the places the curated file lists."""
    return _curated()


def region_names(codes: Iterable[str]) -> dict[str, str]:
    """The display name of each code: curated where news has its own name, else ISO's."""
    curated = _curated()
    names = {}
    missing = []
    for code in set(codes):
        if code in curated:
            names[code] = curated[code]
        elif code:
            missing.append(code)
    if missing:
        import pycountry  # noqa: PLC0415 - only for codes the curated file lacks

        for code in missing:
            found = pycountry.countries.get(alpha_2=code) or pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
            names[code] = (getattr(found, "common_name", None) or found.name) if found else code
    return names
