"""Delivering the email digest: to a real SMTP server on 127.0.0.1 (STARTTLS, TLS, login) and to
a real sendmail-compatible program; every failure is one sentence."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest.deliver import deliver, password
from digest.errors import ConfigError, DeliveryError
from digest.models import Digest, Security, SendmailProgram, SmtpServer, Window
from digest.render import email as email_render
from digest.render import html as html_render
from tests.smtp_server import PASSWORD, USER, Authority, authority, free_port, smtp_server

# aiosmtpd warns that a login over implicit TLS does not "require TLS": it has TLS throughout.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

SENDER = "Policy digest <digest@policy.example>"
READER = "reader@example.org"


def issue(to: str | None = READER) -> str:
    digest = Digest(
        title="Crypto policy digest · issue 3",
        window=Window(datetime(2026, 11, 12, tzinfo=UTC), datetime(2026, 11, 26, tzinfo=UTC)),
        generated_at=datetime(2026, 11, 26, tzinfo=UTC),
        items=(),
        feeds=(),
        issue=3,
    )
    text = "Crypto policy digest · issue 3\n\n北京 sets up a blockchain fund\n"
    return email_render.render(digest, text=text, html=html_render.render(digest), sender=SENDER, to=to)


@pytest.fixture
def ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Authority:
    """The client trusts the test CA the way it trusts a system store: through SSL_CERT_FILE."""
    made = authority(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(made.ca_file))
    return made


def server(port: int, security: Security, *, user: str | None = USER) -> SmtpServer:
    return SmtpServer("127.0.0.1", port, security, user=user)


def test_starttls_and_login_deliver_both_parts(ca: Authority) -> None:
    with smtp_server(starttls=ca.server_context, login=True) as (port, received):
        deliver(issue(), server(port, Security.STARTTLS), password=PASSWORD)
    [envelope] = received.envelopes
    assert envelope.mail_from == "digest@policy.example"
    assert envelope.rcpt_tos == [READER]
    [message] = received.messages
    assert message["Subject"].startswith("Crypto policy digest #3")
    assert message["From"] == SENDER and message["To"] == READER
    assert message["Message-ID"] and message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and "北京 sets up a blockchain fund" in plain.get_content()
    assert html is not None and "<html" in html.get_content()


def test_implicit_tls(ca: Authority) -> None:
    with smtp_server(implicit_tls=ca.server_context, login=True) as (port, received):
        deliver(issue(), server(port, Security.TLS), password=PASSWORD)
    assert len(received.messages) == 1


def test_a_plain_relay_on_loopback_needs_no_tls_or_login() -> None:
    with smtp_server() as (port, received):
        deliver(issue(), server(port, Security.NONE, user=None))
    assert received.messages[0]["To"] == READER


def test_an_untrusted_certificate_is_refused(tmp_path: Path) -> None:
    stranger = authority(tmp_path)  # the client is not told to trust this CA
    untrusted = pytest.raises(DeliveryError, match=r"TLS certificate of 127\.0\.0\.1:\d+ is not trusted")
    with smtp_server(starttls=stranger.server_context) as (port, received), untrusted:
        deliver(issue(), server(port, Security.STARTTLS, user=None))
    assert received.envelopes == []


def test_a_wrong_password_is_one_sentence(ca: Authority) -> None:
    refused = pytest.raises(DeliveryError, match=r"refused the login of digest@example\.org: 535")
    with smtp_server(starttls=ca.server_context, login=True) as (port, received), refused as caught:
        deliver(issue(), server(port, Security.STARTTLS), password="not it")  # noqa: S106
    assert "\n" not in str(caught.value)
    assert received.envelopes == []


def test_a_login_without_a_password_is_refused_before_connecting() -> None:
    with pytest.raises(DeliveryError, match=r"no SMTP password for digest@example\.org"):
        deliver(issue(), server(free_port(), Security.NONE))


def test_a_password_never_goes_in_clear_to_another_host() -> None:
    remote = SmtpServer("mail.example.org", 25, Security.NONE, user=USER)
    with pytest.raises(
        DeliveryError, match=r"refusing to send the SMTP password to mail\.example\.org:25 in clear"
    ):
        deliver(issue(), remote, password=PASSWORD)


def test_starttls_asked_but_not_offered() -> None:
    with smtp_server() as (port, received), pytest.raises(DeliveryError, match="does not offer STARTTLS"):
        deliver(issue(), server(port, Security.STARTTLS, user=None))
    assert received.envelopes == []


def test_connection_refused() -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(DeliveryError, match=rf"could not connect to 127\.0\.0\.1:{port}: connection refused"):
        deliver(issue(), server(port, Security.NONE, user=None))


def test_a_5xx_from_the_server_is_a_failure() -> None:
    with smtp_server() as (port, received):
        received.reject_with = "554 5.7.1 message refused\x1b[31m by policy"
        with pytest.raises(
            DeliveryError, match=r"refused the message: 554 5\.7\.1 message refused"
        ) as caught:
            deliver(issue(), server(port, Security.NONE, user=None))
    assert "\x1b" not in str(caught.value)  # what a server says is not ours to print raw


def test_a_message_without_a_recipient_is_not_sent() -> None:
    with smtp_server() as (port, received), pytest.raises(DeliveryError, match="no recipient"):
        deliver(issue(to=None), server(port, Security.NONE, user=None))
    assert received.envelopes == []


def sendmail_program(tmp_path: Path, body: str) -> SendmailProgram:
    script = tmp_path / "fake-sendmail.py"
    script.write_text(body, encoding="utf-8")
    return SendmailProgram((sys.executable, str(script), "-t"))


def test_sendmail_gets_the_message_on_stdin(tmp_path: Path) -> None:
    kept = tmp_path / "kept.eml"
    program = sendmail_program(
        tmp_path,
        "import sys\n"
        f"assert sys.argv[1:] == ['-t']\nopen({str(kept)!r}, 'wb').write(sys.stdin.buffer.read())\n",
    )
    deliver(issue(), program)
    text = kept.read_text(encoding="utf-8")
    assert f"To: {READER}" in text and "multipart/alternative" in text


def test_sendmail_failing_says_its_status_and_why(tmp_path: Path) -> None:
    program = sendmail_program(tmp_path, "import sys\nsys.stderr.write('queue full\\n')\nsys.exit(75)\n")
    with pytest.raises(DeliveryError, match=r"exited with status 75: queue full"):
        deliver(issue(), program)


def test_a_missing_sendmail_program(tmp_path: Path) -> None:
    with pytest.raises(DeliveryError, match="no sendmail program at"):
        deliver(issue(), SendmailProgram((str(tmp_path / "no-such-sendmail"), "-t")))


def test_the_password_comes_from_its_variable_then_its_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("from-the-file\nignored\n", encoding="utf-8")
    variable = "MY_PASS"
    named = SmtpServer(
        "mail.example.org", 587, Security.STARTTLS, user=USER, password_env=variable, password_file=secret
    )
    assert password(named, {"MY_PASS": "from-the-variable"}) == "from-the-variable"
    assert password(named, {}) == "from-the-file"
    assert password(SmtpServer("mail.example.org", 587, Security.STARTTLS), {}) is None  # no login


def test_a_password_that_is_nowhere_is_a_configuration_error(tmp_path: Path) -> None:
    unset = SmtpServer("mail.example.org", 587, Security.STARTTLS, user=USER)
    with pytest.raises(ConfigError, match="DIGEST_SMTP_PASSWORD is not set"):
        password(unset, {})
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="password file is empty"):
        password(SmtpServer("m.example", 587, Security.STARTTLS, user=USER, password_file=empty), {})
