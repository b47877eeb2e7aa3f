"""The digest for a terminal: a Rich table with clickable titles (the newsletter layout comes later)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text

from digest.models import Digest, FeedStatus
from digest.plaintext import one_line, shorten
from digest.render.common import at_a_glance, day, period

TITLE_CHARS = 200


def render(digest: Digest) -> RenderableType:
    # Every string from a feed goes in as Text, never as markup, so "[red]" stays literal.
    heading = Text(f"{digest.title} · {period(digest)}", style="bold")
    glance = Text(at_a_glance(digest), style="dim")
    table = Table(expand=True, show_lines=False, header_style="bold")
    table.add_column("Published", no_wrap=True, width=11)
    table.add_column("Story", ratio=1)
    table.add_column("Feed", ratio=None, max_width=24)
    for item in digest.items:
        title = Text(shorten(one_line(item.title), TITLE_CHARS), style=Style(link=item.url, bold=True))
        summary = shorten(one_line(item.summary), 160)
        story = Text.assemble(title, "\n", Text(summary, style="dim")) if summary else title
        table.add_row(day(item.published), story, Text(one_line(item.feed)))
    parts: list[RenderableType] = [heading, glance, table]
    for feed in digest.feeds:
        if feed.status is FeedStatus.ERROR:
            parts.append(
                Text(f"feed failed: {one_line(feed.name)}: {one_line(feed.error or '')}", style="yellow")
            )
    return Group(*parts)
