"""A response body read within its size cap."""

from __future__ import annotations

import httpx

from digest.errors import FetchError


async def read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """Read the body but stop at `max_bytes`, so an endless or huge body cannot exhaust memory."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"body of {int(declared)} bytes is over the {_megabytes(max_bytes)} cap")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"body is over the {_megabytes(max_bytes)} cap")
        chunks.append(chunk)
    return b"".join(chunks)


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):g} MB"
