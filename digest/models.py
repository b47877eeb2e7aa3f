"""The plain values that travel between the pipeline's stages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

DEFAULT_DAYS = 14
# The most days a window, a store's keep_days or an age may span (a century): one bound for
# `--days`, `settings.days`, `settings.keep_days` and `--older-than` alike.
MAX_DAYS = 36500
DEFAULT_TIMEOUT = 20.0
DEFAULT_CONCURRENCY = 16
DEFAULT_DEADLINE = 600.0  # seconds for a whole fetch run: a cron job must never hang


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed from the feeds file."""

    name: str
    url: str
    extract: bool = True


@dataclass(frozen=True, slots=True)
class Settings:
    """The feeds file's `[settings]` table; command-line options override these."""

    days: int = DEFAULT_DAYS
    timeout: float = DEFAULT_TIMEOUT
    concurrency: int = DEFAULT_CONCURRENCY
    user_agent: str | None = None
    deadline: float = DEFAULT_DEADLINE
    keep_days: int | None = None  # prune items older than this after each fetch


@dataclass(frozen=True, slots=True)
class CustomRegion:
    """A region the user adds in the feeds file's `[[regions]]`."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The user's additions to the tagger: regions, and phrases per topic."""

    regions: tuple[CustomRegion, ...] = ()
    topic_phrases: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (topic, phrases)


@dataclass(frozen=True, slots=True)
class Mail:
    """Who the email digest is from and to: the feeds file's [email], or --from and --to."""

    sender: str | None = None
    to: str | None = None
    subject: str | None = None
    route: Route | None = None  # how `digest send` delivers it; None: not configured


@dataclass(frozen=True, slots=True)
class FeedList:
    """A validated feeds file: where it came from, its settings and its feeds."""

    source: Path
    settings: Settings
    feeds: tuple[Feed, ...]
    bundled: bool = False
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    mail: Mail = field(default_factory=Mail)


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server gave us to ask "has this changed?" next time (conditional GET)."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed entry as plain text, with a canonical URL and an aware UTC time."""

    url: str
    title: str
    summary: str
    content: str
    published: datetime | None
    guid: str | None = None
    author: str | None = None
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    """The main text of an article page, and what the page says about itself."""

    text: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None  # the page's own date, when it gives one
    site_name: str | None = None


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str


TOPICS = (
    "regulation",
    "legislation",
    "enforcement",
    "cbdc",
    "taxation",
    "industrial-policy",
    "public-sector-adoption",
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a tag was given: the phrase matched, where it was found, and its sentence."""

    tag: str  # a topic name, or a region code
    phrase: str
    where: str  # "title", "summary" or "body"
    sentence: str


@dataclass(frozen=True, slots=True)
class Tags:
    """What an item is about; empty until the tagger has looked at it."""

    topics: tuple[str, ...] = ()
    regions: tuple[Region, ...] = ()
    primary_region: str | None = None
    evidence: tuple[Evidence, ...] = ()

    @property
    def policy(self) -> bool:
        return bool(self.topics)


@dataclass(frozen=True, slots=True)
class Item:
    """A story as stored: one per canonical URL, whatever feeds carried it."""

    id: str
    url: str
    title: str
    summary: str
    text: str
    feed: str
    published: datetime
    extracted: bool
    tags: Tags = field(default_factory=Tags)
    feeds: tuple[str, ...] = ()
    author: str | None = None
    categories: tuple[str, ...] = ()
    site_name: str | None = None


class FeedStatus(StrEnum):
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    ERROR = "error"
    # Not a failure: never fetched yet (just added, a first run still going or interrupted
    # before it), or the run's deadline passed before it answered.
    NOT_FETCHED = "not_fetched"


@dataclass(frozen=True, slots=True)
class FeedResult:
    """How one feed fared in one run (or, for `show`, in the last run)."""

    name: str
    url: str
    status: FeedStatus
    error: str | None = None
    new_items: int = 0
    warnings: tuple[str, ...] = ()
    moved_to: str | None = None  # where a permanent redirect (301, 308) now points
    gone: bool = False  # answered 410 Gone: the publisher removed it
    failures: int = 0  # failed runs in a row, this one included (known once stored)
    failing_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """One configured feed as the store knows it, for `digest feeds`."""

    name: str
    url: str
    last_attempt: datetime | None
    last_success: datetime | None
    status: str | None  # ok, not_modified, error, not_fetched; None if never fetched
    error: str | None
    failures: int  # in a row, up to the last attempt
    stored: int
    in_window: int
    moved_to: str | None = None
    failing_since: datetime | None = None

    @classmethod
    def never_fetched(cls, name: str, url: str) -> FeedHealth:
        return cls(name, url, None, None, None, None, 0, 0, 0)


class ArticleFailure(StrEnum):
    """Why a stored story kept its feed's text rather than its article."""

    DOWNLOAD = "download"  # timed out, a 5xx, a connection error: tried again on later runs
    SKIPPED = "skipped"  # fetched with --no-extract: tried again on later runs
    GONE = "gone"  # 404 or 410: never tried again
    REFUSED = "refused"  # another 4xx, or a private address: never tried again
    UNREADABLE = "unreadable"  # not HTML, or nothing worth keeping in it: never tried again


@dataclass(frozen=True, slots=True)
class ArticleAttempt:
    """One try at a story's article page: `failure` None when it was extracted."""

    url: str
    failure: ArticleFailure | None
    at: datetime
    again: bool = False  # a stored story tried again, not its first try


@dataclass(frozen=True, slots=True)
class FellBack:
    """A stored story that kept its feed's text, due for another try at its article."""

    url: str
    title: str
    summary: str
    text: str
    published: datetime
    feed_url: str | None  # the first feed that carried it


@dataclass(frozen=True, slots=True)
class RunReport:
    feeds: tuple[FeedResult, ...]
    articles_extracted: int = 0
    articles_not_extracted: int = 0
    abandoned: int = 0  # feeds left unfinished when the run's deadline passed
    articles_retried: int = 0  # stored stories that had kept their feed's text, downloaded again
    articles_recovered: int = 0  # ... and extracted this time

    @property
    def new_items(self) -> int:
        return sum(feed.new_items for feed in self.feeds)

    @property
    def all_failed(self) -> bool:
        """Every feed failed on its own account; a run cut short by its deadline still prints."""
        return (
            bool(self.feeds) and not self.abandoned and all(f.status is FeedStatus.ERROR for f in self.feeds)
        )


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open span of time [start, end), both aware."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Filters:
    policy_only: bool = False
    regions: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Story:
    """One story as the newsletter tells it: the item, the other outlets that carried the
    same event, and one line of context."""

    item: Item
    line: str
    also: tuple[str, ...] = ()  # other outlets carrying the same story
    urls: tuple[str, ...] = ()  # every report of it, the told one first
    # In a region's list of other stories: the province, state, city or zone inside the region
    # where it happened, "" when it is the region itself.
    place: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    """A country's policy stories, then those of its provinces, states, cities and zones; a
    country's section also lists the first few of its other (non-policy) stories."""

    code: str  # "" for policy stories that name no region
    name: str
    stories: tuple[Story, ...]
    places: tuple[Section, ...] = ()
    others: tuple[Story, ...] = ()  # "also from <region>": its first non-policy stories
    more_others: int = 0  # its non-policy stories left out of `others`

    @property
    def count(self) -> int:
        """Its policy stories, its places' included."""
        return len(self.stories) + sum(place.count for place in self.places)

    @property
    def other_count(self) -> int:
        return len(self.others) + self.more_others


@dataclass(frozen=True, slots=True)
class Trend:
    """A region's or topic's policy stories in this window against the one before."""

    key: str
    label: str
    now: int
    before: int

    @property
    def direction(self) -> str:
        if self.before == 0:
            return "new"
        if self.now == 0:
            return "gone"
        return "up" if self.now > self.before else "down" if self.now < self.before else "same"


@dataclass(frozen=True, slots=True)
class Glance:
    stories: int
    policy: int
    regions: int
    feeds: int
    failed: int
    not_fetched: int = 0
    fetching: bool = False  # a fetch was running when this digest was composed


@dataclass(frozen=True, slots=True)
class Digest:
    title: str
    window: Window
    generated_at: datetime
    items: tuple[Item, ...]
    feeds: tuple[FeedResult, ...]
    glance: Glance = field(default_factory=lambda: Glance(0, 0, 0, 0, 0))
    top: tuple[Story, ...] = ()  # the lead: the window's most significant policy stories
    sections: tuple[Section, ...] = ()
    other: tuple[Story, ...] = ()  # the non-policy headlines that name no region, capped
    # Regions with no policy story but other news, each with only `others`; past the first few,
    # a region's stories are only counted (`more_others`).
    other_regions: tuple[Section, ...] = ()
    region_trends: tuple[Trend, ...] = ()
    topic_trends: tuple[Trend, ...] = ()
    daily: tuple[tuple[date, int], ...] = ()  # policy stories per day over the window
    attention: tuple[FeedResult, ...] = ()  # feeds gone, moved, or failing for days: the footer
    issue: int | None = None  # its number, once it is an issue (sent with --new-only)
    # New reports of stories an earlier issue told: left out, but counted as sent with this one.
    repeats: tuple[str, ...] = ()

    def told(self) -> tuple[str, ...]:
        """The URLs of every report the newsletter layout tells (the JSON output has all items)."""
        stories = [*self.other]
        sections = [*self.sections, *self.other_regions]
        while sections:
            section = sections.pop()
            stories += (*section.stories, *section.others)
            sections += section.places
        return tuple(url for story in stories for url in story.urls)


@dataclass(frozen=True, slots=True)
class Issue:
    """A digest that was sent: its number, when, the window it covered, and how many items."""

    number: int
    sent_at: datetime
    window: Window
    format: str
    items: int


@dataclass(frozen=True, slots=True)
class StoreStats:
    """How big the store is and what it holds, for `digest feeds --stats` and `digest prune`."""

    bytes: int  # the database file and its write-ahead log
    items: int
    text_bytes: int  # of the items' extracted text, which most of the size is
    issues: int
    oldest: datetime | None
    newest: datetime | None

    @property
    def bytes_per_item(self) -> int:
        return self.bytes // self.items if self.items else 0


@dataclass(frozen=True, slots=True)
class FeedCheck:
    """One run's word on one feed, as the store keeps it: outcome, when, and new validators."""

    feed: Feed
    result: FeedResult
    checked_at: datetime
    validators: Validators | None = None  # None: keep what the store had


@dataclass(frozen=True, slots=True)
class Sighting:
    """ "This feed carried this item": how one story remembers every feed that carried it."""

    item_url: str
    feed_url: str
    feed_name: str
    guid: str | None
    seen_at: datetime


def item_id(url: str) -> str:
    """A stable id from the canonical URL: the same story has the same id in every store."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


class Security(StrEnum):
    """How a connection to the SMTP server is protected."""

    STARTTLS = "starttls"  # plain, then upgraded (submission, port 587)
    TLS = "tls"  # TLS from the first byte (port 465)
    NONE = "none"  # a relay on a trusted network; never with a password


# Where `digest send` reads the SMTP password unless [email] names another variable or a file:
# never from the command line (other users see it) or the feeds file (it gets shared).
PASSWORD_ENV = "DIGEST_SMTP_PASSWORD"  # noqa: S105 - the name of a variable, not a password


@dataclass(frozen=True, slots=True)
class SmtpServer:
    """`[email] smtp = "host:port"` and how to log in; the password is never kept here."""

    host: str
    port: int
    security: Security
    user: str | None = None
    password_env: str = PASSWORD_ENV
    password_file: Path | None = None


@dataclass(frozen=True, slots=True)
class SendmailProgram:
    """`[email] sendmail = "/usr/sbin/sendmail -t"`: a program that reads a message on stdin."""

    command: tuple[str, ...]


Route = SmtpServer | SendmailProgram


@dataclass(frozen=True, slots=True)
class Found:
    """A stored story that matched a search: where it matched, and how well (bm25: lower is
    better)."""

    item: Item
    snippet: str
    rank: float


@dataclass(frozen=True, slots=True)
class Results:
    """What `digest search` prints: the best matches in the window, best first."""

    query: str
    window: Window
    generated_at: datetime
    found: tuple[Found, ...]
    total: int  # every match in the window, `found` being the first of them
    words: tuple[str, ...] = ()  # the query's words and phrases, for marking them
