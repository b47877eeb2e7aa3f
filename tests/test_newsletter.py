"""The read side without the command line: the digest of a window from a real store, the next
issue (only what no earlier issue told, numbered, recorded once written), past issues, and
re-tagging what is stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from digest import newsletter, pipeline
from digest.models import CustomRegion, Filters, Item, Tags, Vocabulary, Window, item_id
from digest.store import Store
from digest.tagging import Tagger

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
FORTNIGHT = Window(NOW - timedelta(days=14), NOW)
FINE = (
    "Singapore regulator fines a crypto exchange",
    "The Monetary Authority of Singapore fined a licensed crypto exchange for breaching its rules.",
    "The Monetary Authority of Singapore said on Tuesday it fined a licensed crypto exchange.",
)
PRICE = ("Token price rises", "A token rose ten percent.", "A token rose ten percent over the day.")


def story(path: str, words: tuple[str, str, str], published: datetime, *, tagged: bool = True) -> Item:
    """A stored story, tagged as the fetch would have tagged it (or not yet, for retag)."""
    title, summary, text = words
    url = f"https://wire.example/{path}"
    tags = Tagger(Vocabulary()).tag(title, summary, text) if tagged else Tags()
    return Item(item_id(url), url, title, summary, text, "Wire", published, True, tags)


def stored(tmp_path: Path, *items: Item) -> Path:
    path = tmp_path / "digest.sqlite3"
    with Store.open(path) as store:
        store.save(items)
    return path


def urls(digest_items: tuple[Item, ...]) -> set[str]:
    return {item.url for item in digest_items}


def test_the_digest_holds_the_window_s_stories_and_only_those_the_filters_let_through(
    tmp_path: Path,
) -> None:
    fine = story("fine", FINE, NOW - timedelta(days=2))
    price = story("price", PRICE, NOW - timedelta(days=3))
    old = story("old", FINE, NOW - timedelta(days=40))
    path = stored(tmp_path, fine, price, old)

    with Store.open(path, read_only=True) as store:
        everything = newsletter.digest(store, FORTNIGHT, Filters(), (), now=NOW)
        policy = newsletter.digest(store, FORTNIGHT, Filters(policy_only=True), (), now=NOW)

    assert urls(everything.items) == {fine.url, price.url}
    assert urls(policy.items) == {fine.url}
    assert everything.window == FORTNIGHT
    assert everything.issue is None  # a digest is no issue until it is numbered


def test_an_issue_is_numbered_recorded_only_when_asked_and_its_stories_are_not_new_again(
    tmp_path: Path,
) -> None:
    fine = story("fine", FINE, NOW - timedelta(days=2))
    path = stored(tmp_path, fine)

    with Store.open(path) as store:
        first = newsletter.numbered(store, newsletter.digest(store, FORTNIGHT, Filters(), (), new_only=True))
        assert newsletter.numbered(store, first).issue == 1  # numbering alone records nothing
        newsletter.record(store, first, "text", now=NOW)
        later = story("later", PRICE, NOW - timedelta(days=1))
        store.save([later])
        second = newsletter.numbered(store, newsletter.digest(store, FORTNIGHT, Filters(), (), new_only=True))

    assert (first.issue, first.title.endswith(" · issue 1")) == (1, True)
    assert urls(first.items) == {fine.url}
    assert second.issue == 2
    assert urls(second.items) == {"https://wire.example/later"}


def test_a_new_issue_reaches_back_to_where_the_last_one_ended(tmp_path: Path) -> None:
    path = stored(tmp_path, story("fine", FINE, NOW - timedelta(days=30)))
    month_ago = Window(NOW - timedelta(days=44), NOW - timedelta(days=30))

    with Store.open(path) as store:
        assert newsletter.since_last_issue(store, FORTNIGHT) == FORTNIGHT  # no issue yet
        sent = newsletter.numbered(store, newsletter.digest(store, month_ago, Filters(), ()))
        newsletter.record(store, sent, "text", now=NOW)
        reached = newsletter.since_last_issue(store, FORTNIGHT)
        right_after = Window(month_ago.end, NOW)
        assert newsletter.since_last_issue(store, right_after) == right_after

    assert reached == Window(month_ago.end, FORTNIGHT.end)


def test_a_past_issue_comes_back_as_it_was_sent_and_a_missing_one_says_which_there_are(
    tmp_path: Path,
) -> None:
    path = stored(tmp_path, story("fine", FINE, NOW - timedelta(days=2)))
    with Store.open(path) as store:
        assert newsletter.no_such_issue(store, 1) == "no issue 1: no issue was sent yet (see `digest issues`)"
        sent = newsletter.numbered(store, newsletter.digest(store, FORTNIGHT, Filters(), ()))
        newsletter.record(store, sent, "json", now=NOW)

    with Store.open(path, read_only=True) as store:
        again = newsletter.past_issue(store, 1)
        assert newsletter.past_issue(store, 2) is None
        assert newsletter.no_such_issue(store, 2) == "no issue 2: issues are 1 to 1 (see `digest issues`)"

    assert again is not None
    assert (again.issue, again.title, urls(again.items)) == (1, sent.title, urls(sent.items))


def test_retag_tags_every_stored_story_again_from_its_text_a_batch_at_a_time(tmp_path: Path) -> None:
    lake = ("Songshan Lake opens a blockchain pilot zone", "The zone's rules take effect.", "No more.")
    stories = [story(f"price-{n}", PRICE, NOW, tagged=False) for n in range(pipeline.RETAG_BATCH + 1)]
    path = stored(
        tmp_path, story("fine", FINE, NOW, tagged=False), story("lake", lake, NOW, tagged=False), *stories
    )
    zone = CustomRegion("CN-GD-songshanlake", "Songshan Lake", ("Songshan Lake",), "CN-GD")
    batches: list[int] = []

    with Store.open(path) as store:
        retagged = pipeline.retag(store, Vocabulary(regions=(zone,)), batches.append)
        by_url = {
            item.url: item
            for item in store.items_in(Window(NOW - timedelta(days=1), NOW + timedelta(days=1)))
        }

    assert retagged.items == pipeline.RETAG_BATCH + 3
    assert retagged.policy >= 1
    assert batches == [pipeline.RETAG_BATCH]  # the last, short batch is committed at the end
    assert by_url["https://wire.example/fine"].tags.primary_region == "SG"
    assert "CN-GD-songshanlake" in {
        region.code for region in by_url["https://wire.example/lake"].tags.regions
    }
    assert by_url["https://wire.example/price-0"].tags == Tags()
