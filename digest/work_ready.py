"""Imported once by the workers' fork server: builds the tagger for the default vocabulary, so
that every worker forked from it starts with one (half a second each, off the critical path)."""

from digest.models import Vocabulary
from digest.work import prepare

prepare(Vocabulary())
