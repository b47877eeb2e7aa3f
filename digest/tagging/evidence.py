"""The few best quotes behind each tag."""

from __future__ import annotations

from digest.models import Evidence

EVIDENCE_PER_TAG = 3


def best(scored: list[tuple[float, Evidence]]) -> list[Evidence]:
    """The strongest quotes for one tag, each phrase-and-sentence once."""
    unique: dict[tuple[str, str], Evidence] = {}
    for _, evidence in sorted(scored, key=lambda pair: -pair[0]):
        unique.setdefault((evidence.phrase.lower(), evidence.sentence), evidence)
    return list(unique.values())[:EVIDENCE_PER_TAG]
