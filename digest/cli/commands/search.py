"""`digest search QUERY`: stored stories matching words in their title, summary or article
text (Chinese too, in either script), best first, with the filters and formats of `show`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from digest.cli import output
from digest.cli.boundary import errors
from digest.cli.options import DigestOptions, Format, VerboseOption, View, with_digest_options
from digest.cli.places import feed_list, open_store, stored

if TYPE_CHECKING:
    from digest.models import Results

LIMIT = 20  # results a terminal shows at once

QueryArgument = Annotated[
    str,
    typer.Argument(
        help='Words (all must match), "a phrase", OR, NOT, and word* for a prefix; Chinese works too.',
        show_default=False,
    ),
]


@with_digest_options
def search(
    chosen: DigestOptions,
    query: QueryArgument = ...,  # type: ignore[assignment]  # required: Typer reads ... so
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most N stories.")] = LIMIT,
    verbose: VerboseOption = False,
) -> None:
    """Stored stories matching QUERY, best first, each with where it matched (no network)."""
    from digest import compose  # noqa: PLC0415
    from digest.models import Found, Results  # noqa: PLC0415 - imported for the type above
    from digest.store.search import query as parsed_query  # noqa: PLC0415

    with errors(verbose):
        view = chosen.view(feed_list(chosen.feeds, quiet=True))
        wanted = parsed_query(query)
        window = view.window()
        with open_store(stored(chosen.db), read_only=True) as store:
            matched = [
                (item, rank)
                for item, rank in store.matches(wanted, window)
                if compose.wanted(item, view.filters)
            ]
            shown = matched[:limit]
            snippets = store.snippets([item for item, _ in shown], wanted)
        found = tuple(
            Found(item, snippet, rank) for (item, rank), snippet in zip(shown, snippets, strict=True)
        )
        results = Results(query, window, datetime.now(UTC), found, len(matched), words=wanted.words)
        text = _rendered(results, view)
        if view.output is not None:
            output.write_path(view.output, text, what="the results")
        else:
            output.write_stdout(text)


def _rendered(results: Results, view: View) -> str:
    from digest.render import json, markdown, text  # noqa: PLC0415

    if view.format is Format.JSON:
        return json.results(results)
    if view.format is Format.MARKDOWN:
        return markdown.results(results)
    if view.format is Format.RICH:
        from digest.render import rich  # noqa: PLC0415

        return output.rich_text(rich.results(results), view)
    if view.format is not Format.TEXT:
        raise typer.BadParameter("search prints rich, text, markdown or json", param_hint="--format")
    return text.results(results)
