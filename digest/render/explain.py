"""One item with its tags and the evidence for each, as plain text for `digest explain`.

Every item has its regions and their evidence, policy or not; lines wrap by terminal columns,
so a Chinese quote (two columns a character) keeps to the width like an English one."""

from __future__ import annotations

from digest.models import Evidence, Item, Tags
from digest.plaintext import one_line, shorten, wrap
from digest.render.common import day
from digest.urls import is_web_link

WIDTH = 78
LABEL = 9  # "regions: ": the values of the tag lines start in one column
NOT_POLICY = "no sentence pairs a public actor with a policy phrase strongly enough"


def render(item: Item) -> str:
    tags = item.tags
    lines = wrap(shorten(one_line(item.title), 300), WIDTH)
    lines += [f"  {item.id} · {one_line(', '.join(item.feeds) or item.feed)} · {day(item.published)}"]
    # A linkless entry is stored under a made-up urn: key, which is no address to show.
    lines += [f"  {item.url}", ""] if is_web_link(item.url) else [""]
    lines += _field("policy:", "yes" if tags.policy else f"no ({NOT_POLICY})")
    if tags.policy:
        lines += _field("topics:", ", ".join(tags.topics))
    lines += _field(
        "regions:", "; ".join(_region(tags, code, name) for code, name in _regions(tags)) or "none"
    )
    if tags.evidence:
        lines += ["", "evidence:"]
        for tag, label in _labels(tags):
            lines += [f"  {one_line(label)}"]
            lines += [line for e in tags.evidence if e.tag == tag for line in _evidence(e)]
    return "\n".join(lines) + "\n"


def _field(label: str, value: str) -> list[str]:
    """ "regions: Beijing (CN-BJ, primary); ..." wrapped under its value, not under its label."""
    first, *rest = wrap(one_line(value), WIDTH, " " * LABEL)
    return [label.ljust(LABEL) + first.lstrip(), *rest]


def _regions(tags: Tags) -> list[tuple[str, str]]:
    return [(region.code, region.name) for region in tags.regions]


def _region(tags: Tags, code: str, name: str) -> str:
    return f"{name} ({code}{', primary' if code == tags.primary_region else ''})"


def _labels(tags: Tags) -> list[tuple[str, str]]:
    """Each tag with evidence and how to head it: topics first, then regions by name and code,
    then anything else the tagger quoted, in the order it gave them."""
    names = dict(_regions(tags))
    quoted = dict.fromkeys(evidence.tag for evidence in tags.evidence)
    ordered = [*(t for t in tags.topics if t in quoted), *(c for c in names if c in quoted)]
    ordered += [tag for tag in quoted if tag not in ordered]
    return [(tag, f"{names[tag]} ({tag})" if tag in names else tag) for tag in ordered]


def _evidence(evidence: Evidence) -> list[str]:
    quoted = (
        f'"{one_line(evidence.phrase)}" in the {evidence.where}: {shorten(one_line(evidence.sentence), 240)}'
    )
    first, *rest = wrap(quoted, WIDTH, "      ")
    return ["    - " + first.lstrip(), *rest]
