"""`python -m xxgk` runs the CLI."""

from xxgk.cli import main

main()
