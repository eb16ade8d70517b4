"""`sopdoc status`: who sent on time, who was late, who sent nothing, for one period."""
from __future__ import annotations

import json

import click

from sopdoc.cli.main import OperationalError, cli, now_option, parse_now, workspace_option
from sopdoc.rules.indonesian import moment_text, short_moment
from sopdoc.errors import SopdocError
from sopdoc.outputs.safe_text import for_terminal, toml_quoted
from sopdoc.outputs.status import STATUS_LABELS, PeriodStatus, period_status, waiting_note
from sopdoc.workspace import open_workspace

COLUMNS = ("Kode", "Perangkat Daerah", "Status", "Versi", "Jumlah SOP", "Diterima")
NUMERIC = {"Versi", "Jumlah SOP"}
NAME_WIDTH = 50  # longer register names are cut in the table (the JSON has them whole)


@cli.command()
@workspace_option
@click.option("--period", "period_id", default=None,
              help="Period id from periods.toml; default: the period open now.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object for scripts.")
@now_option
def status(workspace, period_id, as_json, now_text):
    """Show every agency of the register with its status in a period: tepat waktu, terlambat
    (n hari kerja) or belum menyampaikan, its versions and SOP count, and the deadline.

    Example: sopdoc status -w "D:\\Evaluasi SOP 2025" --period banten-2025-tahap-1
    """
    from sopdoc.intake.store import Store

    try:
        ws = open_workspace(workspace)
        now = parse_now(now_text, ws)
        store = Store(ws.store_path)
        try:
            report = period_status(ws, store, period_id, now)
        finally:
            store.close()
    except SopdocError as e:
        raise OperationalError(str(e)) from None
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
    if report.unmatched:
        lines += ["", f"Kiriman yang perangkat daerahnya tidak dikenali ({len(report.unmatched)}):"]
        for d in report.unmatched:
            lines.append(
                f"  {d['agency']['as_written']!r} — {for_terminal(d['source']['file'])}, {len(d['sops'])} SOP, "
                f"diterima {short_moment(d['received_at'], region.timezone)}"
            )
        example = report.unmatched[0]["agency"]["as_written"] or "nama tertulis"
        lines.append(
            f'  Tambahkan alias di sopdoc.toml bagian [aliases], mis. {toml_quoted(example)} = "KODE", '
            "agar kiriman itu (juga yang sudah tersimpan) dihitung untuk perangkat daerah tersebut."
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


# -- JSON ---------------------------------------------------------------------------------------


def status_dict(report: PeriodStatus) -> dict:
    """The report as a JSON-ready object (schema "sopdoc.status/1")."""
    period = report.period
    return {
        "schema": "sopdoc.status/1",
        "region": {"key": report.region.key, "code": report.region.code, "name": report.region.name},
        "period": {"id": period.id, "name": period.name, "opens": period.opens.isoformat()},
        "deadline": report.deadline.isoformat(),
        "now": report.now.isoformat(timespec="seconds"),
        "working_days_left": report.working_days_left,
        "totals": {"agencies": len(report.agencies), **{s: report.count(s) for s in STATUS_LABELS},
                   "unmatched": len(report.unmatched)},
        "agencies": [_agency_dict(a) for a in report.agencies],
        "waiting": [
            {"file": w["name"], "as_written": w["agency_as_written"], "received_at": w["received_at"],
             "reason": w["reason"]}
            for w in report.waiting
        ],
        "unmatched": [
            {"as_written": d["agency"]["as_written"], "file": d["source"]["file"],
             "received_at": d["received_at"], "status": (d["timeliness"] or {}).get("status"),
             "sops": len(d["sops"])}
            for d in report.unmatched
        ],
    }


def _agency_dict(a) -> dict:
    return {
        "code": a.agency.code,
        "name": a.agency.name,
        "status": a.status,
        "label": a.label,
        "working_days_late": a.working_days_late,
        "versions": a.versions,
        "sops": len(a.latest["sops"]) if a.latest else None,
        "received_at": a.received_at,
        "latest_received_at": a.latest["received_at"] if a.latest else None,
        "latest_file": a.latest["source"]["file"] if a.latest else None,
    }
