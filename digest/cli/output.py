"""Writing what the tool makes (a digest, a feeds file, an OPML list) to stdout or to a path,
and the digest rendered in the format asked for.

A regular file is replaced atomically, so its readers see the old text or the new one, never
half of one. Anything else a path can name (a terminal, `/dev/null`, a FIFO, a socket, the
`/dev/stdout` of a pipe) is written in place, as the shell's `>` writes it: renaming a file
over a device would replace the device itself."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import typer

from digest.cli.boundary import Exit
from digest.cli.console import is_terminal
from digest.cli.options import Format, View
from digest.errors import DigestError

if TYPE_CHECKING:
    from rich.console import RenderableType

    from digest.models import Digest

# What bash itself treats as a descriptor rather than a file (it does not open these paths).
_DESCRIPTOR_PATH = re.compile(r"/dev/(?:(stdout)|(stderr)|fd/(\d+))")


def write_path(path: Path, text: str, *, what: str = "the digest") -> None:
    """Write `text` to `path` as UTF-8: a regular file atomically, anything else in place."""
    try:
        if (descriptor := _descriptor_named(path)) is not None:
            _write_descriptor(descriptor, text.encode())
            return
        try:
            found = path.stat()
        except FileNotFoundError:
            found = None
        if found is None or stat.S_ISREG(found.st_mode):
            _replace_regular(path, text, found)
        elif stat.S_ISDIR(found.st_mode):
            raise DigestError(f"{path}: cannot write {what}: it is a directory")
        elif stat.S_ISSOCK(found.st_mode):
            _send_to_socket(path, text.encode())
        else:  # a character or block device, a FIFO
            with path.open("w", encoding="utf-8") as handle:
                handle.write(text)
    except OSError as error:
        raise DigestError(f"{path}: cannot write {what} ({describe_os_error(error)})") from None


def emit(digest: Digest, view: View, *, must_finish: bool = False) -> None:
    """The digest, rendered, to the file or to stdout the options chose."""
    text = rendered(digest, view)
    if view.output is not None:
        write_path(view.output, text)
    else:
        write_stdout(text, must_finish=must_finish)


def write_stdout(text: str, *, must_finish: bool = False) -> None:
    """Write all of `text` to stdout. A reader that went away (`head`, a closed pager) ends the
    command quietly, unless the text `must_finish` (an issue is recorded only once it is out)."""
    try:
        _write_stdout(text)
    except BrokenPipeError:
        if must_finish:
            raise DigestError(
                "the reader closed the pipe before the digest was fully written; no issue was recorded"
            ) from None
        # The reader (`head`, a closed pager) went away: not an error worth a traceback.
        raise typer.Exit(Exit.OK) from None


def rendered(digest: Digest, view: View) -> str:
    """The digest as text in the view's format."""
    if view.format is Format.JSON:
        from digest.render import json  # noqa: PLC0415

        return json.render(digest)
    if view.format is Format.MARKDOWN:
        from digest.render import markdown  # noqa: PLC0415

        return markdown.render(digest)
    if view.format is Format.HTML:
        from digest.render import html  # noqa: PLC0415

        return html.render(digest)
    if view.format is Format.EMAIL:
        return _email(digest, view)
    if view.format is Format.ATOM:
        from digest.render import atom  # noqa: PLC0415

        return atom.render(digest)
    if view.format is Format.RICH:
        return _rich(digest, view)
    from digest.render import text  # noqa: PLC0415

    return text.render(digest)


def _email(digest: Digest, view: View) -> str:
    from digest.render import email, html, text  # noqa: PLC0415

    mail = view.mail
    try:
        return email.render(
            digest, text=text.render(digest), html=html.render(digest), sender=mail.sender, to=mail.to,
            subject=mail.subject,
        )  # fmt: skip
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--from/--to") from None


def _rich(digest: Digest, view: View) -> str:
    from digest.render import rich  # noqa: PLC0415

    return rich_text(rich.render(digest), view)


def rich_text(renderable: RenderableType, view: View) -> str:
    """Rich's rendering, with colour for a terminal or when `--format rich` was asked for."""
    from rich.console import Console  # noqa: PLC0415

    to_terminal = view.output is None and is_terminal(sys.stdout)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=to_terminal or view.explicit_format,
        width=Console().width if to_terminal else 100,
        highlight=False,
    )
    console.print(renderable)
    return buffer.getvalue()


def _write_stdout(text: str) -> None:
    """Write all of `text` to stdout. A reader that went away (`head`, a closed pager) raises
    BrokenPipeError, for the caller to decide whether that matters."""
    if sys.stdout is None:
        raise DigestError("cannot write the digest: standard output is closed")
    try:
        _write_all(sys.stdout, text)
    except BrokenPipeError:
        _abandon_stdout()
        raise
    except OSError as error:
        _abandon_stdout()
        raise DigestError(f"cannot write the digest ({describe_os_error(error)})") from None


def describe_os_error(error: OSError) -> str:
    """An OS error as words, without Python's `[Errno 21]` and the repeated file name."""
    if error.errno == errno.EISDIR:
        return "it is a directory"
    if error.errno == errno.ENOTDIR:
        return "a part of the path is not a directory"
    return error.strerror or str(error)


def _descriptor_named(path: Path) -> int | None:
    """The descriptor that `/dev/stdout`, `/dev/stderr` or `/dev/fd/N` names, as bash reads them:
    on Linux, opening them reopens what the descriptor points at, which fails for a socket and
    truncates a file that the shell opened for appending."""
    found = _DESCRIPTOR_PATH.fullmatch(str(path))
    if found is None:
        return None
    if found[1]:
        return 1
    if found[2]:
        return 2
    return int(found[3])


def _write_descriptor(descriptor: int, data: bytes) -> None:
    for stream in (sys.stdout, sys.stderr):  # what they buffered comes first
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.flush()
    remaining = memoryview(data)
    while remaining:
        remaining = remaining[os.write(descriptor, remaining) :]


def _replace_regular(path: Path, text: str, found: os.stat_result | None) -> None:
    """Write a temporary file beside the target, then rename it over the target.

    The file keeps its mode (a new one gets the umask's) and a symlink keeps pointing at it.
    An existing file the user may not write is refused as `>` refuses it: the rename would
    otherwise replace a read-only file that the directory lets us replace."""
    target = path.resolve()
    if found is not None:
        os.close(os.open(target, os.O_WRONLY))  # the permission check `>` makes, nothing written
        mode = found.st_mode & 0o7777
    else:
        mode = 0o666 & ~_umask()
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        temporary.chmod(mode)  # os.open's mode is itself filtered by the umask
        temporary.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def _send_to_socket(path: Path, data: bytes) -> None:
    import socket  # noqa: PLC0415 - rare, and every command's start-up would pay for it

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(str(path))
        connection.sendall(data)


def _write_all(stream: TextIO, text: str) -> None:
    """Write every byte or raise. A reader leaving mid-way can make a buffered stream's write
    end short without an error; writing to the descriptor ourselves, nothing goes unnoticed."""
    try:
        descriptor = stream.fileno()
    except (AttributeError, io.UnsupportedOperation):  # an in-memory stream, as tests use
        stream.write(text)
        stream.flush()
        return
    stream.flush()
    remaining = memoryview(text.encode(stream.encoding or "utf-8", errors=stream.errors or "strict"))
    while remaining:
        remaining = remaining[os.write(descriptor, remaining) :]


def _abandon_stdout() -> None:
    """Point stdout at the null device so the interpreter's last flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
