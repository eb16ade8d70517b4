"""`sopdoc forms`: each agency's own blank form, ready to send out."""
from __future__ import annotations

from pathlib import Path

import click

from sopdoc.app import Season
from sopdoc.cli.options import now_option, parse_now, period_option, workspace_option


@click.command()
@workspace_option
@period_option
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write here instead of outbox/<period>/formulir/.")
@click.option("--agency", "agency_codes", multiple=True, metavar="CODE",
              help="Only this agency (register code); repeat for several. Default: every agency but the organiser.")
@now_option
def forms(workspace, period_id, outdir, agency_codes, now_text):
    """Write each agency's blank form for a period, in the region's own layout.

    The agency's name, the period and the SOPs it evaluated last time are filled in; choices come
    from drop-down lists; the file carries who it is for, so it is recognised when it comes back.

    Example: sopdoc forms -w "D:\\Evaluasi SOP 2025" --period banten-2025-tahap-2
    """
    season = Season.open(workspace)
    run = season.blank_forms(period_id, parse_now(now_text, season), outdir=outdir, agency_codes=agency_codes)
    for blank in run.written:
        history = (f"{blank.prefilled} SOP dari {blank.from_period}" if blank.from_period
                   else "tanpa SOP terdahulu")
        click.echo(f"  {blank.agency_code:<10} {blank.agency_name} ({history})")
    click.echo(f"{len(run.written)} formulir {run.period.name} ditulis ke {run.folder}")
