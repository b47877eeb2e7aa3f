"""The digest as a complete RFC 5322 message, plain text and HTML, ready for `sendmail -t`."""

from __future__ import annotations

import re
from datetime import datetime
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime, make_msgid, parseaddr

from digest.models import Digest
from digest.plaintext import has_line_break
from digest.render.common import period

_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\Z")
# "\n" line ends, since the message goes down a pipe to sendmail, which adds CRLFs itself;
# 7-bit bodies (quoted-printable or base64, whichever is shorter) survive any mail path.
_POLICY = default.clone(linesep="\n", cte_type="7bit")


def render(
    digest: Digest,
    *,
    text: str,
    html: str,
    sender: str | None,
    to: str | None,
    subject: str | None = None,
    now: datetime | None = None,
) -> str:
    if subject is None:
        number = f" #{digest.issue}" if digest.issue else ""
        subject = f"Crypto policy digest{number} — {period(digest)}"
    for name, value in (("sender", sender), ("to", to), ("subject", subject)):
        if value is not None and has_line_break(value):
            raise ValueError(f"the email {name} must be one line, without line breaks: {value!r}")

    message = EmailMessage(policy=_POLICY)
    message["MIME-Version"] = "1.0"
    message["Subject"] = subject
    message["Date"] = format_datetime(now or digest.generated_at)
    message["Message-ID"] = make_msgid(domain=_domain(sender))
    if sender:
        message["From"] = sender
    if to:
        message["To"] = to
    message.set_content(text, subtype="plain", charset="utf-8", cte=_transfer_encoding(text))
    message.add_alternative(html, subtype="html", charset="utf-8", cte=_transfer_encoding(html))
    for part in message.iter_parts():
        # The stdlib stamps MIME-Version on every part it builds; it belongs on the message alone.
        del part["MIME-Version"]
        if part["Content-Transfer-Encoding"] == "quoted-printable":
            part.set_payload(_no_lone_dots(str(part.get_payload())))
    return message.as_string()


def _transfer_encoding(body: str) -> str:
    """Quoted-printable, unless base64 is shorter (text mostly in Chinese). Never 7bit: in a
    7bit part a line of a single `.` stays one, and `sendmail -t` without `-i` ends the
    message there, losing the rest."""
    data = body.encode("utf-8")
    non_ascii = sum(byte > 0x7E for byte in data)
    return "base64" if 3 * non_ascii + (len(data) - non_ascii) > len(data) * 4 // 3 else "quoted-printable"


def _no_lone_dots(payload: str) -> str:
    """Quoted-printable with every line's leading `.` written `=2E` (as RFC 2049 advises), so
    no line is a lone dot; lines that grow past 76 characters are split with a soft break."""
    lines: list[str] = []
    for encoded in payload.split("\n"):
        rest = encoded
        while rest.startswith("."):
            rest = "=2E" + rest[1:]
            if len(rest) <= _QP_LINE:
                break
            head, rest = _split_quoted(rest)
            lines.append(head)
        lines.append(rest)
    return "\n".join(lines)


def _split_quoted(line: str) -> tuple[str, str]:
    """A quoted-printable line cut before 76 characters, never inside an `=XX` escape."""
    end = 0
    while True:
        step = 3 if line[end] == "=" and end + 3 <= len(line) else 1
        if end + step > _QP_LINE - 1:  # room for the soft break's "="
            return line[:end] + "=", line[end:]
        end += step


_QP_LINE = 76  # RFC 2045's longest encoded line


def _domain(sender: str | None) -> str:
    """The sender's domain, so the Message-ID looks like the sender's own; else a local one."""
    domain = parseaddr(sender or "")[1].rpartition("@")[2]
    return domain if _DOMAIN.match(domain) else "digest.local"
