"""Network errors as sentences a person can act on."""

from __future__ import annotations

import re
import socket
import ssl
from collections.abc import Iterator

import httpx

from digest.plaintext import one_line


def describe(error: httpx.HTTPError | httpx.InvalidURL) -> str:
    """A network error as a sentence a person can act on."""
    return one_line(_sentence(error))


def _sentence(error: httpx.HTTPError | httpx.InvalidURL) -> str:
    # httpx's own text may quote what the server sent (a redirect's target, a header).
    causes = list(_causes(error))
    if isinstance(error, httpx.ConnectError):
        if any(isinstance(cause, socket.gaierror) for cause in causes):
            return "could not resolve host"
        if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
            return "connection refused"
        if tls := next((cause for cause in causes if isinstance(cause, ssl.SSLError)), None):
            return f"TLS handshake failed ({_tls_reason(tls)})"
        return _with_reason("could not connect", causes)
    if isinstance(error, httpx.RemoteProtocolError):
        return _with_reason("the server sent an invalid response", causes)
    if isinstance(error, httpx.ReadError | httpx.WriteError):
        return _with_reason("the server broke off the connection", causes)
    if isinstance(error, httpx.UnsupportedProtocol):
        return "not an http or https URL"
    if isinstance(error, httpx.InvalidURL):
        return _with_reason("not a usable URL", causes)
    return _plain(str(error)) or type(error).__name__


def _with_reason(sentence: str, causes: list[BaseException]) -> str:
    """`sentence (reason)` with the most telling reason among the causes, in words."""
    for cause in causes:
        if isinstance(cause, OSError) and cause.strerror:
            return f"{sentence} ({cause.strerror.lower()})"
    reason = next((_plain(str(cause)) for cause in causes if _plain(str(cause))), "")
    return f"{sentence} ({reason})" if reason else sentence


def _tls_reason(error: ssl.SSLError) -> str:
    if isinstance(error, ssl.SSLCertVerificationError) and error.verify_message:
        return str(error.verify_message)
    return (error.reason or _plain(str(error)) or "no reason given").lower().replace("_", " ")


def _plain(text: str) -> str:
    """Python's and OpenSSL's markers (`[Errno 104]`, `[SSL: ...]`) out of a message."""
    return _MARKERS.sub("", text).strip().rstrip(".")


_MARKERS = re.compile(r"\[(?:Errno|WinError) -?\d+\]\s*|\[SSL(?:: [A-Z_]+)?\]\s*|\s*\(_ssl\.c:\d+\)")


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = error
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__
