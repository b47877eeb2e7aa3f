"""Tag items with the policy topics and the regions they concern, with the evidence for each."""

from digest.tagging.names import region_names
from digest.tagging.tagger import Tagger

__all__ = ["Tagger", "region_names"]
