"""`python -m digest` is the same program as the `digest` command."""

from digest.cli import main

main()
