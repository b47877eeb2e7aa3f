"""The errors a stage may raise; only the CLI turns them into a line on stderr and an exit code."""

from __future__ import annotations


class DigestError(Exception):
    """A problem the user can act on: a sentence, and optionally a hint on what to do."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(DigestError):
    """What the user asked cannot be done as asked: a bad feeds file, query or URL (exit 2)."""


class ConfigError(UsageError):
    """The feeds file cannot be read or says something invalid (exit 2)."""


class StoreError(DigestError):
    """The SQLite store cannot be opened, migrated or written (exit 1)."""


class LockError(DigestError):
    """Another run holds the store's lock (exit 1)."""


class QueryError(UsageError):
    """A search query the index cannot read (exit 2, as a usage error)."""


class DeliveryError(DigestError):
    """The mail server or sendmail program did not take the message (exit 1; nothing recorded)."""


class FetchError(DigestError):
    """One download failed; the message says why in words (status, timeout, size cap ...)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


# What an interrupted run says, whatever stopped it (Ctrl-C, SIGTERM, `timeout`) and whenever.
INTERRUPTED = "interrupted; finished work is stored"


class Terminated(BaseException):
    """SIGTERM arrived: stop, keep finished work, exit 143. A BaseException, as
    KeyboardInterrupt is, so that no `except Exception` swallows it."""
