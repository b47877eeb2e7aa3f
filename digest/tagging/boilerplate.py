"""What of an article page's text is its story, and what is the page around it.

An article's text comes from a real page through trafilatura, which keeps much of the page's
furniture: menus and share bars, bylines and time stamps, captions and credits, "Read more"
lines, lists of other stories (headlines naming other places and other policies), author bios,
newsletter blurbs, disclaimers and copyright lines. None of it is the story, and its places and
policy words must not be read as the story's (spec/cli.md, "Never a region").

`story_text` blanks that furniture out: every character of it becomes a space and every line
break stays, so the offsets of what is left are the original text's and evidence still quotes
the story as written. It works line by line (trafilatura gives a paragraph a line), with a few
cheap checks a line: linear in the text, and small next to the matching.

A line is read as one of:
- furniture by its own cues (a menu, a byline, a time stamp, a caption, a bio, a sign-up blurb,
  a disclaimer, an editor's line, the story's own headline again), blanked whole;
- a Chinese page's meta line (publication date, source, clicks), blanked but for the authority
  that issued the page, which is the story's actor;
- a heading over other stories ("Related", "Most read", 相关阅读, 延伸閱讀), blanked with the
  headline-like lines under it;
- headline-like (short, no sentence punctuation): kept, unless it is one of a run of such lines
  under a heading, at the end of the page after the last story paragraph, or three or more bare
  ones in a row (a block of other stories' links: a list inside the story comes bulleted or
  numbered, or after a line that announces it with a colon, and stays);
- story: kept, less a dateline at its start ("DUBAI, Oct 3 (Reuters) -", 新华社北京3月5日电) and
  the places named only for their clocks ("Beijing time", 北京时间).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import NamedTuple

HEADLINE_MAX_WORDS = 20  # a headline or a menu item; a story paragraph is longer ...
HEADLINE_MAX_CJK = 40  # ... or ends in a full stop
FURNITURE_MAX_WORDS = 60  # a line that names itself furniture is no longer than this ...
FURNITURE_MAX_CJK = 120
BLURB_MAX_WORDS = 50  # ... and a newsletter blurb, a disclaimer or a cookie notice than this
UI_MAX_WORDS = 12  # a share bar, a "Comments" or "Advertisement" line
MENU_MAX_WORDS = 30
STAMP_MAX_WORDS = 12  # "Published Dec 2, 2026, 6:15 p.m. ET"
ITEM_MAX_WORDS = 40  # an item under a "Related" heading: a headline and its teaser
LEAD_MIN_WORDS = 15  # a shorter first line is a caption or a dek, not the lead paragraph
BARE_RUN = 3  # this many bare headline-like lines in a row are links to other stories

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORDS = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’.-][A-Za-z\u00c0-\u024f]+)*|\d[\d,.]*")
# Sentence punctuation at a line's end, before closing quotes and brackets: a story paragraph,
# a caption or a blurb ends so; a headline, a menu or a name does not.
_CLOSERS = "'\"”’」』)）] \t"
_FULL_STOPS = ".。!！;；:：…"
# A list item: a bullet, or a number or an ordinal ("1.", "(1)", the Chinese "one," and
# "article one" forms), or a date ("June 9 - ...": a schedule, not a headline).
_BULLET = re.compile(r"\s*[-–—•·．・▪■□◆◇►▶▸»※*+]")
_ENUMERATED = re.compile(
    r"\s*(?:\(?\d{1,2}[.)、]|\(?[a-z][.)]\s|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、.．]"
    r"|第[一二三四五六七八九十百\d]+[条條章节節款项項])"
)

# Headings over lists of other stories, alone on their line (brackets, a colon or an ellipsis
# around them allowed): "Related stories", "Most read", "More from Hashrate Weekly".
_HEADING_EN = re.compile(
    r"\W*(?:related(?: (?:stories|articles|news|coverage|content|links|posts|reading|topics|video))?"
    r"|read (?:more|next|also)|also read|see (?:also|more)|keep reading"
    r"|recommended(?: for you| stories| reading)?|further reading|what to read next|up next"
    r"|more (?:from|on|about|in|stories|news|headlines|coverage|to read|reading|like this)\b[^.!?]{0,40}"
    r"|most (?:read|popular|viewed|shared|emailed|commented)\b[^.!?]{0,30}"
    r"|popular (?:on|in|now)\b[^.!?]{0,30}|trending(?: now| stories| news)?"
    r"|top (?:stories|news|headlines)|latest (?:news|stories|headlines|articles)"
    r"|you (?:may|might) (?:also )?(?:like|enjoy|be interested in|have missed)|don'?t miss"
    r"|editor'?s (?:picks?|choice)|in other news|other (?:stories|news|notices)[^.!?]{0,30}"
    r"|more|also|elsewhere|recent (?:posts|stories|articles))\W*$",
    re.IGNORECASE,
)
_HEADING_ZH = re.compile(
    r"\W*(?:相[关關]|推[荐薦]|延伸|[热熱][门門点點]|精彩|更多|最新|往期|[编編][辑輯]|[为為]你|猜你|你可能"
    r"|大家都在|[阅閱][读讀]|[点點][击擊]|今日|本[周週]|[专專][题題]|其他)"
    r"[\u4e00-\u9fff]{0,4}?(?:[阅閱][读讀]|[新][闻聞]|文章|[报報][道导導]|[链鏈][接]|推[荐薦]|喜[欢歡]|排行"
    r"|回[顾顧]|[资資][讯訊]|看|[关關]注|[热熱][点點]|[内內]容|[专專][题題]|[视視][频頻])\W*$"
)
# Another story's headline after its label, on one line: "Read more: ...", "[Related: ...]".
_INLINE_RELATED = re.compile(
    r"\W*(?:(?:related|read (?:more|next|also)|also read|see (?:also|more)|more|also|recommended"
    r"|further reading|watch|listen|don'?t miss|must read|related (?:story|article|post|coverage|news))"
    r"\s*[:：|]|also on [\w.-]+\.(?:com|net|org)\b)",
    re.IGNORECASE,
)
_INLINE_RELATED_ZH = re.compile(
    r"\W*(?:相[关關]|推[荐薦]|延伸|[热熱][门門]|更多|[编編][辑輯]推[荐薦])[\u4e00-\u9fff]{0,4}[：:]\s*\S"
)

# English furniture that names itself. Most story paragraphs are short enough to be taken for
# furniture by length alone, so every cue is one a story sentence does not use. The ones that
# open a line are matched there; the others are searched for only in a line holding one of
# their words (a search of every line for all of them would cost more than the matching).
_FURNITURE_EN_START = re.compile(
    r"\W*(?:subscribe\b|\(?\s*(?:additional )?(?:reporting|editing|writing) by\b|source\s*:|copyright\b"
    r"|(?:photo|photograph|image|picture|caption|credit|illustration|file photo|pictured|top image"
    r"|main image)\s*[:：|]|(?:disclaimer|disclosure|editor'?s note|correction|clarification)\s*[:：]"
    r"|comments?\s*\(\d+\)|(?:accessibility|about (?:us|legal notices|public notices"
    r"|this (?:notice|site|page)))\s*[:：]|(?:filed under|tags?|topics?|categor(?:y|ies))\s*[:：]"
    r"|thanks for (?:signing up|subscribing)|like this (?:story|article)\?"
    r"|follow\b.{0,80}\bon (?:twitter|x|facebook|instagram|linkedin|telegram|threads|youtube)\b"
    r"|https?://\S+$|www\.\S+$|[\w.-]+\.(?:com|net|org)/\S*$|\[[^\]]{1,30}\]$)",
    re.IGNORECASE,
)
# Share bars, players, adverts and site links: a short line that is nothing else.
_UI_EN = re.compile(
    r"\W*(?:(?:share|tweet|print|e-?mail|comments?|\d+ comments?|advertisement|sponsored(?: content)?"
    r"|reprints|video|audio|menu|search|log ?in|sign in|home)\W*$"
    r"|share (?:this|on|via)\b|print (?:article|this)|e-?mail (?:this|article)|story continues"
    r"|continue reading|listen to (?:this|the) (?:article|story)|\d+ min(?:ute)?s? read|play video"
    r"|watch(?: the)? video|click here|tap here|open in app|download (?:the|our) app|order reprints"
    r"|copy link|skip to|back to top|jump to|.*\bclick(?:ing)? here\b)",
    re.IGNORECASE,
)
_CAPTION_CREDIT = re.compile(
    r"\((?:photo|file photo|photograph|image|picture|pictured|credit|illustration|video|graphic)\b"
    r"[^()]*\)\W*$",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[a-z]{2,}\b", re.IGNORECASE)


def _spelled(words: str) -> frozenset[str]:
    """Words as a line split on spaces holds them: bare, or with the punctuation around them."""
    return frozenset(
        spelling
        for word in words.split()
        for spelling in (word, *(word + mark for mark in ".,:;!?)'\"”’"), *(mark + word for mark in '("“‘'))
    )


_CUES_EN = tuple(
    (_spelled(words), re.compile(cues, re.IGNORECASE))
    for words, cues in (
        (  # reporters' credits and contacts
            "contributed write contact reach tip",
            r"\bcontributed (?:reporting|to this (?:report|story|article))|\bhave a (?:news )?tip\b"
            r"|\b(?:write to|contact|reach) (?:the (?:reporter|author|writer|editor)s?\b|us at)",
        ),
        (  # photo agencies' credits
            "getty shutterstock istock ap afp reuters",
            r"\b(?:getty images|shutterstock|istock|ap photo|afp photo|reuters/|/reuters|via getty)\b",
        ),
        (  # cookies and copyright
            "(c) copyright reserved cookie cookies reproduction reproduced reproduce",
            r"\(c\) ?\d{4}|\bcopyright (?:\d{4}|©)|\ball rights reserved\b"
            r"|\bcookie (?:policy|notice|settings)"
            r"|\b(?:use|uses|accept|manage) (?:of )?(?:all )?cookies\b"
            r"|\breproduc\w* (?:\w+ ){0,3}without (?:\w+ ){0,2}permission",
        ),
        (  # disclaimers
            "advice informational information data",
            r"\bnot (?:constitute|intended as|be (?:construed|considered|taken) as) (?:\w+ ){0,2}"
            r"(?:investment|financial|legal|tax) advice"
            r"|\bconstitutes? (?:\w+ ){0,2}(?:investment|financial) advice"
            r"|\bfor (?:general )?informational purposes only\b|\bfor information (?:purposes )?only\b"
            r"|\bmarket data (?:provided|powered) by\b",
        ),
        (  # affiliate disclosures
            "affiliate earn share commission",
            r"\b(?:may|might|could) (?:earn|get|receive) (?:an? )?(?:affiliate )?"
            r"(?:commission|share of (?:the )?sales?)\b|\baffiliate (?:links?|commissions?)\b",
        ),
        (  # corrections, comment threads, a list of other stories inside a line
            "updated corrected join log notices stories headlines",
            r"\b(?:this|an earlier version of this) (?:article|story) (?:has been|was) (?:updated|corrected)"
            r"|\bjoin the (?:discussion|conversation)\b"
            r"|\blog in (?:or (?:create|register|sign up)|to (?:comment|join|reply))\b"
            r"|\b(?:other|more) (?:notices|stories|headlines)(?: this week| today)?\s*:",
        ),
    )
)

_EN_TRIGGERS = frozenset().union(*(words for words, _ in _CUES_EN))
# A newsletter blurb offers the reader a mailing: a mailing word, and a word that offers it.
# "Subscribe" and "sign up" are also how a story says investors buy a fund or users join an
# app, so they count only with what is offered: an email, a briefing, for free.
_MAILING = _spelled("newsletter newsletters inbox unsubscribe mailing")
_OFFER = _spelled("you your our free click sign subscribe email daily weekly")
_SIGNING = _spelled("sign signing subscribe")
_MAILED = _spelled("newsletter newsletters email e-mail inbox briefing alerts")
# Bylines and bios: capitals tell a name, so these keep their case.
_BYLINE = re.compile(r"\W*(?:[Bb]y|BY|[Ww]ords by|[Pp]hotos? by|[Tt]ext by)\s+[A-ZÀ-Þ]")
_BIO = re.compile(
    r"(?!(?:The|This|That|These|Those|Its|Their|Our|A|An)\b)[A-ZÀ-Þ][\w'’.-]+"
    r"(?: (?:[A-ZÀ-Þ][\w'’.-]+|van|von|der|den|de|da|del|della|la|le|bin|al|el|di|du|dos|das)){1,4} (?:"
    r"is (?:an?|the) (?:[\w-]+ ){0,4}(?:reporter|correspondent|editor|writer|journalist|columnist)"
    r"|(?:covers|has covered|has been covering|reports on|writes about) (?:[\w,&-]+ ){0,8}?"
    r"(?:for|from|at|in) [A-Z])"
)

# Time stamps: a date or a clock, with at most a label.
_STAMP_START = re.compile(
    r"\W*(?:published|updated|posted|last updated|first published|modified|dated?|issued|released|created)\b",
    re.IGNORECASE,
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = re.compile(
    rf"\b{_MONTH}\.? \d{{1,2}}\b|\b\d{{1,2}} {_MONTH}\b|\b\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}\b"
    r"|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b|\d{4}年\d{1,2}月\d{1,2}日|\b\d{1,2}:\d{2}\b|\d{1,2}月\d{1,2}日",
    re.IGNORECASE,
)
_DATE_FIRST = re.compile(rf"\s*(?:{_MONTH}\.? \d|\d{{1,2}} {_MONTH}\b)", re.IGNORECASE)
_ALPHA_WORD = re.compile(r"[A-Za-z]+")

# Menus and breadcrumbs: "Markets | Policy | Tech", "Home > News", "Menu  Search  Subscribe".
_MENU_MARK_ANY = re.compile(r"[|·•»›>/\u3000｜]|\s\s")
_MENU_MARK = re.compile(r"\s[|·•»›>]\s|[|｜]")
_MENU_SEPARATOR = re.compile(r"\s+[|·•»›>/]\s+|\s{2,}|\u3000+|[|｜]")

# A Chinese page's meta line, in simplified and traditional: the publication time, the source,
# the author, the editor, the reviewer, the clicks, the font-size bar, each a label and a colon.
# Only a line that is no sentence is one.
_META_ZH = re.compile(
    r"(?:[发發][布佈表]|更新|[来來]源|作者|[记記]者|[编編][辑輯]|[责責][编編]|[审審][核校]|校[对對]|[浏瀏][览覽]"
    r"|[点點][击擊]|[时時][间間]|日期|字[号號体體]|[摄攝]影|供稿|出[处處]|稿源|[图圖]片|[图圖]文|撰文|撰稿)"
    r"(?:[时時][间間]|日期|次[数數]|[数數]|人|量)?\s*[：:]"
    r"|^\W*(?:[编編][辑輯]|[责責]任[编編][辑輯]|[责責][编編]|[记記]者|作者|[来來]源|[审審]核|[摄攝]影)"
    r"\s*[：: ]"
)
# The authority a government page's meta line names: a people's government, a commission, a
# bureau, standing on its own between the line's fields.
_ISSUER = re.compile(
    r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2,24}?(?:人民政府|政府|委[员員]会|委[员員]會|管委[会會]|[局厅廳署])"
    r"(?![\u4e00-\u9fff])"
)
# Chinese furniture anywhere in a short line: follow-us and QR-code blurbs, share and print
# bars, the investment disclaimer, the copyright and reprint notice, the site's registration
# numbers, photo notes. Looked for as plain substrings, by their first character.
_FURNITURE_ZH = (
    "扫码关注", "掃碼關注", "扫码下载", "掃碼下載", "扫码订阅", "掃碼訂閱", "扫一扫在手机", "掃一掃在手機",
    "扫一扫分享", "掃一掃分享", "扫一扫关注", "掃一掃關注", "长按二维码", "長按二維碼", "识别二维码",
    "識別二維碼", "二维码关注", "二維碼關注", "关注我们", "關注我們", "关注公众号", "關注公眾號",
    "微信公众号", "微信公眾號", "订阅我们", "訂閱我們", "订阅号", "訂閱號", "订阅本", "訂閱本", "分享到",
    "转发到", "轉發到", "打印本页", "打印本頁", "关闭窗口", "關閉窗口", "【打印】", "【关闭】", "【關閉】",
    "不构成投资建议", "不構成投資建議", "不构成任何投资建议", "不構成任何投資建議", "仅供参考", "僅供參考",
    "只供参考", "只供參考", "版权所有", "版權所有", "不得转载", "不得轉載", "禁止转载", "禁止轉載",
    "转载请注明", "轉載請註明", "备案号", "備案號", "ICP备", "ICP證", "网站标识码", "網站標識碼",
    "违法和不良信息", "違法和不良信息", "作者简介", "作者簡介", "图片来源", "圖片來源", "图片说明",
    "圖片說明",
)  # fmt: skip
# ... and at its start: the risk warning, the disclaimer, the author's note, a caption.
_FURNITURE_ZH_START = re.compile(
    r"\W*(?:[风風][险險]提示|免[责責][声聲]明|特[别別][声聲]明|作者[系係为為]|本文(?:[仅僅]|只)?代表"
    r"|[图圖](?:[为為]|[：:]|片))"
)
# A photo's credit closes its caption: the photographer's "shot", an agency's "picture", a
# source's "supplied picture" or "file picture", alone or in brackets.
_CREDIT_END = (
    "摄",
    "攝",
    " 图",
    " 圖",
    "\u3000图",
    "\u3000圖",
    "供图",
    "供圖",
    "资料图",
    "资料图片",
    "資料圖片",
)
_CREDIT_IN_BRACKETS = ("发", "發", "摄", "攝", "供图", "供圖", "资料图片", "資料圖片")

# Datelines. English: a city in capitals, maybe a region, a date and an agency, then a dash.
_DATELINE_EN = re.compile(r"\W{0,2}([^\n—–]{2,60}?)\s*(?:—|–|--|\s-)\s+(?=\S)")
_AGENCY = re.compile(
    r"\((?:Reuters|AP|AFP|Bloomberg|Xinhua|Kyodo|Yonhap|dpa|UPI|CNN|CNBC|IANS|PTI|ANI|AAP|EFE|ANSA|TASS"
    r"|Interfax|Dow Jones|[A-Z][\w ]{0,20}(?:Newswire|Wire|News|Press))\)|/[A-Za-z ]*(?:Newswire|Wire)/"
)
_DATELINE_AGENCY = re.compile(
    r"\((?:Reuters|AP|AFP|Bloomberg|CNN|CNBC|Xinhua|Kyodo|Yonhap|dpa|UPI|IANS|PTI)\)\s*[—–-]*\s*"
)
# Chinese: an agency's city-and-day dispatch ("...3月5日电"), a paper's or a site's own report
# ("本报讯", "...網消息", "本報綜合報道"), a reporter's city ("記者X, slash, 台北報導"), with the
# reporter's name in brackets after it.
_DATELINE_ZH = re.compile(
    r"\s*[【\[（(]?(?:"
    r"[^\s，。：:、（(【\[]{1,12}?(?:\d{1,2}月)?\d{1,2}日(?:电|電|讯|訊)(?=[\s（(：:，,】\]）)]|$)"
    r"|[^\s，。：:、（(【\[]{0,10}(?:报|報|网|網|社|台|刊)(?:讯|訊|专讯|專訊|消息|报道|報道)"
    r"|本(?:报|報)(?:综合|綜合)(?:报道|報道|外电|外電|消息)"
    r"|[记記]者[^】\]）)\n]{1,12}[／/][^】\]）)\n]{1,8}(?:[报報][道导導]|[电電]|[讯訊])"
    r")[】\]）)]?(?:\s*[（(][^）)\n]{0,30}[）)])?[\s：:，,]*"
)
# A place named for its clock: "10:00 a.m. Beijing time", "Hong Kong time", and in Chinese.
_CLOCK_EN = re.compile(r"\b(?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+ (?:[Ss]tandard |[Dd]aylight )?[Tt]ime\b")
_CLOCK_ZH = re.compile(
    r"(?:北京|香港|澳[门門]|台北|臺北|[东東]京|首[尔爾]|新加坡|[纽紐][约約]|[伦倫]敦|美[东東西]|美[国國][东東]部"
    r"|[欧歐]洲(?:中部)?|[当當]地|格林尼治|莫斯科|迪拜|杜拜|悉尼|雪梨|巴黎|柏林|法[兰蘭]克福|[华華]盛[顿頓]|日本"
    r"|[韩韓][国國]|中[国國]|[台臺][湾灣]|泰[国國]|越南|印度)[时時][间間]"
)


class _Kind(Enum):
    BLANK = 0
    FURNITURE = 1  # blanked whole by its own cues
    META = 2  # a Chinese page's meta line: blanked but for the authority that issued the page
    HEADING = 3  # over a list of other stories: blanked, with the list
    HEADLINE = 4  # short, no sentence punctuation: a subhead, a name, or another story's link
    ITEM = 5  # a bulleted or numbered line
    STORY = 6


# What a list of other stories runs on past: furniture between its items is still furniture.
_PAST = frozenset({_Kind.BLANK, _Kind.FURNITURE, _Kind.HEADING, _Kind.META})


class _Line(NamedTuple):
    text: str  # stripped
    words: int  # Latin words and numbers, and a word for every two Chinese characters
    cjk: int  # Chinese characters
    sentence: bool  # it ends in sentence punctuation


def story_text(body: str, title: str = "") -> str:
    """`body` with its page furniture blanked out, character for character."""
    if not body:
        return body
    lines = body.split("\n")
    headline = _folded(title)
    kinds = [_kind(line, headline) for line in lines]
    blanked = [kind in (_Kind.FURNITURE, _Kind.HEADING) for kind in kinds]
    _blank_under_headings(lines, kinds, blanked)
    _blank_tail(lines, kinds, blanked)
    _blank_bare_runs(lines, kinds, blanked)
    out: list[str] = []
    for line, kind, blank in zip(lines, kinds, blanked, strict=True):
        if blank:
            out.append(" " * len(line))
        elif kind is _Kind.META:
            out.append(_issuers_only(line))
        else:
            out.append(_without_stamps(line))
    return "\n".join(out)


def lead_span(body: str, story: str) -> tuple[int, int]:
    """Where the lead paragraph is, in `body` and its blanked `story`: the first line of the
    story that reads as a story paragraph, long enough not to be a caption or a dek; (0, 0)
    when there is none. A line is a paragraph: trafilatura gives one line break between
    paragraphs, so a lead running to the next blank line would be the whole article."""
    del body  # the blanked story has the body's offsets
    start = 0
    for line in story.split("\n"):
        if line.strip():
            measured = _measure(line.strip())
            if _prose(measured) and measured.words >= LEAD_MIN_WORDS:
                return start, start + len(line)
        start += len(line) + 1
    return 0, 0


def without_stamps(text: str) -> str:
    """A headline or a feed's summary less its datelines and clock phrases, character for character."""
    if "\n" not in text:
        return _without_stamps(text)
    return "\n".join(_without_stamps(line) for line in text.split("\n"))


def _kind(line: str, headline: str) -> _Kind:
    """What one line of the page is; `headline` is the story's title, folded, to know it again."""
    text = line.strip()
    if not text:
        return _Kind.BLANK
    measured = _measure(text)
    words, cjk = measured.words, measured.cjk
    if words <= 8 and cjk <= 12 and (_HEADING_EN.match(text) or _HEADING_ZH.match(text)):
        return _Kind.HEADING
    # "Read more: <another story>" is one, and often the first of a list.
    inline = _INLINE_RELATED_ZH if cjk else _INLINE_RELATED
    if words <= ITEM_MAX_WORDS and cjk <= HEADLINE_MAX_CJK * 2 and inline.match(text):
        return _Kind.HEADING
    if cjk and cjk <= FURNITURE_MAX_CJK and not measured.sentence and _META_ZH.search(text):
        return _Kind.META
    if _furniture(measured) or (abs(len(text) - len(headline)) <= 1 and _folded(text) == headline):
        return _Kind.FURNITURE
    if _BULLET.match(text) or _ENUMERATED.match(text) or _DATE_FIRST.match(text):
        return _Kind.ITEM
    return _Kind.STORY if _prose(measured) or _continued(text) else _Kind.HEADLINE


def _continued(text: str) -> bool:
    """A line that goes on from the one before or into the next ("which were released online,")
    or a question and its answer ("Q: ...", "A: ...") is part of the story, however short."""
    return text[0].islower() or text.endswith((",", "，", "、", "-")) or bool(_ANSWERED.match(text))


_ANSWERED = re.compile(r"(?:Q|A|Q\.|A\.|问|答|問)\s*[:：]")


def _measure(text: str) -> _Line:
    cjk = 0 if text.isascii() else len(_CJK.findall(text))
    words = len(_LATIN_WORDS.findall(text)) + cjk // 2 if cjk else len(text.split())
    return _Line(text, words, cjk, text.rstrip(_CLOSERS)[-1:] in _FULL_STOPS)


def _prose(line: _Line) -> bool:
    """A line that reads as a story paragraph: it ends in sentence punctuation, or is too long
    for a headline (a question is a headline while short)."""
    if line.words > HEADLINE_MAX_WORDS or line.cjk > HEADLINE_MAX_CJK:
        return True
    if line.text.rstrip(_CLOSERS)[-1:] in "?？":
        return line.words > 14 or line.cjk > 30
    return line.sentence


def _furniture(line: _Line) -> bool:
    text, words, cjk = line.text, line.words, line.cjk
    if words > FURNITURE_MAX_WORDS or cjk > FURNITURE_MAX_CJK:
        return False
    if _furniture_zh(text) if cjk else _furniture_en(text, words):
        return True
    if words <= 15 and not line.sentence and _BYLINE.match(text):
        return True
    return _menu(line) or _stamp(line)


def _furniture_en(text: str, words: int) -> bool:
    if (words <= UI_MAX_WORDS and _UI_EN.match(text)) or _BIO.match(text) or _FURNITURE_EN_START.match(text):
        return True
    if "©" in text or ("@" in text and _EMAIL.search(text)):
        return True
    if text.endswith(")") and _CAPTION_CREDIT.search(text, max(0, text.rfind("("))):
        return True
    if words > BLURB_MAX_WORDS:
        return False
    tokens = set(text.lower().split())
    if not tokens.isdisjoint(_MAILING) and not tokens.isdisjoint(_OFFER):
        return True
    if not tokens.isdisjoint(_SIGNING) and not tokens.isdisjoint(_MAILED):
        return True
    triggered = tokens & _EN_TRIGGERS
    return bool(triggered) and any(
        not cue_words.isdisjoint(triggered) and cues.search(text) for cue_words, cues in _CUES_EN
    )


def _furniture_zh(text: str) -> bool:
    if _FURNITURE_ZH_START.match(text) or text.endswith(_CREDIT_END):
        return True
    if text.endswith(("）", ")")):
        inner = text[max(text.rfind("（"), text.rfind("(")) + 1 : -1]
        if len(inner) <= 30 and inner.endswith(_CREDIT_IN_BRACKETS):
            return True
    return any(cue in text for first in _ZH_FIRSTS.intersection(text) for cue in _ZH_BY_FIRST[first])


_ZH_BY_FIRST: dict[str, list[str]] = {}
for _cue in _FURNITURE_ZH:
    _ZH_BY_FIRST.setdefault(_cue[0], []).append(_cue)
_ZH_FIRSTS = frozenset(_ZH_BY_FIRST)


def _stamp(line: _Line) -> bool:
    """A date and a clock with at most a label: "Published Dec 2, 2026, 6:15 p.m. ET"."""
    text = line.text
    if line.words > STAMP_MAX_WORDS or line.cjk > 30 or not _DATE.search(text):
        return False
    if _STAMP_START.match(text):
        return True
    rest = _DATE.sub(" ", _CLOCK_EN.sub(" ", text))
    # What is left is a time zone ("ET", "GMT+8"), "at", "on", "am": not more than a label.
    labels = [word for word in _ALPHA_WORD.findall(rest) if len(word) > 2 and not word.isupper()]
    return not line.sentence and len(labels) <= 3 and len(_CJK.findall(rest)) <= 12


def _menu(line: _Line) -> bool:
    """Three or more short parts (two with a separator between) and no sentence among them."""
    text = line.text
    if line.words > MENU_MAX_WORDS or line.cjk > MENU_MAX_WORDS * 2 or not _MENU_MARK_ANY.search(text):
        return False
    parts = [part for part in _MENU_SEPARATOR.split(text) if part.strip()]
    if len(parts) < 2 or (len(parts) == 2 and not _MENU_MARK.search(text)):
        return False
    return all(len(_LATIN_WORDS.findall(part)) <= 4 and len(part) <= 24 for part in parts)


def _blank_under_headings(lines: list[str], kinds: list[_Kind], blanked: list[bool]) -> None:
    """Under a "Related" heading, every headline-like or bulleted line until the story resumes."""
    for index, kind in enumerate(kinds):
        if kind is not _Kind.HEADING:
            continue
        for following in range(index + 1, len(lines)):
            next_kind = kinds[following]
            if next_kind in _PAST:
                continue
            if next_kind is not _Kind.HEADLINE and not (
                next_kind is _Kind.ITEM and len(lines[following].split()) <= ITEM_MAX_WORDS
            ):
                break
            blanked[following] = True


def _blank_tail(lines: list[str], kinds: list[_Kind], blanked: list[bool]) -> None:
    """After the last story paragraph and the story's last list, two or more headlines are other
    stories' links (unless a line with a colon announced them)."""
    tail: list[int] = []
    for index in range(len(lines) - 1, -1, -1):
        kind = kinds[index]
        if kind in _PAST:
            continue
        if kind is not _Kind.HEADLINE:
            break
        tail.append(index)
    if len(tail) >= 2 and not _announced(lines, kinds, tail[-1]):
        for index in tail:
            blanked[index] = True


def _blank_bare_runs(lines: list[str], kinds: list[_Kind], blanked: list[bool]) -> None:
    """Anywhere, BARE_RUN or more bare headlines in a row, unless a line with a colon announced them."""
    run: list[int] = []
    for index in range(len(lines) + 1):
        kind = kinds[index] if index < len(lines) else _Kind.STORY
        if kind is _Kind.HEADLINE:
            run.append(index)
            continue
        if kind is _Kind.BLANK and run:
            continue
        if len(run) >= BARE_RUN and not _announced(lines, kinds, run[0]):
            for line_index in run:
                blanked[line_index] = True
        run = []


def _announced(lines: list[str], kinds: list[_Kind], first: int) -> bool:
    """Whether the line before a list ends in a colon: "The measures include:" starts one."""
    for index in range(first - 1, -1, -1):
        if kinds[index] is not _Kind.BLANK:
            return lines[index].rstrip().endswith((":", "："))
    return False


def _issuers_only(line: str) -> str:
    """A government page's meta line less all but the authority that issued the page: that is
    the story's actor (a county government's page on its own mining clean-up)."""
    kept = [" "] * len(line)
    for issuer in _ISSUER.finditer(line):
        kept[issuer.start() : issuer.end()] = issuer.group()
    return "".join(kept)


def _without_stamps(line: str) -> str:
    """A story line less its dateline and the places named only for their clocks."""
    line = _blank_dateline(line)
    if "ime" in line:
        line = _CLOCK_EN.sub(_spaces, line)
    if "时间" in line or "時間" in line:
        line = _CLOCK_ZH.sub(_spaces, line)
    return line


def _spaces(found: re.Match[str]) -> str:
    return " " * len(found.group())


def _blank_dateline(line: str) -> str:
    first = line.lstrip()[:1]
    if not first:
        return line
    found = _DATELINE_AGENCY.match(line) if first == "(" else None
    if found is None and not first.isascii():
        found = _DATELINE_ZH.match(line)
    if found is None and (first.isupper() or first == "(") and _DASHES.search(line, 0, 72):
        found = _DATELINE_EN.match(line)
        if found is not None and not _dateline_head(found.group(1)):
            found = None
    if found is None or found.end() >= len(line.rstrip()):
        return line
    return " " * found.end() + line[found.end() :]


_DASHES = re.compile(r"[—–]|--|\s-\s")


def _dateline_head(head: str) -> bool:
    """ "DUBAI", "HONG KONG, Dec 3 (Reuters)", "DUBAI, United Arab Emirates", "Dubai, Oct 3 (Reuters)"."""
    city, _, rest = head.partition(",")
    letters = [c for c in city if c.isalpha()]
    if len(letters) < 3 or len(_LATIN_WORDS.findall(head)) > 8:
        return False
    if all(c.isupper() for c in letters):
        return True
    # A city written in title case is a dateline only with its date or its agency.
    return bool(_AGENCY.search(head) or _DATE_FIRST.match(rest))


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())
