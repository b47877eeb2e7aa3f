"""One item with its tags and the evidence for each, as plain text for `digest explain`."""

from __future__ import annotations

from digest.models import Evidence, Item
from digest.plaintext import one_line, shorten, wrap
from digest.render.common import day, is_web_link

WIDTH = 78


def render(item: Item) -> str:
    tags = item.tags
    lines = wrap(shorten(one_line(item.title), 300), WIDTH)
    lines += [f"  {item.id} · {one_line(', '.join(item.feeds) or item.feed)} · {day(item.published)}"]
    # A linkless entry is stored under a made-up urn: key, which is no address to show.
    lines += [f"  {item.url}", ""] if is_web_link(item.url) else [""]
    lines += [f"policy:  {'yes' if tags.policy else 'no'}"]
    if tags.policy:
        lines += [f"topics:  {', '.join(tags.topics)}"]
        regions = [
            f"{region.name} ({region.code}{', primary' if region.code == tags.primary_region else ''})"
            for region in tags.regions
        ]
        lines += [f"regions: {'; '.join(regions) or 'none found'}"]
    if tags.evidence:
        lines += ["", "evidence:"]
        for tag in dict.fromkeys(evidence.tag for evidence in tags.evidence):
            lines += [f"  {tag}"]
            lines += [line for e in tags.evidence if e.tag == tag for line in _evidence(e)]
    elif not tags.policy:
        lines += ["", "No sentence pairs a public actor with a policy phrase strongly enough."]
    return "\n".join(lines) + "\n"


def _evidence(evidence: Evidence) -> list[str]:
    quoted = (
        f'"{one_line(evidence.phrase)}" in the {evidence.where}: {shorten(one_line(evidence.sentence), 240)}'
    )
    first, *rest = wrap(quoted, WIDTH, "      ")
    return ["    - " + first.lstrip(), *rest]
