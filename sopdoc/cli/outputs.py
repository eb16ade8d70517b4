"""`sopdoc recap` and `sopdoc letters`, and the xlsx branch of `sopdoc export`: what the bureau
hands upward and outward."""
from __future__ import annotations

from pathlib import Path

import click

from sopdoc.cli.main import OperationalError, cli, now_option, parse_now, workspace_option
from sopdoc.errors import SopdocError
from sopdoc.workspace import open_workspace

period_option = click.option("--period", "period_id", default=None,
                             help="Period id from periods.toml; default: the period open now.")
@cli.command()
@workspace_option
@period_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write here instead of outbox/<period>/Rekap Evaluasi SOP <period>.xlsx.")
@now_option
def recap(workspace, period_id, output, now_text):
    """Write the recap workbook of a period (Ringkasan, Rekap SOP, Kriteria, Peringatan).

    It is also rewritten after every `process` batch and every watcher batch.

    Example: sopdoc recap -w "D:\\Evaluasi SOP 2025" --period banten-2025-tahap-1
    """
    from sopdoc.outputs.recap import recap_path, summarize, write_recap
    from sopdoc.outputs.status import STATUS_LABELS, period_status
    from sopdoc.intake.store import Store

    try:
        ws = open_workspace(workspace)
        store = Store(ws.store_path)
        try:
            report = period_status(ws, store, period_id, parse_now(now_text, ws))
            path = write_recap(report, output or recap_path(ws, report.period.id), store)
        finally:
            store.close()
    except SopdocError as e:
        raise OperationalError(str(e)) from None
    summary = summarize(report)
    counts = ", ".join(f"{summary.statuses[s]} {label.lower()}" for s, label in STATUS_LABELS.items())
    undetermined = (f", {summary.total.undetermined} tidak dapat dinilai (ada kriteria kosong atau tidak terbaca)"
                    if summary.total.undetermined else "")
    click.echo(f"Rekap {report.period.name}: {summary.agencies} perangkat daerah ({counts}), "
               f"{summary.total.sops} SOP, {summary.total.meets_all} memenuhi 7 kriteria{undetermined}.")
    click.echo(f"Ditulis: {path}")


@cli.command()
@workspace_option
@period_option
@click.option("--kind", type=click.Choice(["undangan", "teguran", "laporan"]), default=None,
              help="undangan: per meeting, for on-time agencies; teguran: per late or missing agency "
                   "(after the deadline); laporan: nota dinas to the Sekretaris Daerah.")
@click.option("--pdf", is_flag=True, help="Also convert the letters to PDF with LibreOffice.")
@click.option("--ulang", "reissue", is_flag=True,
              help="Reissue, with new numbers, letters already issued to the same recipient for the period.")
@click.option("--draf", "draft", is_flag=True,
              help="Drafts only: numbered DRAF, written to outbox/<period>/surat/draf/, not recorded; "
                   "works before [letters] in sopdoc.toml is filled in.")
@click.option("--list", "as_list", is_flag=True, help="List every letter issued so far instead.")
@now_option
def letters(workspace, period_id, kind, pdf, reissue, draft, as_list, now_text):
    """Make official letters (surat dinas) from the Word templates in the workspace's templates/.

    Letters go to outbox/<period>/surat/, each numbered from [letters] number_pattern in
    sopdoc.toml with a running number that is never reused. A letter already issued to the same
    recipient for the period is not made again (use --ulang to reissue). Until [letters] is
    filled in, only drafts can be made (--draf).

    Example: sopdoc letters -w "D:\\Evaluasi SOP 2025" --kind teguran --pdf
    """
    from sopdoc.outputs.letters import LettersError, issue_letters, list_letters, to_pdf, unmatched_warning
    from sopdoc.outputs.status import period_status
    from sopdoc.intake.store import Store

    if not as_list and kind is None:
        raise click.UsageError("Sebutkan --kind undangan|teguran|laporan, atau --list.")
    try:
        ws = open_workspace(workspace)
        store = Store(ws.store_path)
        try:
            if as_list:
                _echo_list(list_letters(store))
                return
            status = period_status(ws, store, period_id, parse_now(now_text, ws))
            # before any letter: a teguran might otherwise go to an agency that did send
            for line in unmatched_warning(status):
                click.echo(line)
            issue = issue_letters(ws, store, kind, reissue=reissue, draft=draft, status=status)
        finally:
            store.close()
    except SopdocError as e:
        raise OperationalError(str(e)) from None
    for note in issue.skipped:
        click.echo(f"Catatan: {note}")
    if issue.already:
        click.echo(f"{len(issue.already)} surat {kind} sudah diterbitkan sebelumnya untuk penerima yang sama "
                   "dan tidak dibuat lagi (gunakan --ulang untuk menerbitkan ulang dengan nomor baru):")
        for letter in issue.already:
            click.echo(f"  {letter.number:<32} {letter.label}")
    if not issue.letters:
        click.echo("Tidak ada surat yang dibuat.")
    elif issue.draft:
        click.echo(f"{len(issue.letters)} draf surat {kind} (nomor {issue.letters[0].number}, tidak dicatat) "
                   f"dibuat di {issue.letters[0].path.parent}:")
    else:
        click.echo(f"{len(issue.letters)} surat {kind} dibuat di {issue.letters[0].path.parent}:")
    for letter in issue.letters:
        again = f"  (pengganti {letter.replaces})" if letter.replaces else ""
        click.echo(f"  {letter.number:<32} {letter.path.name}{again}")
    if issue.draft and issue.letters:
        if issue.missing_config:
            click.echo(
                "Perhatian: sopdoc.toml bagian [letters] belum diisi lengkap ("
                + ", ".join(issue.missing_config)
                + "); draf memuat isian [dalam kurung siku]. Isi lalu jalankan tanpa --draf untuk menerbitkan."
            )
        else:
            click.echo("Ini draf: jalankan tanpa --draf untuk menerbitkan surat bernomor.")
    # --pdf also converts the letters issued before for these recipients: asking again is how to get their PDFs
    to_convert = issue.letters + [letter for letter in issue.already if letter.path.is_file()]
    if pdf and to_convert:
        try:
            pdfs = to_pdf([letter.path for letter in to_convert])
        except LettersError as e:
            raise OperationalError(str(e)) from None
        click.echo(f"{len(pdfs)} PDF dibuat di {pdfs[0].parent}.")


def _echo_list(rows):
    if not rows:
        click.echo("Belum ada surat yang diterbitkan.")
        return
    for r in rows:
        click.echo(f"{r['issued_at'][:16].replace('T', ' ')}  {r['kind']:<9} {r['number']:<32} "
                   f"{r['agency_code'] or '-':<10} {r['path']}")


def export_xlsx(rows, output) -> None:
    """The xlsx branch of `sopdoc export`: rows (dicts) into one sheet of `output`."""
    from sopdoc.outputs.recap import write_table

    if output is None:
        raise click.UsageError("--format xlsx memerlukan -o BERKAS.xlsx")
    try:
        write_table(rows, output, "Data")
    except SopdocError as e:
        raise OperationalError(str(e)) from None
    click.echo(f"Ditulis: {output}", err=True)
