"""The digest as a complete RFC 5322 message, plain text and HTML, ready for `sendmail -t`."""

from __future__ import annotations

import re
from datetime import datetime
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime, make_msgid, parseaddr

from digest.models import Digest
from digest.render.common import period

# A line break in a header value would start a new header (a `Bcc:` smuggled into `--from`);
# the Unicode and C0 line separators count too, since some tools split on them.
_LINE_BREAK = re.compile(r"[\r\n\x00\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
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
        if value is not None and _LINE_BREAK.search(value):
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
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    for part in message.iter_parts():
        # The stdlib stamps MIME-Version on every part it builds; it belongs on the message alone.
        del part["MIME-Version"]
    return message.as_string()


def _domain(sender: str | None) -> str:
    """The sender's domain, so the Message-ID looks like the sender's own; else a local one."""
    domain = parseaddr(sender or "")[1].rpartition("@")[2]
    return domain if _DOMAIN.match(domain) else "digest.local"
