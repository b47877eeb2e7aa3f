"""The places, public bodies and look-alike organisations the tagger knows, by name.

Built once per process from pycountry (ISO 3166-1 countries, ISO 3166-2 subdivisions of the
jurisdictions most active in crypto policy) and the curated files in `data/` for what ISO
lacks: English and Chinese names as news writes them, cities and zones, demonyms, regulators,
capitals that stand for their governments, and organisations whose names hold a place."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digest.models import CustomRegion
from digest.tagging.matcher import Layer, Pattern, ascii_fold, pattern_for

DATA = Path(__file__).parent / "data"

# Subdivisions are taken from ISO for these countries (the issue's list and a few more);
# elsewhere a country is named as a whole.
SUBDIVIDED = (
    "CN", "US", "AE", "CH", "JP", "KR", "IN", "GB", "DE", "FR", "CA", "AU", "BR", "RU", "MY",
    "KZ", "TH", "VN", "TW", "UA",
)  # fmt: skip
# Where ISO lists hundreds of small units (French departments, British councils), only these
# kinds of subdivision are regions news talks about.
_TYPES_KEPT = {
    "FR": {"Metropolitan region", "Metropolitan collectivity with special status"},
    "GB": {"Country", "Province", "City corporation"},
}
# ISO 3166-2 lists these under CN too; the contract names them by their own ISO 3166-1 codes.
_OWN_COUNTRY_CODE = {"CN-HK", "CN-MO", "CN-TW"}
_STATE_INSTITUTIONS = (
    "{state} Senate", "{state} State Senate", "{state} House", "{state} House of Representatives",
    "{state} Legislature", "{state} General Assembly", "{state} governor", "{state} Governor",
    "{state} lawmakers", "{state} legislators", "{state} state", "{state} State", "state of {state}",
    "{state}'s governor", "{state}'s Senate", "{state}'s legislature", "{state}'s state senate",
)  # fmt: skip
# ISO names that are also everyday capitalised words or given names.
_TOO_AMBIGUOUS = {"Saga", "Mie", "Uri", "Jura", "Acre", "Pará", "Para", "Nara", "Goa", "Chad", "Jordan"}


_ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")
# "Securities and Exchange Commission of Thailand" shares "Securities and Exchange Commission".
_QUALIFIER = re.compile(r"\s*\([^)]*\)$|\s+of\s+(?:the\s+)?[A-Z][\w ]*$")


@dataclass(frozen=True, slots=True)
class Place:
    code: str


@dataclass(frozen=True, slots=True)
class Body:
    """A regulator, ministry, court, legislature ...: an actor and a place at once."""

    code: str
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class Demonym:
    code: str


@dataclass(frozen=True, slots=True)
class Capital:
    """A capital whose name often stands for its government ("Beijing tightens ...")."""

    name: str
    stands_for: str
    city: str | None = None  # the sense when the sentence is about the city's own government
    state: str | None = None  # Washington State, when the sentence says "state"


@dataclass(frozen=True, slots=True)
class Mask:
    """An organisation whose name holds a place ("Bank of America"): it names no region."""

    name: str


@dataclass
class Gazetteer:
    names: dict[str, str] = field(default_factory=dict)  # code -> display name
    patterns: list[Pattern] = field(default_factory=list)

    def name_of(self, code: str) -> str:
        return self.names.get(code) or code

    def add(self, text: str, meaning: object) -> None:
        text = text.strip()
        if text:
            self.patterns.append(pattern_for(text, Layer.ENTITY, meaning, name=True))
            folded = ascii_fold(text)
            if folded != text:
                self.patterns.append(pattern_for(folded, Layer.ENTITY, meaning, name=True))


def build(custom: tuple[CustomRegion, ...] = ()) -> Gazetteer:
    gazetteer = Gazetteer()
    _add_iso(gazetteer)
    _add_curated(gazetteer, _load("places.toml"), _load("bodies.toml"), _load("masks.toml"))
    for region in custom:
        gazetteer.names[region.code] = region.name
        for alias in (region.name, *region.aliases):
            gazetteer.add(alias, Place(region.code))
    return gazetteer


def _load(name: str) -> dict[str, Any]:
    with (DATA / name).open("rb") as handle:
        return tomllib.load(handle)


def _add_iso(gazetteer: Gazetteer) -> None:
    import pycountry  # noqa: PLC0415 - ~100 ms; only commands that tag pay it

    for country in pycountry.countries:
        code = country.alpha_2
        gazetteer.names[code] = getattr(country, "common_name", None) or country.name
        for attribute in ("name", "common_name", "official_name"):
            name = getattr(country, attribute, None)
            if name and "," not in name and name not in _TOO_AMBIGUOUS:
                gazetteer.add(name, Place(code))
    for subdivision in _subdivisions(pycountry):
        gazetteer.names[subdivision.code] = subdivision.name
        if subdivision.name not in _TOO_AMBIGUOUS and "," not in subdivision.name:
            gazetteer.add(subdivision.name, Place(subdivision.code))
        if subdivision.code.startswith("US-") and subdivision.type == "State":
            # "Georgia Senate", "Washington governor": a state's own institutions settle
            # which Georgia or Washington a story means.
            for institution in _STATE_INSTITUTIONS:
                gazetteer.add(institution.format(state=subdivision.name), Place(subdivision.code))


def _subdivisions(pycountry: Any) -> Iterator[Any]:
    for country in SUBDIVIDED:
        kept = _TYPES_KEPT.get(country)
        for subdivision in pycountry.subdivisions.get(country_code=country) or ():
            if subdivision.code in _OWN_COUNTRY_CODE:
                continue
            if subdivision.parent_code is None and (kept is None or subdivision.type in kept):
                yield subdivision


def _add_curated(
    gazetteer: Gazetteer, places: dict[str, Any], bodies: dict[str, Any], masks: dict[str, Any]
) -> None:
    for place in places.get("place", []):
        code = place["code"]
        gazetteer.names[code] = place["name"]
        for alias in (place["name"], *place.get("aliases", []), *place.get("zh", [])):
            gazetteer.add(alias, Place(code))
        for demonym in place.get("demonyms", []):
            gazetteer.add(demonym, Demonym(code))
    for capital in places.get("metonym", []):
        sense = Capital(capital["name"], capital["stands_for"], capital.get("city"), capital.get("state"))
        gazetteer.add(capital["name"], sense)
    for body in bodies.get("body", []):
        actor = Body(body["region"], body["name"], body.get("kind", "agency"))
        # "ASIC" is Australia's regulator and a mining chip; "Diet" a parliament and a diet.
        ambiguous = set(body.get("ambiguous_aliases", []))
        aliases = [body["name"], *body.get("aliases", []), *body.get("zh", [])]
        for alias in aliases:
            if alias not in ambiguous:
                gazetteer.add(alias, actor)
        # "the SEC" in a Nigerian story is Nigeria's: a short form this body shares with
        # another becomes a second candidate, and the story's other places decide.
        shared = set(body.get("also", []))
        if body.get("shared_acronym"):
            shared |= {acronym for alias in aliases for acronym in _ACRONYM.findall(alias)}
            shared |= {_QUALIFIER.sub("", alias) for alias in aliases}
        for short_form in shared:
            gazetteer.add(short_form, actor)
    for name in (*masks.get("names", []), *masks.get("zh_names", [])):
        gazetteer.add(name, Mask(name))
