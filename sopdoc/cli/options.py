"""What every command shares: exit codes, the error every library error becomes, and the options
declared once (-w, --period, --now)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

EXIT_REFUSED = 1
EXIT_ERROR = 2


class OperationalError(click.ClickException):
    """A library error (`SopdocError`) on its way to the user: its message, exit code 2."""

    exit_code = EXIT_ERROR


workspace_option = click.option(
    "-w", "--workspace", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Workspace folder (default: $SOPDOC_WORKSPACE, else the current directory).",
)

period_option = click.option("--period", "period_id", default=None,
                             help="Period id from periods.toml; default: the period open now.")

now_option = click.option("--now", "now_text", default=None, hidden=True,
                          help="Pretend it is this ISO 8601 moment (tests and past reports).")


def parse_now(text, season):
    """The --now moment; without a zone it is read in the workspace region's time zone."""
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} bukan waktu ISO 8601", param_hint="--now") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=season.region.tz)


def region_key(ctx, param, value):
    """--region as typed, in the lower case region keys use."""
    return value.strip().lower() if value else value
