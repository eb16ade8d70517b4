"""The command line: a thin layer over `sopdoc.app` that turns its results and errors into
messages (Indonesian, for bureau staff) and exit codes (0 all accepted, 1 something refused,
2 operational error)."""
from __future__ import annotations

import click

from sopdoc import __version__
from sopdoc.cli import forms, intake, outputs, portal, season, status, watch
from sopdoc.cli.options import OperationalError
from sopdoc.errors import SopdocError


class SopdocGroup(click.Group):
    """The one place where a library error becomes a message and exit code 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SopdocError as e:
            raise OperationalError(str(e)) from None


@click.group(cls=SopdocGroup)
@click.version_option(__version__, prog_name="sopdoc")
def cli():
    """sopdoc: consolidate SOP evaluation forms sent by regional agencies.

    Typical use: `sopdoc init ws --region banten`, drop forms into ws/inbox, then
    `sopdoc process -w ws`.
    """


for command in (intake.init, intake.process, intake.check, intake.alias, outputs.export, intake.list_plugins,
                status.status, watch.watch, outputs.recap, outputs.letters, forms.forms, portal.serve, portal.links,
                portal.users, season.move, season.rebuild, season.backup, intake.demo):
    cli.add_command(command)
