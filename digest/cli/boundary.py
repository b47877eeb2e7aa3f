"""The one error boundary: exit codes by name, errors and signals turned into one line on
stderr and an exit code."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from enum import IntEnum
from typing import NoReturn

import typer

from digest.cli.console import say, stderr
from digest.errors import INTERRUPTED, DigestError, Terminated, UsageError
from digest.plaintext import one_line


class Exit(IntEnum):
    OK = 0
    FAILURE = 1  # nothing could be produced
    USAGE = 2  # bad option or feeds file
    INTERRUPTED = 130  # SIGINT, Ctrl-C
    TERMINATED = 143  # SIGTERM, as from a service manager or `timeout`


def quit_quietly_on_signals() -> None:
    """An interrupt outside a command's error boundary (while options are parsed, while the
    digest is written) ends the program as quietly as one inside."""
    signal.signal(signal.SIGINT, _quit_quietly)
    signal.signal(signal.SIGTERM, _quit_quietly)


def _quit_quietly(signum: int, frame: object) -> None:
    for interrupt in (signal.SIGINT, signal.SIGTERM):
        signal.signal(interrupt, signal.SIG_IGN)  # one line, however many signals follow
    sys.stderr.write(INTERRUPTED + "\n")
    # An exception, not os._exit: files being written are cleaned up on the way out.
    raise SystemExit(Exit.INTERRUPTED if signum == signal.SIGINT else Exit.TERMINATED)


def _on_sigterm(signum: int, frame: object) -> None:
    # Outside a fetch's event loop (which handles SIGTERM itself), as an exception, so that
    # finished work is committed on the way out.
    raise Terminated


@contextlib.contextmanager
def errors(verbose: bool) -> Iterator[None]:
    """The one place where errors become a line on stderr and an exit code."""
    # Inside, interrupts are exceptions (asyncio turns Ctrl-C into a cancelled run), so that
    # finished work is committed on the way out.
    outside = signal.signal(signal.SIGINT, signal.default_int_handler), signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    except UsageError as error:
        _report(error, verbose)
        raise typer.Exit(Exit.USAGE) from None
    except DigestError as error:
        _report(error, verbose)
        raise typer.Exit(Exit.FAILURE) from None
    except KeyboardInterrupt:
        say(INTERRUPTED)
        raise typer.Exit(Exit.INTERRUPTED) from None
    except Terminated:
        say(INTERRUPTED)
        raise typer.Exit(Exit.TERMINATED) from None
    finally:
        signal.signal(signal.SIGINT, outside[0])
        signal.signal(signal.SIGTERM, outside[1])


def _report(error: DigestError, verbose: bool) -> None:
    if verbose:
        stderr().print_exception()
    say(f"error: {one_line(error.message)}")
    if error.hint:
        say(f"hint: {one_line(error.hint)}")


def fail(message: str, code: Exit) -> NoReturn:
    """End the command with one error line and `code`, for what is no `DigestError`."""
    say(f"error: {one_line(message)}")
    raise typer.Exit(code)
