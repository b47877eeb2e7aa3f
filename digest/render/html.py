"""The digest as one self-contained HTML email: a Jinja2 template, inline CSS, table layout."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import jinja2

from digest.models import Digest
from digest.plaintext import one_line, shorten
from digest.render.common import (
    PLACE_CHARS,
    TOP_STORIES,
    attention,
    chart_rows,
    day,
    lead_place,
    named_regions,
    period,
)

TITLE_CHARS = 200
BAR_PX = 300  # the busiest region's bar; the others scale to it
SPARK_PX = 40  # the busiest day's column
SPARK_ROW_PX = 600  # a long window gets thinner columns rather than a row wider than the email
# Only web links are clickable: a `javascript:` or `data:` URL from a feed stays plain text.
_WEB_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+\Z", re.IGNORECASE)
_ARROWS = {"new": "▲", "up": "▲", "down": "▼", "gone": "▼", "same": "="}


@dataclass(frozen=True, slots=True)
class _Bar:
    label: str
    count: int
    width: int  # pixels


@dataclass(frozen=True, slots=True)
class _Day:
    label: str
    count: int
    height: int  # pixels


def render(digest: Digest) -> str:
    days = _days(digest)
    template = _environment().get_template("digest.html.j2")
    return template.render(
        digest=digest,
        period=period(digest),
        bars=_bars(digest),
        days=days,
        spark_px=SPARK_PX,
        spark_bar_px=max(2, min(12, SPARK_ROW_PX // max(1, len(days)) - 2)),
        busiest=max(days, key=lambda column: column.count, default=None),
        total=sum(column.count for column in days),
        attention=[(one_line(feed.name), attention(feed)) for feed in digest.attention],
        unlisted=named_regions(digest.other_regions),
        top=[(story, lead_place(story)) for story in digest.top],
        top_heading=TOP_STORIES,
        arrows=_ARROWS,
    )


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("digest.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Feed text reaches the template only through these filters, so it is always one clean
    # line (no control or bidi characters) before autoescaping makes it inert.
    environment.filters.update(line=one_line, headline=_headline, place=_place, web_url=_web_url, day=day)
    return environment


def _headline(title: str) -> str:
    return shorten(one_line(title), TITLE_CHARS)


def _place(name: str) -> str:
    return shorten(one_line(name), PLACE_CHARS)


def _web_url(url: str) -> str | None:
    return url if _WEB_URL.match(url) else None


def _bars(digest: Digest) -> list[_Bar]:
    counted = chart_rows(digest)
    most = max((count for _, count in counted), default=0)
    # Every bar keeps a sliver so a region with one story still shows one.
    return [_Bar(name, count, max(2, round(BAR_PX * count / most))) for name, count in counted if most]


def _days(digest: Digest) -> list[_Day]:
    most = max((count for _, count in digest.daily), default=0)
    return [
        # An empty day is a 1 px baseline, so the row still reads as a timeline.
        _Day(f"{date:%d %b}", count, max(1, round(SPARK_PX * count / most)) if most else 1)
        for date, count in digest.daily
    ]
