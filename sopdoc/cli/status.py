"""`sopdoc status`: who sent on time, who was late, who sent nothing, for one period."""
from __future__ import annotations

import json

import click

from sopdoc.app import Season
from sopdoc.cli.options import now_option, parse_now, period_option, workspace_option
from sopdoc.outputs.status import PeriodStatus, status_dict, waiting_note
from sopdoc.rules.indonesian import moment_text, short_moment
from sopdoc.outputs.safe_text import for_terminal, toml_quoted

COLUMNS = ("Kode", "Perangkat Daerah", "Status", "Versi", "Jumlah SOP", "Diterima")
NUMERIC = {"Versi", "Jumlah SOP"}
NAME_WIDTH = 50  # longer register names are cut in the table (the JSON has them whole)


@click.command()
@workspace_option
@period_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object for scripts.")
@now_option
def status(workspace, period_id, as_json, now_text):
    """Show every agency of the register with its status in a period: tepat waktu, terlambat
    (n hari kerja) or belum menyampaikan, its versions and SOP count, and the deadline.

    Example: sopdoc status -w "D:\\Evaluasi SOP 2025" --period banten-2025-tahap-1
    """
    season = Season.open(workspace)
    report = season.status(period_id, parse_now(now_text, season))
    if as_json:
        click.echo(for_terminal(json.dumps(status_dict(report), ensure_ascii=False, indent=2), lines=True))
    else:
        click.echo("\n".join(status_lines(report)))


# -- text ---------------------------------------------------------------------------------------


def time_left(report: PeriodStatus) -> str:
    if report.working_days_left:
        return f"{report.working_days_left} hari kerja lagi"
    if report.now <= report.deadline:
        return "hari ini hari terakhir"
    return "batas waktu sudah lewat"


def status_lines(report: PeriodStatus) -> list:
    region = report.region
    lines = [
        f"{region.name} — {report.period.name} ({report.period.id})",
        f"Batas waktu : {moment_text(report.deadline, region.timezone)}",
        f"Sisa waktu  : {time_left(report)}",
        "",
    ]
    rows = [_row(a, region) for a in report.agencies]
    lines += _table(rows)
    lines += ["", (
        f"Jumlah: {len(report.agencies)} perangkat daerah — {report.count('tepat_waktu')} tepat waktu, "
        f"{report.count('terlambat')} terlambat, {report.count('belum_menyampaikan')} belum menyampaikan."
    )]
    if not any(report.is_organizer(a) for a in report.agencies) and report.region.organizer_code:
        lines.append(f"Penyelenggara ({report.region.organizer}) tidak dihitung sebagai perangkat daerah "
                     "yang wajib menyampaikan.")
    if report.unmatched:
        lines += ["", f"Kiriman yang perangkat daerahnya tidak dikenali ({len(report.unmatched)}):"]
        for d in report.unmatched:
            lines.append(
                f"  {d['agency']['as_written']!r} — {for_terminal(d['source']['file'])}, {len(d['sops'])} SOP, "
                f"diterima {short_moment(d['received_at'], region.timezone)}"
            )
        quoted = toml_quoted(report.unmatched[0]["agency"]["as_written"] or "nama tertulis")
        lines.append(
            f'  Tambahkan alias di sopdoc.toml bagian [aliases], mis. {quoted} = "KODE", '
            "agar kiriman itu (juga yang sudah tersimpan) dihitung untuk perangkat daerah tersebut; berlaku "
            f"pada sopdoc process berikutnya, atau seketika dengan: sopdoc alias {quoted} KODE"
        )
    if report.waiting:
        lines += ["", waiting_note(report.waiting) + ":"]
        for w in report.waiting:
            lines.append(f"  {for_terminal(w['name'])} — {for_terminal(w['agency_as_written'] or '?')}, "
                         f"diterima {short_moment(w['received_at'], region.timezone)}")
    return lines


def _row(a, region) -> dict:
    return {
        "Kode": a.agency.code,
        "Perangkat Daerah": _cut(for_terminal(a.agency.name), NAME_WIDTH),
        "Status": a.label,
        "Versi": str(a.versions),
        "Jumlah SOP": str(len(a.latest["sops"])) if a.latest else "-",
        "Diterima": short_moment(a.received_at, region.timezone) or "-",
    }


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _table(rows: list) -> list:
    widths = {c: max([len(c)] + [len(r[c]) for r in rows]) for c in COLUMNS}

    def line(values):
        cells = [values[c].rjust(widths[c]) if c in NUMERIC else values[c].ljust(widths[c]) for c in COLUMNS]
        return "  ".join(cells).rstrip()

    return [line({c: c for c in COLUMNS}), line({c: "-" * widths[c] for c in COLUMNS})] + [line(r) for r in rows]
