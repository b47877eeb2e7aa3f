"""`digest send`: deliver the next issue (the stories no earlier issue told) as email, over
SMTP or a sendmail program; nothing new, nothing sent and no issue recorded."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from digest.cli.boundary import errors
from digest.cli.console import say
from digest.cli.options import (
    LOCK_TIMEOUT,
    DaysOption,
    DbOption,
    DigestOptions,
    FeedsOption,
    Format,
    FromOption,
    LockTimeoutOption,
    PolicyOption,
    RegionOption,
    SinceOption,
    ToOption,
    TopicOption,
    UntilOption,
    VerboseOption,
)
from digest.cli.places import feed_list, open_store, run_lock, stored
from digest.plaintext import plural

if TYPE_CHECKING:
    from digest.models import Route
    from digest.store import Store

DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Print the message that would be sent; send and record nothing.")
]
SendEmptyOption = Annotated[
    bool, typer.Option("--send-empty", help="Send an issue even when nothing is new.")
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr.")]


def send(
    feeds: FeedsOption = None,
    db: DbOption = None,
    days: DaysOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    policy_only: PolicyOption = False,
    region: RegionOption = None,
    topic: TopicOption = None,
    sender: FromOption = None,
    to: ToOption = None,
    dry_run: DryRunOption = False,
    send_empty: SendEmptyOption = False,
    quiet: QuietOption = False,
    lock_timeout: LockTimeoutOption = LOCK_TIMEOUT,
    verbose: VerboseOption = False,
) -> None:
    """Deliver the next issue (the stories no earlier issue told) by email, as [email] in the
    feeds file says: smtp = "host:port" or sendmail = "...". Nothing new: nothing is sent."""
    from digest import deliver, newsletter  # noqa: PLC0415
    from digest.cli import output  # noqa: PLC0415
    from digest.models import SmtpServer  # noqa: PLC0415

    with errors(verbose):
        chosen = DigestOptions(
            feeds, db, days, since, until, Format.EMAIL, None, policy_only, region, topic, sender, to
        )
        listed = feed_list(feeds, quiet=True)
        view = chosen.view(listed)
        route = _route(view.mail.route, listed.source, dry_run=dry_run)
        password = deliver.password(route, os.environ) if isinstance(route, SmtpServer) else None
        path = stored(db)
        with run_lock(path, lock_timeout, verbose=verbose), open_store(path) as store:
            window = view.window()
            if since is None:
                window = newsletter.since_last_issue(store, window)
            digest = newsletter.digest(store, window, view.filters, listed.feeds, new_only=True)
            if not digest.items and not send_empty:
                if not quiet:
                    say(_nothing_new(store))
                return
            issue = newsletter.numbered(store, digest)
            message = output.rendered(issue, view)
            if dry_run or route is None:
                output.write_stdout(message, must_finish=True)
                return
            deliver.deliver(message, route, password=password)
            newsletter.record(store, issue, Format.EMAIL.value)
        if not quiet:
            stories = len({item.url for item in issue.items})
            say(f"sent issue {issue.issue} to {view.mail.to} ({plural(stories, 'story', 'stories')})")


def _route(route: Route | None, source: object, *, dry_run: bool) -> Route | None:
    from digest.errors import ConfigError  # noqa: PLC0415

    if route is None and not dry_run:
        raise ConfigError(
            f'{source}: [email] says no way to send: set smtp = "host:port" or sendmail = "..."',
            hint="or print the message with `digest show --new-only --format email`",
        )
    return route


def _nothing_new(store: Store) -> str:
    last = store.last_issue()
    return f"nothing new since issue {last.number}; nothing sent" if last else "nothing new; nothing sent"
