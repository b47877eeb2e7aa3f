"""`digest search` through the real command line: ranked matches with snippets, the filters of
`show`, and a query it cannot read as a usage error."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import WINDOW, FixtureServer, fetched, invoke, run_digest


def test_search_finds_ranks_and_filters(server: FixtureServer, tmp_path: Path, env: dict[str, str]) -> None:
    feeds = fetched(server, tmp_path, env)
    found = invoke(["search", "licence", "--feeds", str(feeds), "--format", "json", *WINDOW], env)
    assert found.exit_code == 0, found.output
    document = json.loads(found.stdout)
    assert [item["title"] for item in document["items"]][:1] == [
        "Dubai regulator grants full operating licence to Harborline exchange"
    ]
    assert "licence" in document["items"][0]["snippet"].lower()
    text = invoke(["search", "pilot zone", "--feeds", str(feeds), *WINDOW], env)
    assert text.stdout.startswith("1 story matching 'pilot zone'") and "1. Hainan carves out" in text.stdout
    none = invoke(
        ["search", "pilot", "--region", "AE", "--feeds", str(feeds), "--format", "json", *WINDOW], env
    )
    assert json.loads(none.stdout)["items"] == []


def test_a_query_it_cannot_read_is_exit_2(server: FixtureServer, tmp_path: Path, env: dict[str, str]) -> None:
    feeds = fetched(server, tmp_path, env)
    done = run_digest(["search", '"unclosed', "--feeds", str(feeds), *WINDOW], env)
    assert done.returncode == 2
    assert done.stderr.decode().strip() == "error: the query '\"unclosed' has an unclosed quote"
