"""`sopdoc watch`: the command-line face of sopdoc.intake.watcher."""
from __future__ import annotations

import datetime as dt

import click

from sopdoc.app import Season
from sopdoc.cli.options import workspace_option
from sopdoc.intake.watcher import Watcher
from sopdoc.outputs.safe_text import for_terminal


@click.command()
@workspace_option
@click.option("--polling", is_flag=True,
              help="Look at the folder every --interval seconds instead of waiting for system events. "
                   "Needed on network shares (SMB/NFS), which send no events.")
@click.option("--interval", type=click.FloatRange(min=0.05), default=1.0, show_default=True,
              help="Seconds between checks of the files waiting to settle (and between polls with --polling).")
@click.option("--settle", type=click.FloatRange(min=0), default=2.0, show_default=True,
              help="A file is taken once its size and time have not changed for this many seconds.")
@click.option("--rescan", type=click.FloatRange(min=1), default=120.0, show_default=True,
              help="Seconds between full rescans of inbox/, a safety net for lost events.")
def watch(workspace, polling, interval, settle, rescan):
    """Watch inbox/ and process each file as soon as it has been copied completely.

    Runs until Ctrl-C (or SIGTERM), then stops after the file it is working on. One watcher per
    workspace; a `sopdoc process` run beside it is safe.

    Example: sopdoc watch -w "D:\\Evaluasi SOP 2025" --polling
    """
    ws = Season.open(workspace).ws
    tz = ws.region().tz

    def log(line):
        click.echo(f"[{dt.datetime.now(tz):%d-%m-%Y %H.%M.%S}] {for_terminal(line)}")

    Watcher(ws, polling=polling, interval=interval, settle=settle, rescan=rescan, log=log).run()
