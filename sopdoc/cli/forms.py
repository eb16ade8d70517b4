"""`sopdoc forms`: each agency's own blank form, ready to send out, with its cover letter."""
from __future__ import annotations

from pathlib import Path

import click

from sopdoc.app import Season
from sopdoc.cli.options import now_option, parse_now, period_option, workspace_option
from sopdoc.outputs.safe_text import for_terminal


@click.command()
@workspace_option
@period_option
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write here instead of outbox/<period>/formulir/.")
@click.option("--agency", "agency_codes", multiple=True, metavar="CODE",
              help="Only this agency (register code); repeat for several. Default: every agency but the organiser.")
@click.option("--surat", "with_letters", is_flag=True,
              help="Also a numbered cover letter (surat pengantar) per agency, in outbox/<period>/surat/.")
@click.option("--portal", "portal_url", default=None, metavar="URL",
              help="The portal's address as agencies reach it: each cover letter gives the agency's upload "
                   "link and its QR code (else the shared folder, [forms] return_folder in sopdoc.toml).")
@click.option("--draf", "draft", is_flag=True, help="Cover letters as unnumbered drafts (outbox/<period>/surat/draf/).")
@click.option("--ulang", "reissue", is_flag=True, help="Reissue cover letters already issued, with new numbers.")
@now_option
def forms(workspace, period_id, outdir, agency_codes, with_letters, portal_url, draft, reissue, now_text):
    """Write each agency's blank form for a period, in the region's own layout.

    The agency's name, the period and the SOPs it evaluated last time are filled in; choices come
    from drop-down lists; the file carries who it is for, so it is recognised when it comes back.

    Example: sopdoc forms -w "D:\\Evaluasi SOP 2025" --period banten-2025-tahap-2 --surat
    """
    season = Season.open(workspace)
    now = parse_now(now_text, season)
    run = season.blank_forms(period_id, now, outdir=outdir, agency_codes=agency_codes)
    for blank in run.written:
        history = (f"{blank.prefilled} SOP dari {blank.from_period}" if blank.from_period
                   else "tanpa SOP terdahulu")
        click.echo(for_terminal(f"  {blank.agency_code:<10} {blank.agency_name} ({history})"))
    click.echo(for_terminal(f"{len(run.written)} formulir {run.period.name} ditulis ke {run.folder}"))
    if not (with_letters or draft or portal_url):
        return
    issue = season.cover_letters(run, now, portal_url=portal_url, reissue=reissue, draft=draft)
    for letter in issue.letters:
        click.echo(for_terminal(f"  surat {letter.number}: {letter.path.name}"))
    if issue.already:
        click.echo(f"{len(issue.already)} surat pengantar sudah diterbitkan sebelumnya (tidak dibuat lagi; --ulang "
                   "untuk menerbitkan ulang).")
    word = "draf surat pengantar" if issue.draft else "surat pengantar"
    click.echo(f"{len(issue.letters)} {word} ditulis.")
