"""`sopdoc export`, `sopdoc recap` and `sopdoc letters`: what the bureau hands upward and outward."""
from __future__ import annotations

from pathlib import Path

import click

from sopdoc.app import Season
from sopdoc.cli.options import OperationalError, now_option, parse_now, period_option, workspace_option
from sopdoc.outputs import export as formats
from sopdoc.outputs.letters import unmatched_warning
from sopdoc.outputs.recap import write_table
from sopdoc.outputs.safe_text import for_terminal
from sopdoc.vocabulary import STATUS_LABELS


@click.command()
@workspace_option
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json", show_default=True)
@click.option("--rejected", is_flag=True, help="Export the refused files instead of the submissions.")
@click.option("--all-versions", is_flag=True, help="Every version, not only the latest per agency and period.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@click.option("--delimiter", default=";", show_default=True, type=click.Choice([";", ",", "\t", "|"]),
              help="CSV field separator. Excel with Indonesian settings expects ';' (',' is the decimal mark).")
def export(workspace, fmt, rejected, all_versions, output, delimiter):
    """Export the stored submissions (or refusals) as JSON, CSV or an Excel workbook.

    Example: sopdoc export --format csv -o rekap.csv
    """
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx memerlukan -o BERKAS.xlsx")
    rows = Season.open(workspace).export_rows(rejected=rejected, all_versions=all_versions, flat=fmt != "json")
    if fmt == "xlsx":
        write_table(rows, output, "Data")
        click.echo(f"Ditulis: {output}", err=True)
        return
    if output:
        text = formats.json_text(rows) if fmt == "json" else formats.csv_text(rows, delimiter)
        output.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        click.echo(f"Ditulis: {output}", err=True)
    elif fmt == "json":
        click.echo(for_terminal(formats.json_text(rows), lines=True), nl=False)  # still the same JSON
    else:  # on a terminal every cell is shown escaped; in a file it is kept as sent
        click.echo(formats.csv_text(rows, delimiter, shown=for_terminal), nl=False)


@click.command()
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
    season = Season.open(workspace)
    result = season.recap(period_id, parse_now(now_text, season), output)
    summary = result.summary
    counts = ", ".join(f"{summary.statuses[s]} {label.lower()}" for s, label in STATUS_LABELS.items())
    undetermined = (f", {summary.total.undetermined} tidak dapat dinilai (ada kriteria kosong atau tidak terbaca)"
                    if summary.total.undetermined else "")
    click.echo(f"Rekap {result.status.period.name}: {summary.agencies} perangkat daerah ({counts}), "
               f"{summary.total.sops} SOP, {summary.total.meets_all} memenuhi 7 kriteria{undetermined}.")
    click.echo(f"Ditulis: {result.path}")


@click.command()
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
    if not as_list and kind is None:
        raise click.UsageError("Sebutkan --kind undangan|teguran|laporan, atau --list.")
    season = Season.open(workspace)
    if as_list:
        _echo_list(season.letters())
        return
    result = season.issue_letters(kind, period_id, parse_now(now_text, season),
                                  reissue=reissue, draft=draft, pdf=pdf)
    # first: a teguran might otherwise go to an agency that did send
    for line in unmatched_warning(result.status):
        click.echo(line)
    issue = result.issue
    for note in issue.skipped:
        click.echo(for_terminal(f"Catatan: {note}"))
    if issue.already:
        click.echo(f"{len(issue.already)} surat {kind} sudah diterbitkan sebelumnya untuk penerima yang sama "
                   "dan tidak dibuat lagi (gunakan --ulang untuk menerbitkan ulang dengan nomor baru):")
        for letter in issue.already:
            click.echo(for_terminal(f"  {letter.number:<32} {letter.label}"))
    if not issue.letters:
        click.echo("Tidak ada surat yang dibuat.")
    elif issue.draft:
        click.echo(f"{len(issue.letters)} draf surat {kind} (nomor {issue.letters[0].number}, tidak dicatat) "
                   f"dibuat di {issue.letters[0].path.parent}:")
    else:
        click.echo(f"{len(issue.letters)} surat {kind} dibuat di {issue.letters[0].path.parent}:")
    for letter in issue.letters:
        again = f"  (pengganti {letter.replaces})" if letter.replaces else ""
        click.echo(for_terminal(f"  {letter.number:<32} {letter.path.name}{again}"))
    if issue.draft and issue.letters:
        if issue.missing_config:
            click.echo(
                "Perhatian: sopdoc.toml bagian [letters] belum diisi lengkap ("
                + ", ".join(issue.missing_config)
                + "); draf memuat isian [dalam kurung siku]. Isi lalu jalankan tanpa --draf untuk menerbitkan."
            )
        else:
            click.echo("Ini draf: jalankan tanpa --draf untuk menerbitkan surat bernomor.")
    if result.pdf_error:
        raise OperationalError(result.pdf_error)
    if result.pdfs:
        click.echo(f"{len(result.pdfs)} PDF dibuat di {result.pdfs[0].parent}.")


def _echo_list(rows):
    if not rows:
        click.echo("Belum ada surat yang diterbitkan.")
        return
    for r in rows:
        click.echo(f"{r['issued_at'][:16].replace('T', ' ')}  {r['kind']:<9} {r['number']:<32} "
                   f"{r['agency_code'] or '-':<10} {r['path']}")
