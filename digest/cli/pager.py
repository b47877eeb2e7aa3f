"""Long output on a terminal goes through a pager, as git does it: `$DIGEST_PAGER`, else
`$PAGER`, else `less -R` when there is one; `cat` or an empty value means none."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping

# What git gives less when the user has not said: quit when the text fits on one screen (so a
# short digest just prints), pass colours and links through, leave the text on the screen.
_LESS = "FRX"
_NOT_FOUND = 127  # what a shell says of a command it cannot find


def pager_command(environ: Mapping[str, str]) -> str | None:
    """The command line that pages, or None when output goes straight to the terminal."""
    for name in ("DIGEST_PAGER", "PAGER"):
        if name in environ:
            chosen = environ[name].strip()
            return None if chosen in ("", "cat") else chosen
    return "less -R" if shutil.which("less") else None


def page(text: str, command: str) -> bool:
    """Show `text` through `command`; False when the pager could not be started at all, so the
    caller can print the text itself. The user quitting early is no error."""
    environment = dict(os.environ)
    environment.setdefault("LESS", _LESS)
    environment.setdefault("LV", "-c")
    # A shell reads the command, as git runs $PAGER: it is the user's own, with its arguments.
    pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=environment)  # noqa: S602
    with _ctrl_c_is_the_pagers():
        # communicate() takes a pager that quits before the end (what was wanted was seen).
        pager.communicate(text.encode("utf-8", "replace"))
    return pager.returncode != _NOT_FOUND


@contextlib.contextmanager
def _ctrl_c_is_the_pagers() -> Iterator[None]:
    """While the pager runs, Ctrl-C is for it (less uses it to stop a search), not for us."""
    if sys.platform == "win32":
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
