"""A page's furniture is blanked out of an article's text before it is read; the story stays.

Every page here is written for the test, in the shapes extracted pages take: menus, bylines,
time stamps, captions, datelines, "Read more" lines, lists of other stories, bios, newsletter
blurbs, disclaimers, in English and in Chinese (simplified and traditional)."""

from __future__ import annotations

import pytest

from digest.models import Tags
from digest.tagging import Tagger
from digest.tagging.boilerplate import lead_span, story_text, without_stamps


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger()


def kept(body: str, title: str = "") -> list[str]:
    """The lines of `body` that stay, as they stay (datelines blanked), stripped."""
    story = story_text(body, title)
    assert len(story) == len(body)
    assert [i for i, c in enumerate(story) if c == "\n"] == [i for i, c in enumerate(body) if c == "\n"]
    return [line.strip() for line in story.split("\n") if line.strip()]


def regions(tags: Tags) -> list[str]:
    return [region.code for region in tags.regions]


STORY_EN = (
    "The Bank of Nerovia said on Tuesday it would require every crypto exchange serving local "
    "customers to hold a licence from next July, and to keep client money apart from its own."
)
MORE_STORY_EN = (
    "Officials said the rules followed a consultation that drew more than 200 responses from banks, "
    "exchanges and consumer groups over the summer."
)

PAGE_EN = "\n".join([
    "Markets | Policy | Tech | Opinion",
    "Nerovia's central bank sets licence deadline for crypto exchanges",
    "By Ada Quill, Senior Correspondent",
    "Published Dec 2, 2026, 6:15 p.m. ET",
    "Listen to this article · 4 min",
    "",
    STORY_EN,
    "",
    "The central bank's headquarters in the capital. (Photo: File)",
    "",
    MORE_STORY_EN,
    "",
    "Read more: Singapore regulator fines exchange over marketing breaches",
    "",
    "Ada Quill covers payments and regulation for Ledger Weekly from Lisbon.",
    "Sign up for The Ledger Letter, our free morning briefing. Delivered to your inbox every weekday.",
    "",
    "Most read",
    "Hong Kong's SFC approves two more trading platforms",
    "Dubai's VARA fines seven firms over marketing breaches",
    "Wyoming lawmakers weigh a state stablecoin",
    "",
    "We use cookies to improve your experience. By continuing to browse, you agree to our use of cookies.",
    "© 2026 Ledger Weekly Media Ltd. All rights reserved.",
])  # fmt: skip


def test_an_english_page_keeps_only_its_story() -> None:
    assert kept(PAGE_EN, "Nerovia's central bank sets licence deadline for crypto exchanges") == [
        STORY_EN,
        MORE_STORY_EN,
    ]


def test_the_lead_is_the_first_story_paragraph() -> None:
    start, end = lead_span(PAGE_EN, story_text(PAGE_EN))
    assert PAGE_EN[start:end] == STORY_EN


PAGE_ZH = "\n".join([
    "2026-11-17 07:40　来源：某某日报　作者：林晓",
    "市民在服务大厅使用数字人民币办理业务。记者 林晓 摄",
    "本报讯（记者 林晓）11月16日起，某市住房公积金管理中心正式上线数字人民币缴存功能，单位和个人可通过合作银行渠道缴存。",
    "据介绍，采用数字人民币缴存后，资金实时到账，并可借助智能合约实现按月自动缴存，减少了人工核对环节。",
    "责任编辑：林晓",
    "相关阅读",
    "· 香港证监会发布稳定币监管咨询总结",
    "· 美国怀俄明州立法机构审议稳定币法案",
    "新加坡金管局收紧零售加密服务",
    "风险提示：本文内容仅供参考，不构成投资建议。",
    "长按二维码关注，每天早八点推送行业早报。",
])  # fmt: skip


def test_a_chinese_page_keeps_only_its_story() -> None:
    lines = kept(PAGE_ZH)
    assert len(lines) == 2
    assert lines[0].startswith("11月16日起")  # the paper's own dateline and reporter are gone
    assert lines[1].startswith("据介绍")


def test_a_traditional_chinese_page_keeps_only_its_story() -> None:
    story = "司法警察局昨日公布偵破一宗以虛擬資產投資為名的詐騙案，拘捕八名男女，涉款總額超過五千萬澳門元。"
    page = "\n".join([
        "某某日報訊　記者：陳大文",
        "2026-12-03　09:30",
        story,
        "（圖片說明：警方展示搜獲的硬件錢包及手機。）",
        "延伸閱讀：",
        "．台灣金管會推虛擬資產業許可辦法",
        "．橫琴合作區設數字資產創新基金",
        "本報網站所載內容，未經許可不得轉載。",
    ])  # fmt: skip
    assert kept(page) == [story]


def test_a_subheading_and_a_list_inside_the_story_stay() -> None:
    page = "\n".join([
        STORY_EN,
        "What the rules require",
        "The central bank said exchanges must meet three conditions:",
        "- A licence from the central bank",
        "- Client money held in trust at a local bank",
        "- An annual audit of reserves",
        MORE_STORY_EN,
        "The measures take effect in stages:",
        "- Registration by March",
        "- Full licences by July",
    ])  # fmt: skip
    assert kept(page) == page.split("\n")


def test_a_chinese_list_of_measures_stays() -> None:
    page = "\n".join([
        "某区人民政府近日印发《关于支持区块链产业发展的若干措施》，从以下方面支持企业发展：",
        "（一）加大资金扶持力度",
        "（二）支持应用场景建设",
        "（三）强化人才保障",
        "对符合条件的企业，按其年度研发投入的百分之十给予补贴，单个企业每年最高五百万元。",
    ])  # fmt: skip
    assert kept(page) == page.split("\n")


def test_a_schedule_an_interview_and_broken_lines_stay() -> None:
    page = "\n".join([
        STORY_EN,
        "March 1 - Registration opens for existing exchanges",
        "July 1 - Licences required for every exchange",
        "Sept. 30 - First audits of client money due",
        "Q: Will foreign exchanges need a licence?",
        "A: Only those serving local customers",
        "Officials said the deadline could move if the",
        "parliament delays the enabling law,",
        "and banks asked for more time",
        MORE_STORY_EN,
    ])  # fmt: skip
    assert kept(page) == page.split("\n")


def test_a_related_line_and_its_list_go() -> None:
    page = "\n".join([
        STORY_EN,
        "Related: Hong Kong's SFC approves two more trading platforms",
        "- Dubai's VARA fines seven firms over marketing breaches",
        "- Wyoming lawmakers weigh a state stablecoin",
        MORE_STORY_EN,
        "Follow Ledger Weekly on Facebook, Twitter and Instagram.",
        "twitter.com/ledgerweekly",
    ])  # fmt: skip
    assert kept(page) == [STORY_EN, MORE_STORY_EN]


def test_a_run_of_bare_headlines_is_another_story_list() -> None:
    page = "\n".join([
        STORY_EN,
        "Hong Kong's SFC approves two more trading platforms",
        "Dubai's VARA fines seven firms over marketing breaches",
        "Wyoming lawmakers weigh a state stablecoin",
        MORE_STORY_EN,
    ])  # fmt: skip
    assert kept(page) == [STORY_EN, MORE_STORY_EN]


@pytest.mark.parametrize(
    ("line", "left"),
    [
        (
            "DUBAI, Oct 3 (Reuters) - El Salvador's Congress voted on Tuesday.",
            "El Salvador's Congress voted on Tuesday.",
        ),
        (
            "HONG KONG — The city's regulator granted two licences.",
            "The city's regulator granted two licences.",
        ),
        ("ASUNCIÓN — A miner energised a second hall.", "A miner energised a second hall."),
        (
            "SINGAPORE, Dec. 3, 2026 /PRNewswire/ -- A wallet maker raised funds.",
            "A wallet maker raised funds.",
        ),
        ("Dubai, Oct 3 (Reuters) - Bitcoin fell.", "Bitcoin fell."),
        (
            "新华社北京3月5日电（记者 王明）国务院常务会议审议通过相关条例。",
            "国务院常务会议审议通过相关条例。",
        ),
        ("（中央社記者林佳蓉香港3日電）警方展開專項行動。", "警方展開專項行動。"),
        ("本報綜合報道）財政部研擬修法。", "財政部研擬修法。"),
    ],
)
def test_a_dateline_goes_and_its_sentence_stays(line: str, left: str) -> None:
    blanked = without_stamps(line)
    assert len(blanked) == len(line)
    assert blanked.strip() == left


@pytest.mark.parametrize(
    "line",
    [
        "The exchange, founded in Hong Kong — and now based in Dubai — said it would comply.",
        "Binance, on Dec 3, said it would comply.",
        "SEC staff — not the commission — wrote the letter.",
    ],
)
def test_a_dash_inside_a_sentence_is_no_dateline(line: str) -> None:
    assert without_stamps(line) == line


def test_a_place_named_for_its_clock_is_blanked() -> None:
    assert without_stamps("The ban starts at midnight Beijing time on Friday.") == (
        "The ban starts at midnight              on Friday."
    )
    assert "北京" not in without_stamps("北京时间周五晚间，美国公布了就业数据。")


@pytest.mark.parametrize(
    "line",
    [
        "Users can sign up for free accounts through the app from Monday.",
        "Investors can subscribe to the tokenised fund through their brokers.",
        "Data compiled by the central bank show transfers rose 12% in the quarter.",
        "Police said the platform had moved client funds without permission.",
        "The exchange updated its terms of service to bar customers in the United States.",
        "Comments on the draft rules are due by January 8.",
        "Terms of the deal were not disclosed.",
        "Kraken is based in San Francisco.",
        "The Act covers exchanges, custodians and stablecoin issuers from next year.",
        "监管部门发布风险提示，提醒公众警惕以虚拟货币为名的非法集资活动。",
        "市民打开App扫码支付，即可使用数字人民币缴纳停车费。",
        "警方表示，该团伙未经许可从事虚拟货币兑换业务。",
    ],
)
def test_story_sentences_that_sound_like_furniture_stay(line: str) -> None:
    assert kept(line) == [line]


@pytest.mark.parametrize(
    "line",
    [
        "Jane Doe is a senior reporter covering digital assets in Asia.",
        "Pieter van der Merwe covers fintech from Cape Town.",
        "(Reporting by A. Writer; Editing by B. Editor)",
        "Additional reporting by C. Writer in Seoul.",
        "Keith Example contributed reporting from Hong Kong.",
        "Get the week's policy news in one email. Subscribe to The Ledger Letter - it's free.",
        "Nothing on this site constitutes investment advice.",
        "Editor's note: This article has been updated to correct a figure.",
        "Share on X  Share on LinkedIn  Copy link",
        "Home > News > Policy",
        "Updated 10:32 HKT",
        "December 2, 2026 8:05 PM GMT+8 · Beijing time",
        "发布时间：2026-11-20 09:30　来源：某某日报",
        "【字体：大 中 小】【打印】【关闭窗口】",
        "图为执法人员现场检查矿机设备。",
        "（编辑：王晓　审核：区政府办）",
        "免責聲明：本網內容只供參考。",
    ],
)
def test_furniture_lines_go(line: str) -> None:
    assert kept(line) == []


def test_a_meta_line_keeps_the_authority_that_issued_the_page() -> None:
    assert kept("某某县人民政府　　发布日期：2026-11-23　　浏览次数：2240") == ["某某县人民政府"]
    assert kept("发布时间：2026-11-29　来源：河北雄安新区管理委员会") == ["河北雄安新区管理委员会"]


def test_the_headline_again_in_the_body_is_not_read_twice() -> None:
    title = "Nerovia's central bank sets licence deadline"
    assert kept(f"{title}\n\n{STORY_EN}", title) == [STORY_EN]


# -- through the tagger ------------------------------------------------------------------------


def test_a_dateline_and_a_related_list_are_no_regions(tagger: Tagger) -> None:
    body = "\n".join([
        "DUBAI, Oct 3 (Reuters) - El Salvador's Legislative Assembly on Tuesday passed a bill amending "
        "the bitcoin law, making acceptance of the currency voluntary for merchants.",
        "Lawmakers approved the legislation by a wide margin, and the central bank will issue "
        "regulations for payment providers within ninety days.",
        "Most read",
        "Hong Kong's SFC licenses two more trading platforms",
        "Singapore's MAS fines an exchange over marketing breaches",
        "Wyoming lawmakers pass a state stablecoin bill",
    ])  # fmt: skip
    tags = tagger.tag("El Salvador lawmakers pass bitcoin law amendment", "", body)
    assert tags.policy
    assert regions(tags) == ["SV"]
    quoted = [e.sentence for e in tags.evidence if e.where == "body"]
    assert quoted
    assert all(sentence in body for sentence in quoted)  # evidence quotes the page as written


def test_a_related_list_alone_does_not_make_a_story_policy(tagger: Tagger) -> None:
    body = "\n".join([
        "A bitcoin miner said this week it had energised a second 40-megawatt hall at its campus, "
        "bringing its installed capacity to 80 megawatts.",
        "The new hall houses about 13,000 machines bought during the summer price slump.",
        "You may also like",
        "Nigeria's SEC issues new rules for token offerings",
        "Thailand's SEC approves tokenised government bond sale",
        "Georgia county tax office weighs bitcoin payments",
    ])  # fmt: skip
    tags = tagger.tag("Miner doubles capacity at hydro-powered site", "", body)
    assert not tags.policy
