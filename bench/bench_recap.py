"""Benchmark: the recap workbook at national size (500 agencies x 40 SOPs = 20,000 SOP rows).

Prints the seconds `write_recap` takes and the peak memory it allocates on top of its input
(tracemalloc), for a small and the full size, so "flat in the number of rows" can be read off.
Prints, never asserts. Run: python bench/bench_recap.py
"""
from __future__ import annotations

import datetime as dt
import tempfile
import time
import tracemalloc
from pathlib import Path

from sopdoc.rules.agencies import Agency
from sopdoc.rules.deadlines import Period, Region
from sopdoc.vocabulary import CRITERIA
from sopdoc.outputs.recap import write_recap
from sopdoc.outputs.status import AgencyStatus, PeriodStatus

REGION = Region(key="nasional", name="Uji Nasional", code="00", timezone="Asia/Jakarta", capital="Jakarta",
                organizer="Biro Organisasi (uji beban)", legal_basis=None, periods=())
PERIOD = Period(id="uji-2025", name="Evaluasi SOP Uji Beban 2025", opens=dt.date(2025, 5, 8),
                closes=dt.date(2025, 5, 16), working_days=None)


def synthetic_status(n_agencies: int, sops_each: int) -> PeriodStatus:
    """A PeriodStatus of `n_agencies`, all of which sent (every seventh late), plus one that sent nothing."""
    tz = REGION.tz
    deadline = dt.datetime(2025, 5, 16, 23, 59, 59, tzinfo=tz)
    agencies = []
    for i in range(n_agencies):
        agency = Agency(f"00.{i:03d}", f"Dinas Uji Nomor {i}", f"Dinas {i}", "Dinas", i % 4 + 1)
        late = i % 7 == 6
        received = dt.datetime(2025, 5, 20 if late else 14, 9, 30, tzinfo=tz).isoformat()
        sops = [{
            "row": r + 1, "number": f"SOP/{i:03d}/{r + 1:03d}/2025",
            "title": ("=HYPERLINK(\"x\")" if r == 0 else f"Prosedur Pelayanan Nomor {r + 1}"),
            "criteria": {k: (r + j) % 5 != 0 for j, k in enumerate(CRITERIA)},
            "implementation": "baik" if r % 3 else "tidak_baik",
            "notes": "Perlu diperjelas" if r % 4 == 0 else None,
            "follow_up": ("dipertahankan", "direvisi", "dicabut")[r % 3],
        } for r in range(sops_each)]
        document = {
            "agency": {"code": agency.code, "name": agency.name, "as_written": agency.name},
            "received_at": received,
            "timeliness": {"status": "terlambat" if late else "tepat_waktu", "working_days_late": 2 if late else 0},
            "source": {"file": f"Evaluasi SOP {agency.short_name}.xlsx", "version": 1},
            "sops": sops,
            "warnings": [{"code": "nip_tidak_valid", "message": "NIP tidak 18 digit", "where": "Sheet1!K24"}],
        }
        agencies.append(AgencyStatus(agency, "terlambat" if late else "tepat_waktu", received, 2 if late else 0,
                                     1, document, document))
    agencies.append(AgencyStatus(Agency("00.999", "Badan Tanpa Kiriman", "BTK", "Badan", 4), "belum_menyampaikan"))
    return PeriodStatus(REGION, PERIOD, deadline, dt.datetime(2025, 6, 2, 10, tzinfo=REGION.tz), 0, agencies)


def bench_recap(n_agencies: int = 500, sops_each: int = 40) -> tuple:
    """Write the recap twice (timed, then under tracemalloc); print and return (seconds, peak MiB)."""
    status = synthetic_status(n_agencies, sops_each)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rekap.xlsx"
        started = time.perf_counter()
        write_recap(status, path)
        seconds = time.perf_counter() - started
        size = path.stat().st_size
        # a separate run: tracemalloc slows Python several times over
        tracemalloc.start()
        write_recap(status, path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rows = sum(len(a.latest["sops"]) for a in status.agencies if a.latest)
    peak_mib = peak / 2**20
    print(f"recap {n_agencies:>4} OPD x {sops_each} SOP = {rows:>6} baris SOP: {seconds:6.2f} s, "
          f"puncak memori tambahan {peak_mib:5.1f} MiB, berkas {size / 2**20:.1f} MiB")
    return seconds, peak_mib


if __name__ == "__main__":
    bench_recap(50, 40)
    bench_recap(500, 40)
