"""`python -m digest` is the same program as the `digest` command."""

import sys


def run() -> None:
    """The program, with a Ctrl-C while it is still loading (half a second of imports, nothing
    started yet) as quiet as one during a run."""
    try:
        from digest.cli import main  # noqa: PLC0415 - the import is what may be interrupted
    except KeyboardInterrupt:
        from digest.errors import INTERRUPTED  # noqa: PLC0415

        sys.stderr.write(INTERRUPTED + "\n")
        raise SystemExit(130) from None
    main()


if __name__ == "__main__":
    run()
