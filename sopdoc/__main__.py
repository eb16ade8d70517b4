"""`python -m sopdoc`: the same command line as the `sopdoc` script."""
from .cli import cli

cli(prog_name="sopdoc")
