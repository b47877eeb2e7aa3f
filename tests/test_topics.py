"""Which topics a policy story has: the taxonomy's rules, each on a story written for the test."""

from __future__ import annotations

import tomllib

import pytest

from digest.models import Tags
from digest.tagging import Tagger
from digest.tagging.taxonomy import DATA


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger()


def tag(tagger: Tagger, title: str, summary: str = "", body: str = "") -> Tags:
    return tagger.tag(title, summary, body)


# -- local rules are regulation, law-making is a legislature's ---------------------------------


def test_a_county_moratorium_on_mining_is_regulation(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "County commissioners extend moratorium on new crypto mining facilities",
        "The board of commissioners voted to keep the pause on permits for another six months "
        "while planners draft zoning rules for large power users.",
    )
    assert tags.topics == ("regulation",)


def test_a_town_ordinance_on_crypto_kiosks_is_regulation_not_legislation(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Town council passes ordinance capping bitcoin kiosk withdrawals",
        "The council approved the ordinance 5-2; kiosk operators will need a local permit.",
    )
    assert tags.topics == ("regulation",)


def test_licences_under_an_existing_act_are_regulation(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Regulator issues first exchange licences under virtual asset act",
        "The securities commission said two platforms met the licensing requirements of the act.",
    )
    assert "legislation" not in tags.topics
    assert "regulation" in tags.topics


def test_a_parliament_passing_a_bill_is_legislation(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Parliament passes crypto asset bill",
        "Lawmakers voted 140-32 for the bill, which now goes to the president to be signed into law.",
    )
    assert "legislation" in tags.topics


# -- a pilot is a CBDC's only beside a central bank ----------------------------------------------


def test_a_bare_pilot_is_not_cbdc(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "City government starts pilot of blockchain land records",
        "The municipal government will move property records onto a shared ledger in a pilot "
        "covering two districts.",
    )
    assert "cbdc" not in tags.topics
    assert "public-sector-adoption" in tags.topics


def test_a_central_bank_pilot_is_cbdc(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Central bank widens digital currency pilot to three more cities",
        "The central bank said the pilot wallets will be offered by eight commercial banks.",
    )
    assert tags.topics[:1] == ("cbdc",)


def test_a_pilot_zone_is_industrial_policy(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Province names blockchain pilot zone with tax breaks for start-ups",
        "The provincial government said firms in the pilot zone get rent subsidies for three years.",
    )
    assert "cbdc" not in tags.topics
    assert "industrial-policy" in tags.topics


def test_a_company_pilot_is_no_policy(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Payments start-up begins pilot with two retailers",
        "The firm says the trial lets shoppers pay from a wallet app at the till.",
    )
    assert not tags.policy


# -- Chinese, simplified and traditional alike --------------------------------------------------


def test_a_traditional_chinese_licensing_story_is_regulation(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "證監會向兩家虛擬資產交易平台批出牌照",
        "證監會表示，兩家平台已符合託管及反洗錢規定，持牌平台須定期提交審計報告。",
    )
    assert tags.topics[:1] == ("regulation",)


def test_a_district_clean_up_of_mining_is_enforcement(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "某市某区开展虚拟货币“挖矿”专项整治",
        "区发展改革局会同供电部门逐户排查数据机房，已关停三处“挖矿”点，并将线索移交公安机关。",
    )
    assert tags.topics[:1] == ("enforcement",)


def test_a_chinese_district_acting_is_its_government(tagger: Tagger) -> None:
    tags = tag(tagger, "兰州市开展虚拟货币挖矿清理整治", "")
    assert tags.policy


def test_a_product_launched_in_a_city_is_not_the_city_acting(tagger: Tagger) -> None:
    tags = tag(tagger, "一款钱包应用在杭州推出", "该应用支持多种代币，首月用户突破十万。")
    assert not tags.policy


def test_hong_kong_arrests_in_traditional_chinese_are_enforcement(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "海關拘捕兩男涉以虛擬資產清洗黑錢",
        "香港海關破獲一個懷疑利用虛擬資產清洗黑錢的集團，拘捕兩名男子，涉案金額約一億港元。",
    )
    assert tags.topics[:1] == ("enforcement",)


def test_a_taiwan_sandbox_story_is_regulation(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "金管會核准金融監理沙盒實驗　測試穩定幣跨境匯款",
        "金融監督管理委員會表示，實驗期間業者須遵守洗錢防制及資訊揭露規定。",
    )
    assert tags.topics[:1] == ("regulation",)


def test_a_tax_bureaus_blockchain_invoices_are_taxation(tagger: Tagger) -> None:
    tags = tag(tagger, "市税务局推行区块链电子发票", "税务局表示，全市纳税人可在线开具区块链电子发票。")
    assert tags.topics[:1] == ("taxation",)


# -- governments paying, holding and being paid in crypto ---------------------------------------


def test_a_city_accepting_crypto_for_taxes_is_public_sector_adoption(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "City to accept cryptocurrency for taxes and fees",
        "The city treasurer said residents can pay property taxes in bitcoin through a payment "
        "processor that converts the coins to dollars.",
    )
    assert tags.topics[:1] == ("public-sector-adoption",)


def test_a_merchant_accepting_bitcoin_is_not_policy(tagger: Tagger) -> None:
    tags = tag(
        tagger, "Yacht broker accepts bitcoin for charters", "Clients can now pay deposits in bitcoin."
    )
    assert not tags.policy


def test_a_state_reserve_is_public_sector_adoption(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "哈萨克斯坦拟将罚没加密资产纳入国家储备",
        "该国央行表示，将把司法程序中罚没的加密资产转入国家储备统一管理。",
    )
    assert "public-sector-adoption" in tags.topics


# -- where policy words sit ---------------------------------------------------------------------


def test_related_stories_below_a_company_story_do_not_make_it_policy(tagger: Tagger) -> None:
    body = (
        "The exchange said the new hot wallet system would go live next month.\n\n"
        "Its chief executive said customer numbers had doubled this year.\n\n"
        "Related: Senate passes stablecoin bill | Regulator fines broker over licence breach | "
        "Tax office targets crypto gains | Central bank widens digital currency pilot"
    )
    tags = tag(tagger, "Exchange upgrades its wallet system", "", body)
    assert not tags.policy


def test_a_court_ordering_seized_coins_sold_is_enforcement(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Court orders police to sell seized bitcoin",
        "The district court said coins seized from a fraud ring must be auctioned, with proceeds "
        "going to victims.",
    )
    assert tags.topics[:1] == ("enforcement",)


def test_a_regulatory_sandbox_is_regulation(tagger: Tagger) -> None:
    tags = tag(
        tagger,
        "Securities regulator admits three firms to its regulatory sandbox",
        "The commission said the firms may test tokenised fund services under lighter rules for a year.",
    )
    assert tags.topics[:1] == ("regulation",)


def test_a_chinese_word_that_holds_a_shorter_phrase_hides_it(tagger: Tagger) -> None:
    # 数字金融资产 holds 融资 (a funding round), which would read the headline as company news
    tags = tag(
        tagger,
        "某州议会通过数字金融资产法修正案",
        "州议会通过修正案，将数字资产业务牌照申请截止日期推迟一年。",
    )
    assert "legislation" in tags.topics


def test_a_phrase_is_listed_once_in_a_topic() -> None:
    with (DATA / "topics.toml").open("rb") as handle:
        data = tomllib.load(handle)
    for topic, table in data["topics"].items():
        anchored = [text for texts in table.get("anchored", {}).values() for text in texts]
        listed = [*table["strong"], *table["weak"], *anchored]
        assert len(listed) == len(set(listed)), topic  # a phrase listed twice would count twice
