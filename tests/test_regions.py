"""Which regions an item has: the contract's rules (spec/cli.md, "Which regions an item has"),
each on a story written for the test."""

from __future__ import annotations

import pytest

from digest.models import Tags
from digest.tagging import Tagger


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger()


def regions(tags: Tags) -> list[str]:
    return [region.code for region in tags.regions]


def tag(tagger: Tagger, title: str, summary: str = "", body: str = "") -> Tags:
    return tagger.tag(title, summary, body)


# -- where a company is based: a capital there is the city, not the government ------------------


@pytest.mark.parametrize(
    ("title", "summary", "code"),
    [
        (
            "Tokyo-based Coincheck hacked",
            "Attackers drained a hot wallet of the exchange overnight.",
            "JP-13",
        ),
        (
            "Riyadh-based exchange raises $50 million ahead of licence bid",
            "The platform raised the money from regional family offices.",
            "SA-01",
        ),
        ("Berlin wallet start-up raises €22 million", "The round was led by a venture fund.", "DE-BE"),
        (
            "Bangkok exchange Orchid lists three new tokens",
            "The exchange added the tokens to its spot market on Monday.",
            "TH-10",
        ),
        ("Jakarta-based exchange suffers $19 million breach", "Withdrawals were paused.", "ID-JK"),
        (
            "Nairobi stablecoin remittance start-up raises $14 million",
            "The company moves money between Kenya and the Gulf.",
            "KE-30",
        ),
        ("Seoul exchange halts withdrawals after hot-wallet breach", "", "KR-11"),
        ("Vienna exchange loses $14 million in wallet breach", "", "AT-9"),
        ("Lisbon wallet maker raises seed round", "", "PT-11-lisbon"),
    ],
)
def test_a_capital_where_a_company_is_based_is_the_city(
    tagger: Tagger, title: str, summary: str, code: str
) -> None:
    tags = tag(tagger, title, summary)
    assert regions(tags) == [code]
    assert tags.primary_region == code


def test_a_capital_named_only_as_the_country_is_the_country(tagger: Tagger) -> None:
    tags = tag(
        tagger, "Japanese exchange hacked", "Attackers drained a hot wallet of the exchange overnight."
    )
    assert regions(tags) == ["JP"]


def test_a_capital_acting_as_a_government_is_the_country(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Beijing tightens its crypto mining ban",
        "China's central government told provinces to cut power to remaining mining farms.",
    )
    assert regions(tags) == ["CN"]


def test_a_capitals_own_city_government_is_the_city(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Beijing's municipal government sets up a blockchain fund",
        "The municipal government will put 3 billion yuan into a special fund for local blockchain firms.",
    )
    assert regions(tags) == ["CN-BJ"]


def test_brussels_for_the_eu_is_the_eu(tagger: Tagger) -> None:
    tags = tag(tagger, "Brussels tightens stablecoin rules", "The regulation was amended by the Commission.")
    assert regions(tags) == ["EU"]


def test_a_company_seat_does_not_turn_the_governments_capital_into_the_city(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Beijing reiterates ban on crypto trading",
        "Beijing's regulators said the ban covers offshore platforms; a Beijing-based miner said it "
        "would move abroad.",
    )
    assert regions(tags) == ["CN"]


# -- where something happens: an event named after its city ----------------------------------


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Paris Blockchain Week opens with tokenised bond showcase", "FR-IDF-paris"),
        ("Nice to host Riviera Web3 summit for a second year", "FR-PAC-nice"),
        ("Singapore Fintech Festival draws record crowds", "SG"),
        ("巴黎区块链周开幕 欧洲项目方聚焦代币化", "FR-IDF-paris"),
    ],
)
def test_an_event_happens_in_the_city_it_is_named_after(tagger: Tagger, title: str, code: str) -> None:
    tags = tag(tagger, title)
    assert regions(tags) == [code]
    assert not tags.topics


def test_a_capital_hosting_a_conference_is_the_city(tagger: Tagger) -> None:
    tags = tag(
        tagger, "Accra hosts West Africa blockchain summit", "Founders and investors met for two days."
    )
    assert regions(tags) == ["GH-AA-accra"]


# -- a capital in Chinese ----------------------------------------------------------------------


def test_a_capital_in_chinese_is_the_city_where_a_company_is(tagger: Tagger) -> None:
    tags = tag(tagger, "格鲁吉亚第比利斯一座比特币矿场扩容", "矿场新增两千台矿机。")
    assert regions(tags) == ["GE-TB"]


# -- a city and the state or canton of its name ------------------------------------------------


def test_a_city_named_like_its_state_is_the_city_where_things_happen(tagger: Tagger) -> None:
    assert regions(tag(tagger, "Zurich private bank launches crypto trading")) == ["CH-ZH-zurich"]
    assert regions(tag(tagger, "Lagos payments start-up raises $8 million")) == ["NG-LA-lagos"]
    assert regions(tag(tagger, "圣保罗加密交易所完成1亿美元融资")) == ["BR-SP-saopaulo"]


def test_a_city_that_is_its_own_subdivision_is_the_subdivision(tagger: Tagger) -> None:
    assert regions(tag(tagger, "Busan exchange opens customer centre")) == ["KR-26"]
    assert regions(tag(tagger, "Istanbul-based exchange halts withdrawals")) == ["TR-34"]


def test_the_city_named_as_a_city_is_the_city(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Rio de Janeiro city invests 1% of its treasury reserves in bitcoin",
        "The city's mayor signed a decree allowing part of the municipal reserves to be held in bitcoin.",
    )
    assert regions(tags) == ["BR-RJ-riodejaneiro"]


def test_a_country_and_a_city_in_it_is_the_city(tagger: Tagger) -> None:
    assert regions(tag(tagger, "日本大阪一家加密交易所遭黑客攻击")) == ["JP-27-osaka"]
    assert regions(tag(tagger, "德国法兰克福一家加密托管机构获得融资")) == ["DE-HE-frankfurt"]


# -- the most specific code, and not its parent beside it -------------------------------------


def test_a_county_whose_own_body_acts_is_the_county(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Arkansas county quorum court passes crypto mine setback rules",
        "The Cleburne County Quorum Court in Arkansas approved an ordinance requiring new crypto "
        "mines to sit at least 2,000 feet from homes.",
    )
    assert regions(tags) == ["US-AR-cleburne"]
    assert tags.primary_region == "US-AR-cleburne"


def test_a_national_regulator_licensing_a_city_firm_is_the_countrys(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Chile's CMF authorises first tokenised fund under fintech law",
        "Chile's Comisión para el Mercado Financiero approved a Santiago manager's tokenised fund.",
    )
    assert regions(tags) == ["CL"]


def test_a_zone_and_its_city_is_the_zone(tagger: Tagger) -> None:
    tags = tag(tagger, "跨境贸易区块链平台在深圳前海完成首单", "平台由多家银行共同搭建。")
    assert regions(tags) == ["CN-GD-qianhai"]


# -- sentences --------------------------------------------------------------------------------


def test_a_state_abbreviation_does_not_end_the_sentence(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Port city weighs blockchain permits",
        "Officials in Mobile, Ala. approved a pilot putting port permit records on a blockchain.",
    )
    assert regions(tags) == ["US-AL-mobile"]
