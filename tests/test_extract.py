"""What counts as an article: the text trafilatura finds, long enough to be a story."""

from __future__ import annotations

import subprocess
import sys

import pytest

from digest import extract
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


# -- what the parser is spared: big pages stay cheap -----------------------------------------

JSON_LD = (
    '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
    '"author": {"@type": "Person", "name": "Mara Quill"}, "datePublished": "2026-11-24"}</script>'
)


def test_what_trafilatura_never_reads_is_taken_out_before_parsing() -> None:
    unread = (
        '<script id="__NEXT_DATA__" type="application/json">{"props": "STATE"}</script>'
        "<SCRIPT>var tracker = 'TRACKER';</SCRIPT><style>.x { color: red } /* STYLE */</style>"
        '<svg viewBox="0 0 9 9"><path d="M0 0 L9 9"/><text>SVG</text></svg><!-- COMMENT <p>no</p> -->'
        '<img alt="chart" src="data:image/png;base64,' + "A" * 5000 + '">'
    )
    html = page(unread + paragraphs(STORY)).replace(b"</head>", JSON_LD.encode() + b"</head>")

    kept = extract.without_unread(html)

    for gone in (b"STATE", b"TRACKER", b"STYLE", b"SVG", b"COMMENT", b"AAAA"):
        assert gone not in kept
    assert JSON_LD.encode() in kept and b'src="data:,"' in kept
    article = extract_article(html, "http://127.0.0.1/news/1.html")
    assert article is not None
    assert STORY[0] in article.text
    assert article.author == "Mara Quill"  # read from the JSON-LD that stayed


def test_an_unterminated_script_takes_the_rest_of_the_page_as_a_parser_would() -> None:
    assert extract.without_unread(b"<p>before</p><script>var a = '<p>after</p>';") == b"<p>before</p>"
    assert extract.without_unread(b"<p>a</p><!-- <p>b</p>") == b"<p>a</p>"
    # Tags that only begin like these are kept.
    assert extract.without_unread(b"<scripted-box>x</scripted-box><svgs>y</svgs>") == (
        b"<scripted-box>x</scripted-box><svgs>y</svgs>"
    )


def test_a_page_just_under_the_size_cap_is_parsed_only_up_to_the_bound() -> None:
    """A story followed by 9 MB of comment thread: the story is found, and the parser saw at
    most PARSE_MAX_BYTES (before the bound, the run took 30 s on it and lost the story)."""
    comment = (
        b'<div class="comment"><span>reader</span><p>' + b"I disagree with the council. " * 3 + b"</p></div>"
    )
    html = page(paragraphs(STORY)).replace(
        b"</article>", b"</article>" + comment * (9_000_000 // len(comment))
    )

    trimmed = extract.without_unread(html)
    cut = extract.bounded(trimmed)

    assert len(cut) <= extract.PARSE_MAX_BYTES < len(html)
    assert trimmed.startswith(cut) and trimmed[len(cut) : len(cut) + 1] == b"<"  # before a tag, not in one
    article = extract_article(html, "http://127.0.0.1/news/1.html")
    assert article is not None
    assert STORY[-1] in article.text


def test_unclosed_tags_by_the_hundred_thousand_cost_one_pass() -> None:
    """Each unclosed `<meta` or `<script` once cost a scan to the end of the page: 9 s for
    60 KB of them. A generous bound for a hang, in a process of its own."""
    hostile = "b'<meta a<script a' * 200_000 + b'\\xe9'"
    code = (
        "from digest.decode import decode_page; from digest.extract import without_unread; "
        f"page = {hostile}; decode_page(page); without_unread(page)"
    )

    done = subprocess.run([sys.executable, "-c", code], timeout=30, check=False)

    assert done.returncode == 0
