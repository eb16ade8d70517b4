"""`python -m sopdoc`: the same command line as the `sopdoc` script."""
from sopdoc.cli.main import cli

cli(prog_name="sopdoc")
