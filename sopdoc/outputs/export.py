"""`sopdoc export`: stored submissions (or refusals) as rows for JSON, CSV or a workbook."""
from __future__ import annotations

import csv
import io
import json
from typing import Iterable

from sopdoc.outputs.recap import ABSENT, absent_fields
from sopdoc.vocabulary import CRITERIA, YES_NO
from sopdoc.outputs.safe_text import inert


def sop_rows(documents: Iterable[dict]) -> list:
    """One flat row per SOP of each canonical object: the agency, version and timeliness beside it."""
    rows = []
    for d in documents:
        timeliness = d["timeliness"] or {}
        absent = absent_fields(d)  # a column the form does not have: "–", not empty
        for s in d["sops"]:
            row = {
                "periode": d["period"], "kode_opd": d["agency"]["code"], "nama_opd": d["agency"]["name"],
                "opd_tertulis": d["agency"]["as_written"], "versi": d["source"]["version"],
                "diterima": d["received_at"], "status": timeliness.get("status"),
                "hari_kerja_terlambat": timeliness.get("working_days_late"),
                "no": s["row"], "nomor_sop": s["number"], "nama_sop": s["title"],
            }
            for key in CRITERIA:
                row[key] = YES_NO.get((s["criteria"] or {}).get(key), "")
            row.update(penerapan=ABSENT if "implementation" in absent else s["implementation"], catatan=s["notes"],
                       tindak_lanjut=ABSENT if "follow_up" in absent else s["follow_up"],
                       berkas=d["source"]["file"])
            rows.append(row)
    return rows


def json_text(records: list) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def csv_text(rows: list, delimiter: str = ";", shown=lambda text: text) -> str:
    """Rows as CSV (keys of the first row as the header); agency text made inert for spreadsheets
    and passed through `shown` (for a terminal: safe_text.for_terminal)."""
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: shown(inert(v)) if isinstance(v, str) else v for k, v in row.items()})
    return out.getvalue()
