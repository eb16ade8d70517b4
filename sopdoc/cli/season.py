"""`sopdoc move`, `sopdoc rebuild` and `sopdoc backup`: keeping a season right and safe."""
from __future__ import annotations

from pathlib import Path

import click

from sopdoc.app import Season
from sopdoc.cli.options import workspace_option
from sopdoc.outputs.safe_text import for_terminal


@click.command()
@click.argument("file_or_sha256")
@click.option("--period", "period_id", required=True, help="Period id from periods.toml to move it into.")
@workspace_option
def move(file_or_sha256, period_id, workspace):
    """Move a stored submission into another period.

    FILE_OR_SHA256 is the archived file (its path or name) or its sha256 (the first 8 or more
    digits are enough). The file moves to archive/<period>/, its timeliness is counted against
    the new period's deadline, versions are renumbered in both periods, and the journal records
    who moved it and when.

    Example: sopdoc move "archive/banten-2025-tahap-2/Evaluasi Dinkes.xlsx" --period banten-2025-tahap-1
    """
    moved = Season.open(workspace).move(file_or_sha256, period_id)
    timeliness = moved.timeliness
    when = ("tepat waktu" if timeliness["status"] == "tepat_waktu"
            else f"terlambat {timeliness['working_days_late']} hari kerja")
    click.echo(f"Dipindahkan: {for_terminal(moved.file)} dari {moved.from_period} ke {moved.to_period} "
               f"→ {for_terminal(moved.stored_as.replace(chr(92), '/'))} ({when}).")


@click.command()
@workspace_option
def rebuild(workspace):
    """Make the store (sopdoc.db) again from archive/, rejected/ and the journal (sopdoc.journal).

    For a store that was deleted, lost or damaged: the same submissions, versions, arrival times,
    statuses and letters; the letter counter goes on after the highest number ever issued. A store
    that still exists is left alone: move it aside first.

    Example: sopdoc rebuild -w "D:\\Evaluasi SOP 2025"
    """
    season, report = Season.rebuild(workspace)
    click.echo(f"Basis data dibuat ulang: {season.ws.store_path}")
    click.echo(f"  {report.accepted} kiriman diterima, {report.duplicates} duplikat, {report.refused} ditolak, "
               f"{report.letters} surat, {report.waiting} berkas menunggu periode.")
    if report.unjournaled:
        click.echo(f"  {len(report.unjournaled)} berkas tidak tercatat di jurnal; waktu terimanya diambil dari "
                   "waktu berkas:")
        for stored_as in report.unjournaled:
            click.echo(f"    {for_terminal(stored_as)}")
    if report.missing:
        click.echo(f"  {len(report.missing)} catatan jurnal tanpa berkasnya (tidak dimasukkan):")
        for stored_as, why in report.missing:
            click.echo(f"    {for_terminal(stored_as)}: {for_terminal(why)}")


@click.command()
@workspace_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the copy here (default: cadangan/sopdoc-YYYYMMDD-HHMMSS.db in the workspace).")
def backup(workspace, output):
    """Write a consistent copy of the store, also while sopdoc is processing (SQLite backup API).

    Back up the copy together with archive/, rejected/ and sopdoc.journal (see README).

    Example: sopdoc backup -w "D:\\Evaluasi SOP 2025" -o "E:\\cadangan\\sopdoc.db"
    """
    target = Season.open(workspace).backup(output)
    click.echo(f"Cadangan basis data ditulis: {target}")
