"""English names for region codes, without building the whole gazetteer."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache

from digest.tagging.gazetteer import DATA


@cache
def _curated() -> dict[str, str]:
    with (DATA / "places.toml").open("rb") as handle:
        return {place["code"]: place["name"] for place in tomllib.load(handle).get("place", [])}


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
