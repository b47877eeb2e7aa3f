"""Network errors as sentences a person can act on."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator

import httpx


def describe(error: httpx.HTTPError) -> str:
    """A network error as a sentence a person can act on."""
    text = str(error) or type(error).__name__
    if isinstance(error, httpx.ConnectError):
        causes = list(_causes(error))
        if any(isinstance(cause, socket.gaierror) for cause in causes):
            return "could not resolve host"
        if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
            return "connection refused"
        if any(isinstance(cause, ssl.SSLError) for cause in causes):
            return f"TLS handshake failed ({text})"
        return f"could not connect ({text})"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"the server sent an invalid response ({text})"
    if isinstance(error, httpx.ReadError):
        return f"the server broke off the connection ({text})"
    if isinstance(error, httpx.UnsupportedProtocol):
        return "not an http or https URL"
    return text


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = error
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__
