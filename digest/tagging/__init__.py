"""Tag items with the policy topics and the regions they concern, with the evidence for each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from digest.tagging.names import region_names

if TYPE_CHECKING:
    from digest.tagging.tagger import Tagger

__all__ = ["Tagger", "region_names"]


def __getattr__(name: str) -> object:
    # The tagger's modules take a while to import; `show` needs only the region names.
    if name == "Tagger":
        from digest.tagging.tagger import Tagger  # noqa: PLC0415

        return Tagger
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
