"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd), with STARTTLS, implicit TLS and
logins from a throwaway CA (trustme), and what it received."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword

USER = "digest@example.org"
PASSWORD = "correct horse battery staple"  # noqa: S105 - the test server's own login


@dataclass
class Received:
    """The envelopes the server accepted, parsed."""

    envelopes: list[Envelope] = field(default_factory=list)
    reject_with: str | None = None  # e.g. "554 5.7.1 message refused"

    @property
    def messages(self) -> list[EmailMessage]:
        parsed = []
        for envelope in self.envelopes:
            content = envelope.original_content or b""
            parsed.append(message_from_bytes(content, _class=EmailMessage, policy=default))
        return parsed


class _Handler:
    def __init__(self, received: Received) -> None:
        self.received = received

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's name
        if self.received.reject_with:
            return self.received.reject_with
        self.received.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    good = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER
    # handled=False: aiosmtpd then answers a failure with its 535 itself.
    return AuthResult(success=good and auth_data.password.decode() == PASSWORD, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Authority:
    """A CA the client is told to trust (through SSL_CERT_FILE, as a user's system store would)
    and the server's certificate for 127.0.0.1."""

    ca_file: Path
    server_context: ssl.SSLContext


def authority(directory: Path) -> Authority:
    ca = trustme.CA()
    ca_file = directory / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return Authority(ca_file, context)


@contextmanager
def smtp_server(
    *, starttls: ssl.SSLContext | None = None, implicit_tls: ssl.SSLContext | None = None, login: bool = False
) -> Iterator[tuple[int, Received]]:
    """A server on 127.0.0.1: plain, offering STARTTLS, or TLS from the first byte; with a
    required login when `login`. Yields its port and what it received."""
    received = Received()
    port = free_port()
    options: dict[str, Any] = {}
    if login:
        options.update(authenticator=_authenticate, auth_required=True, auth_require_tls=implicit_tls is None)
    if starttls is not None:
        options.update(tls_context=starttls, require_starttls=True)
    controller = Controller(
        _Handler(received), hostname="127.0.0.1", port=port, ssl_context=implicit_tls, **options
    )
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()
