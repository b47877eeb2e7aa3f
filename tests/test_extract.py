"""What counts as an article: the text trafilatura finds, long enough to be a story."""

from __future__ import annotations

import pytest

from digest.extract import MIN_ARTICLE_COLUMNS, extract_article


def page(body: str) -> bytes:
    return f"""<html><head><title>Ledger news</title></head><body>
    <nav><a href="/">Home</a> <a href="/policy">Policy</a></nav>
    <article><h1>Ledger news</h1>{body}</article>
    <footer>© Ledger news</footer></body></html>""".encode()


def paragraphs(sentences: list[str]) -> str:
    return "".join(f"<p>{sentence}</p>" for sentence in sentences)


STORY = [
    f"On day {day} of the session the council heard from {who} about the draft stablecoin rules."
    for day, who in enumerate(["exchanges", "banks", "wallet makers", "consumer groups", "auditors"], 1)
]
# Six sentences of ~38 Chinese characters: fewer characters than the threshold, as many
# columns as ~80 English words.
WIDE_STORY = [
    "北京市发布区块链创新发展行动计划，提出设立专项基金支持企业开展底层技术研究。",
    "海南自由贸易港将扩大数字人民币试点，覆盖更多离岛免税商店和跨境支付场景。",
    "深圳市地方金融监管部门表示，将对虚拟资产交易平台开展专项检查和风险排查。",
    "雄安新区管委会介绍，区块链资金管理平台已覆盖新区大部分建设项目的工程款支付。",
    "上海市出台政策，鼓励金融机构在供应链金融和贸易融资领域应用分布式账本技术。",
    "广州市将建设区块链产业园，吸引相关企业落户并给予租金和人才方面的支持。",
]


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        (paragraphs(STORY), True),
        (paragraphs(["Subscribe to read the full story."]), False),  # a paywall notice
        (paragraphs(WIDE_STORY), True),
    ],
)
def test_an_article_needs_enough_text(body: str, kept: bool) -> None:
    article = extract_article(page(body), "http://127.0.0.1/news/1.html")
    assert (article is not None) == kept


def test_the_length_test_counts_columns_not_characters() -> None:
    wide = "链" * (MIN_ARTICLE_COLUMNS // 2 + 20)  # fewer characters than the threshold
    narrow = "a" * (MIN_ARTICLE_COLUMNS // 2 + 20)
    assert extract_article(page(f"<p>{wide}</p>"), "http://127.0.0.1/a") is not None
    assert extract_article(page(f"<p>{narrow}</p>"), "http://127.0.0.1/b") is None
