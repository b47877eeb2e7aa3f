"""The tagger's written-down rules, each on a story written for the test."""

from __future__ import annotations

import pytest

from digest.models import CustomRegion, Tags, Vocabulary
from digest.tagging import Tagger


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger()


def regions(tags: Tags) -> list[str]:
    return [region.code for region in tags.regions]


def tag(tagger: Tagger, title: str, summary: str = "", body: str = "") -> Tags:
    return tagger.tag(title, summary, body)


# -- policy needs a public actor ---------------------------------------------------------------


def test_a_company_product_is_not_regulation(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Exchange launches staking product with daily payouts",
        "The platform says the product meets its compliance standards and its licence terms.",
        "The exchange launched the product on Tuesday. Its compliance team approved the rules for "
        "customers, and the firm said it would register more tokens next quarter.",
    )
    assert not tags.policy
    assert tags == Tags()


def test_a_regulator_approving_a_licence_is_regulation(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Regulator approves exchange's licence",
        "The Monetary Authority of Singapore granted a full licence to a local exchange.",
        "The Monetary Authority of Singapore said the licence lets the exchange serve retail clients.",
    )
    assert tags.topics == ("regulation",)
    assert regions(tags) == ["SG"]
    assert tags.primary_region == "SG"


# -- capitals standing for governments ---------------------------------------------------------


def test_beijing_tightening_a_ban_is_china(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Beijing tightens its crypto mining ban",
        "China's central government told provinces to cut power to remaining mining farms.",
    )
    assert regions(tags) == ["CN"]


def test_beijings_municipal_government_is_the_city(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Beijing's municipal government sets up a blockchain fund",
        "The municipal government will put 3 billion yuan into a special fund for local blockchain firms.",
    )
    assert regions(tags) == ["CN-BJ"]
    assert "industrial-policy" in tags.topics


def test_washington_is_the_federal_government_unless_it_is_the_state(tagger: Tagger) -> None:
    federal = tag(tagger, "Washington weighs a stablecoin bill", "Lawmakers in Congress debated the bill.")
    state = tag(
        tagger,
        "Washington State lawmakers approve crypto kiosk rules",
        "The state legislature passed a bill capping daily kiosk withdrawals.",
    )
    assert regions(federal) == ["US"]
    assert regions(state) == ["US-WA"]


def test_brussels_and_moscow_stand_for_the_eu_and_russia(tagger: Tagger) -> None:
    assert regions(tag(tagger, "Brussels tightens stablecoin rules", "The regulation was amended.")) == ["EU"]
    assert regions(tag(tagger, "Moscow bans crypto payments", "The government signed the decree.")) == ["RU"]


# -- names that are two places -----------------------------------------------------------------


def test_georgia_the_country_and_georgia_the_state(tagger: Tagger) -> None:
    country = tag(
        tagger,
        "Georgia's central bank issues crypto licensing rules",
        "The National Bank of Georgia in Tbilisi set capital requirements for exchanges.",
    )
    state = tag(
        tagger,
        "Georgia Senate passes crypto kiosk bill",
        "The state senate voted to cap withdrawals; the governor is expected to sign the bill.",
    )
    assert regions(country) == ["GE"]
    assert regions(state) == ["US-GA"]


def test_jersey_is_not_new_jersey(tagger: Tagger) -> None:
    jersey = tag(
        tagger, "Jersey regulator fines crypto fund administrator", "Jersey's regulator issued a fine."
    )
    new_jersey = tag(
        tagger, "New Jersey regulator fines crypto lender", "New Jersey's regulator issued a fine."
    )
    assert regions(jersey) == ["JE"]
    assert regions(new_jersey) == ["US-NJ"]


def test_a_shared_acronym_follows_the_story(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "SEC orders crypto platforms blocked",
        "Nigeria's SEC told telecom operators to block three unregistered platforms.",
        "The SEC said the platforms had served Nigerian customers without registration.",
    )
    assert regions(tags) == ["NG"]


# -- places that are not policy ----------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "China Construction Bank posts higher quarterly profit",
        "Bank of America analysts see bitcoin reaching new highs",
        "Abu Dhabi Commercial Bank reports record earnings",
        "Hong Kong Exchanges and Clearing reports record revenue",
    ],
)
def test_places_inside_company_names_are_neither_policy_nor_regions(tagger: Tagger, title: str) -> None:
    assert tag(tagger, title, "The company said results beat expectations.") == Tags()


def test_company_news_is_where_the_company_is_based(tagger: Tagger) -> None:
    tags = tag(
        tagger, "A Dubai-based exchange raised $50 million in a funding round", "Results beat forecasts."
    )
    assert not tags.policy
    assert regions(tags) == ["AE-DU"]
    assert tags.primary_region == "AE-DU"


def test_where_the_story_happens_beats_where_the_company_is_based(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Seychelles-registered derivatives exchange opens a Hong Kong office",
        "The venue hired twenty staff for its new desk in the city.",
    )
    assert not tags.policy
    assert regions(tags) == ["HK"]


def test_a_story_with_no_place_has_no_region(tagger: Tagger) -> None:
    tags = tag(
        tagger, "Lending protocol drained of $12 million in flash-loan exploit", "Funds moved to a mixer."
    )
    assert tags == Tags()


def test_a_business_location_is_not_a_policy_region(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Hong Kong regulator grants licence to exchange",
        "The Securities and Futures Commission licensed a Singapore-based exchange.",
    )
    assert regions(tags) == ["HK"]


def test_regions_named_in_passing_are_not_tagged(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Dubai's VARA fines exchange for marketing breaches",
        "The Virtual Assets Regulatory Authority fined the exchange for misleading adverts.",
        "VARA said the fine followed an inspection.\n\nThe exchange, founded in London, also operates "
        "in Brazil and Turkey, where it has millions of users.",
    )
    assert regions(tags) == ["AE-DU"]
    assert "enforcement" in tags.topics


# -- Chinese -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "summary", "code", "topic"),
    [
        (
            "北京市发布区块链行动计划",
            "北京市人民政府设立专项基金支持区块链企业。",
            "CN-BJ",
            "industrial-policy",
        ),
        ("海南自贸港出台数字资产试点方案", "海南省人民政府印发实施方案。", "CN-HI", "industrial-policy"),
        (
            "雄安新区推动区块链政务应用",
            "雄安新区管委会将政务服务上链。",
            "CN-HE-xiongan",
            "public-sector-adoption",
        ),
        ("深圳市扩大数字人民币试点", "深圳市政府发放数字人民币消费红包。", "CN-GD-shenzhen", "cbdc"),
        ("中国人民银行扩大数字人民币试点范围", "央行表示将稳步推进数字人民币研发。", "CN", "cbdc"),
    ],
)
def test_chinese_stories_are_tagged(tagger: Tagger, title: str, summary: str, code: str, topic: str) -> None:
    tags = tag(tagger, title, summary)
    assert regions(tags) == [code]
    assert topic in tags.topics


# -- evidence and user additions ---------------------------------------------------------------


def test_every_tag_has_its_evidence(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Wyoming lawmakers pass DAO law amendment",
        "The Wyoming legislature passed a bill changing member liability in DAOs.",
        "Wyoming's governor is expected to sign the bill.",
    )
    tagged = set(tags.topics) | set(regions(tags))
    assert tagged == {"legislation", "US-WY"}
    assert {evidence.tag for evidence in tags.evidence} == tagged
    for evidence in tags.evidence:
        assert evidence.where in ("title", "summary", "body")
        assert evidence.phrase in evidence.sentence


def test_user_regions_and_phrases_extend_the_tagger() -> None:
    vocabulary = Vocabulary(
        regions=(CustomRegion("CN-GD-dongguan", "Dongguan", ("东莞",), "CN-GD"),),
        topic_phrases=(("industrial-policy", ("chip corridor",)),),
    )
    tagger = Tagger(vocabulary)

    tags = tagger.tag("Dongguan opens a chip corridor for blockchain firms", "", "")

    assert regions(tags) == ["CN-GD-dongguan"]
    assert tags.regions[0].name == "Dongguan"
    assert tags.topics == ("industrial-policy",)


# -- found in review: each a rule that must keep holding ---------------------------------------


@pytest.mark.parametrize(
    ("title", "summary", "codes"),
    [
        (
            "Georgia senate committee advances crypto bill",
            "The Georgia Senate committee voted 7-2.",
            ["US-GA"],
        ),
        (
            "Washington governor signs crypto kiosk law",
            "The bill passed the legislature last month.",
            ["US-WA"],
        ),
        (
            "Vietnam's National Assembly passes digital technology law recognising crypto",
            "The National Assembly voted 441-4 on Saturday.",
            ["VN"],
        ),
        (
            "Chinese tycoon arrested in Hong Kong over crypto fraud",
            "Hong Kong police arrested him on Tuesday.",
            ["HK"],
        ),
        (
            "SEC sues token issuer, says Victoria Chen misled investors",
            "The SEC filed the complaint.",
            ["US"],
        ),
        (
            "US lawmakers grill Chinese-owned mining firms over energy use",
            "A House committee held a hearing.",
            ["US"],
        ),
        ("Hong Kong joins mBridge CBDC project", "The HKMA said it would take part in the project.", ["HK"]),
    ],
)
def test_review_cases(tagger: Tagger, title: str, summary: str, codes: list[str]) -> None:
    tags = tag(tagger, title, summary)
    assert tags.policy
    assert regions(tags) == codes


def test_a_headline_and_summary_alone_can_carry_a_policy_story(tagger: Tagger) -> None:
    # Feeds without extraction give no body: the bar is lower for them.
    tags = tag(
        tagger,
        "Singapore exchange fined after audit",
        "The Monetary Authority of Singapore fined a local exchange S$2 million for AML failures.",
    )
    assert regions(tags) == ["SG"] and "enforcement" in tags.topics


def test_a_person_joining_a_company_is_not_policy(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Former CFTC enforcement lawyer joins exchange as general counsel",
        "She spent nine years bringing enforcement actions against trading firms at the CFTC.",
        "At the exchange she will oversee compliance with CFTC rules and licensing in the US.",
    )
    assert not tags.policy


def test_region_names_read_the_same_names_as_the_gazetteer_file() -> None:
    import tomllib  # noqa: PLC0415

    from digest.tagging.gazetteer import DATA  # noqa: PLC0415
    from digest.tagging.names import _curated  # noqa: PLC0415

    with (DATA / "places.toml").open("rb") as handle:
        every = {place["code"]: place["name"] for place in tomllib.load(handle)["place"]}
    assert _curated() == every


@pytest.mark.parametrize(
    ("simplified", "traditional"),
    [
        (
            "香港证监会公布虚拟资产交易平台发牌新规，要求平台隔离客户资产",
            "香港證監會公佈虛擬資產交易平臺發牌新規，要求平臺隔離客戶資產",
        ),
        (
            "台湾金融监督管理委员会就稳定币发行订立监管框架",
            "臺灣金融監督管理委員會就穩定幣發行訂立監管框架",
        ),
        ("澳门金融管理局发布虚拟资产监管指引", "澳門金融管理局發佈虛擬資產監管指引"),
    ],
)
def test_traditional_chinese_is_tagged_as_its_simplified_form(
    tagger: Tagger, simplified: str, traditional: str
) -> None:
    expected = tagger.tag(simplified, "", "")
    tags = tagger.tag(traditional, "", "")

    assert tags.policy and expected.policy
    assert (tags.topics, tags.regions, tags.primary_region) == (
        expected.topics,
        expected.regions,
        expected.primary_region,
    )
    # The evidence quotes the story as written, not its simplified reading.
    assert tags.evidence and all(e.phrase in traditional for e in tags.evidence)


def test_a_clock_or_a_market_session_is_not_a_region(tagger: Tagger) -> None:
    english = tag(
        tagger, "Bitcoin slips below $88,000", "It changed hands at $87,650 in late New York trading."
    )
    chinese = tag(tagger, "比特币跌破九万美元", "北京时间周二凌晨，比特币一度下跌4%。")
    assert (regions(english), regions(chinese)) == ([], [])


def test_a_page_text_is_read_like_its_paragraphs(tagger: Tagger) -> None:
    """trafilatura gives the headline again and one line break between paragraphs."""
    title = "Dubai regulator grants operating licence to exchange"
    lead = (
        "Dubai's Virtual Assets Regulatory Authority granted a full operating licence to an exchange "
        "on Monday, after a two-year review of its custody arrangements."
    )
    rest = "The exchange said it would hire forty staff.\nIts rivals are still waiting for approval."
    as_written = tagger.tag(title, "", f"{lead}\n\n{rest}")
    as_extracted = tagger.tag(title, "", f"{title}\nBy Staff Reporter\n{lead}\n{rest}")
    assert (as_extracted.topics, as_extracted.regions) == (as_written.topics, as_written.regions)
    assert regions(as_extracted) == ["AE-DU"]


def test_a_counterpartys_seat_is_not_the_storys_region(tagger: Tagger) -> None:
    licence = tag(
        tagger,
        "Ireland's central bank authorises US exchange under MiCA",
        "The Central Bank of Ireland granted the licence after an eighteen-month review.",
    )
    assert regions(licence) == ["IE"]


def test_a_hong_kong_papers_bare_regulator_is_hong_kongs(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "證監會就穩定幣發行人發牌制度展開諮詢",
        "本港持牌虛擬資產交易平台須於明年三月前提交合規計劃，諮詢期為兩個月。",
    )
    assert tags.policy
    assert regions(tags) == ["HK"]


def test_a_taiwan_papers_central_bank_is_taiwans(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "央行研議數位新台幣零售試辦　立委要求說明隱私保護",
        "央行總裁在立法院備詢時表示，數位新台幣試辦將先限定小額支付。",
    )
    assert regions(tags) == ["TW"]


def test_simplified_chinese_bare_bodies_stay_the_mainlands(tagger: Tagger) -> None:
    tags = tag(tagger, "证监会发布虚拟货币相关风险提示", "证监会提醒投资者警惕境外平台的非法推介活动。")
    assert regions(tags) == ["CN"]


def test_a_deals_other_party_is_not_where_the_story_is(tagger: Tagger) -> None:
    deal = tag(
        tagger,
        "Shenzhen chip maker signs custody deal with a Singapore bank",
        "The company will supply hardware wallets for the bank's digital asset desk.",
    )
    seat_first = tag(
        tagger,
        "Singapore-based exchange suspends trading after a $52 million exploit",
        "The exchange, popular with users in Malaysia and Thailand, said client funds were safe.",
    )
    assert regions(deal) == ["CN-GD-shenzhen"]
    assert seat_first.primary_region == "SG"


def test_a_towns_name_as_a_persons_surname_is_no_place(tagger: Tagger) -> None:
    tags = tagger.tag(
        "Exchange launches flexible staking product",
        "",
        "The exchange launched a staking service on Wednesday with daily payouts for customers.\n"
        "“Flex gives up a little yield for freedom,” said Ingrid Salo, the company's head of product.",
    )
    assert regions(tags) == []
