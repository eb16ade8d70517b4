"""`sopdoc forms`: each agency's own blank form, ready to send out."""
from __future__ import annotations

from pathlib import Path

import click

from sopdoc.cli.main import OperationalError, cli, now_option, parse_now, workspace_option
from sopdoc.errors import SopdocError
from sopdoc.workspace import open_workspace


@cli.command()
@workspace_option
@click.option("--period", "period_id", default=None, help="Period id from periods.toml; default: the period open now.")
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
    from sopdoc.intake.store import Store
    from sopdoc.outputs.blanks import write_blanks

    try:
        ws = open_workspace(workspace)
        store = Store(ws.store_path)
        try:
            run = write_blanks(ws, store, period_id, outdir, tuple(agency_codes), parse_now(now_text, ws))
        finally:
            store.close()
    except SopdocError as e:
        raise OperationalError(str(e)) from None
    for blank in run.written:
        history = (f"{blank.prefilled} SOP dari {blank.from_period}" if blank.from_period
                   else "tanpa SOP terdahulu")
        click.echo(f"  {blank.agency_code:<10} {blank.agency_name} ({history})")
    click.echo(f"{len(run.written)} formulir {run.period.name} ditulis ke {run.folder}")
