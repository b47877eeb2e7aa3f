"""Hand a finished message to an SMTP server or a sendmail program: the one place mail leaves.

Every failure is a `DeliveryError` of one sentence, so that the caller can leave the issue
unrecorded and the next run sends it again.
"""

from __future__ import annotations

import ipaddress
import smtplib
import ssl
import subprocess
from collections.abc import Mapping
from email import message_from_string
from email.message import EmailMessage
from email.policy import default

from digest.errors import ConfigError, DeliveryError
from digest.models import Route, Security, SendmailProgram, SmtpServer
from digest.plaintext import one_line, shorten

# Long enough for a slow submission server under load, short enough that cron does not hang.
TIMEOUT = 60.0


def deliver(message: str, route: Route, *, password: str | None = None, timeout: float = TIMEOUT) -> None:
    """Send `message` (an RFC 5322 message as `--format email` prints it) by `route`."""
    parsed = message_from_string(message, _class=EmailMessage, policy=default)
    if not parsed["To"]:
        raise DeliveryError("the message has no recipient: set `to` in [email] or pass --to")
    if isinstance(route, SendmailProgram):
        _pipe(parsed, route, timeout)
    else:
        _submit(parsed, route, password, timeout)


def password(server: SmtpServer, environ: Mapping[str, str]) -> str | None:
    """The SMTP password for `server`'s user: its variable, else its file's first line. None
    when there is no user to log in as; a ConfigError (exit 2) when it is nowhere."""
    if server.user is None:
        return None
    if value := environ.get(server.password_env):
        return value
    if server.password_file is not None:
        try:
            first = server.password_file.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            reason = error.strerror or str(error)
            raise ConfigError(f"{server.password_file}: cannot read the SMTP password ({reason})") from None
        if first and first[0].strip():
            return first[0].strip()
        raise ConfigError(f"{server.password_file}: the SMTP password file is empty")
    raise ConfigError(
        f"no SMTP password for {server.user}: {server.password_env} is not set",
        hint=f"export {server.password_env}=..., or name a file in [email] password_file",
    )


def _pipe(message: EmailMessage, program: SendmailProgram, timeout: float) -> None:
    name = program.command[0]
    try:
        done = subprocess.run(  # noqa: S603 - the user's own configured program, no shell
            program.command, input=message.as_bytes(), capture_output=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        raise DeliveryError(f"no sendmail program at {name}") from None
    except PermissionError:
        raise DeliveryError(f"{name} cannot be run: permission denied") from None
    except subprocess.TimeoutExpired:
        raise DeliveryError(f"{name} did not finish within {timeout:g} s") from None
    if done.returncode != 0:
        said = _said(done.stderr.decode("utf-8", "replace") or done.stdout.decode("utf-8", "replace"))
        raise DeliveryError(f"{name} exited with status {done.returncode}" + (f": {said}" if said else ""))


def _submit(message: EmailMessage, server: SmtpServer, password: str | None, timeout: float) -> None:
    where = f"{server.host}:{server.port}"
    if server.user is not None and password is None:
        raise DeliveryError(f"no SMTP password for {server.user}: set DIGEST_SMTP_PASSWORD or password_file")
    if password is not None and server.security is Security.NONE and not _loopback(server.host):
        raise DeliveryError(f'refusing to send the SMTP password to {where} in clear; use tls = "starttls"')
    try:
        with _connect(server, timeout) as smtp:
            if server.security is Security.STARTTLS:
                _upgrade(smtp, where)
            if server.user is not None:
                _log_in(smtp, server, password or "", where)
            smtp.send_message(message)
    except DeliveryError:
        raise
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(_failure(error, where, timeout)) from None


def _failure(error: smtplib.SMTPException | OSError, where: str, timeout: float) -> str:
    """What went wrong, in one sentence; the order matters, the later kinds are the wider."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(f"{who} ({_reply(code, text)})" for who, (code, text) in error.recipients.items())
        return f"{where} refused every recipient: {refused}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{where} refused the message: {_reply(error.smtp_code, error.smtp_error)}"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"{where} closed the connection before the message was sent"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"the TLS certificate of {where} is not trusted: {error.verify_message}"
    if isinstance(error, ssl.SSLError):
        return f"TLS with {where} failed: {_said(error.reason or str(error))}"
    if isinstance(error, TimeoutError):
        return f"{where} did not answer within {timeout:g} s"
    if isinstance(error, ConnectionRefusedError):
        return f"could not connect to {where}: connection refused"
    if isinstance(error, OSError):
        return f"could not connect to {where}: {_said(error.strerror or str(error))}"
    return f"{where} failed: {_said(str(error))}"


def _connect(server: SmtpServer, timeout: float) -> smtplib.SMTP:
    if server.security is Security.TLS:
        context = ssl.create_default_context()
        return smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    return smtplib.SMTP(server.host, server.port, timeout=timeout)


def _upgrade(smtp: smtplib.SMTP, where: str) -> None:
    smtp.ehlo()
    if not smtp.has_extn("starttls"):
        raise DeliveryError(f'{where} does not offer STARTTLS; set tls = "none" in [email] to send in clear')
    smtp.starttls(context=ssl.create_default_context())
    smtp.ehlo()


def _log_in(smtp: smtplib.SMTP, server: SmtpServer, password: str, where: str) -> None:
    smtp.ehlo_or_helo_if_needed()
    if not smtp.has_extn("auth"):
        raise DeliveryError(f"{where} does not offer a login (AUTH) on this connection")
    try:
        smtp.login(server.user or "", password)
    except smtplib.SMTPAuthenticationError as error:
        reply = _reply(error.smtp_code, error.smtp_error)
        raise DeliveryError(f"{where} refused the login of {server.user}: {reply}") from None


def _reply(code: int, text: bytes | str) -> str:
    said = _said(text.decode("utf-8", "replace") if isinstance(text, bytes) else text)
    return f"{code} {said}".strip()


def _said(text: str) -> str:
    """What a server or program said, made safe for one line on a terminal: it is not ours."""
    return shorten(one_line(text), 200)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
