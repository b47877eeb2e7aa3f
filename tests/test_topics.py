"""Which topics a policy story has: the taxonomy's rules, each on a story written for the test."""

from __future__ import annotations

import pytest

from digest.models import Tags
from digest.tagging import Tagger


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
