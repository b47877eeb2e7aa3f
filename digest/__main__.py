"""`python -m digest` is the same program as the `digest` command."""

import os
import signal
import sys
from types import FrameType

from digest.errors import INTERRUPTED


def run() -> None:
    """The program, with a Ctrl-C or SIGTERM while it is still loading (half a second of
    imports, nothing started yet) as quiet as one during a run."""
    for number in _INTERRUPTS:
        signal.signal(number, _quit_while_loading)  # until main() puts the run's own in place
    from digest.cli import main  # noqa: PLC0415 - the import is what may be interrupted

    main()


_INTERRUPTS = {signal.SIGINT: 130, signal.SIGTERM: 143}


def _quit_while_loading(signum: int, frame: FrameType | None) -> None:
    # A handler, not `except KeyboardInterrupt`: an exception raised in the middle of an import
    # can surface past the `except`, and the interpreter then dies by the signal itself (-2,
    # not 130). Nothing is open yet, so nothing needs the clean-up an exception would give.
    os.write(sys.stderr.fileno(), (INTERRUPTED + "\n").encode())
    os._exit(_INTERRUPTS[signal.Signals(signum)])


if __name__ == "__main__":
    run()
