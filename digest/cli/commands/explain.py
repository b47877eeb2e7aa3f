"""`digest explain`: one stored item with its tags and the evidence for each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from digest.cli import output
from digest.cli.boundary import Exit, errors, fail
from digest.cli.options import DbOption, VerboseOption
from digest.cli.places import open_store, stored
from digest.plaintext import one_line, shorten

if TYPE_CHECKING:
    from pathlib import Path

    from digest.models import Item
    from digest.store import Store

# Longer than any stored id, URL or title worth typing; SQLite refuses LIKE patterns past
# 50,000 bytes, and a 50,000-character argument is a paste gone wrong, not a reference.
_LONGEST_REFERENCE = 10_000


def explain(
    item: Annotated[str, typer.Argument(help="The item's id, its URL, or the start of its title.")],
    db: DbOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Show one stored item with its tags and the evidence for each."""
    with errors(verbose):
        from digest.render import explain as explained  # noqa: PLC0415

        output.write_stdout(explained.render(one_item(db, item)))


def one_item(db: Path | None, reference: str) -> Item:
    """The one stored item `reference` names, or one line saying why there is none."""
    path = stored(db)
    shown = repr(shorten(one_line(reference), 80))
    with open_store(path, read_only=True) as store:
        found = _find_items(store, reference)
    if not found:
        fail(f"no stored item matches {shown} (by id, URL or title start)", Exit.FAILURE)
    if len(found) > 1:
        choices = "; ".join(f"{match.id} {shorten(one_line(match.title), 50)}" for match in found[:5])
        fail(f"{len(found)} items match {shown}; give one of their ids: {choices}", Exit.FAILURE)
    return found[0]


def _find_items(store: Store, reference: str) -> list[Item]:
    """Items by id, URL or title start; a URL as the feed gave it (tracking parameters, an
    upper-case host) is found by the canonical form the store keeps."""
    if len(reference) > _LONGEST_REFERENCE:
        return []
    if found := store.find_items(reference):
        return found
    from digest.parse import canonical_url  # noqa: PLC0415

    canonical = canonical_url(reference.strip()) if "://" in reference else None
    return store.find_items(canonical) if canonical and canonical != reference.strip() else []
