"""The command line: argument parsing and printing over `sopdoc.app`."""
from sopdoc.cli.main import cli

__all__ = ["cli"]
