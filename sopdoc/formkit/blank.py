"""What the host asks a plugin to write when it wants a blank form (hook `sopdoc_blank_form`)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class BlankSop:
    """An SOP the agency evaluated before: pre-filled so it only marks the answers."""

    number: str
    title: str


@dataclass(frozen=True)
class BlankForm:
    """One agency's blank for one period.

    `agency` is the agency's name as in the register; `region` the region's name ("Provinsi
    Banten") and `place` its capital, for the signature line. `earliest` and `latest` bound the
    fill date an agency may type (date validation). `sops` are pre-filled in order; `spare_rows`
    empty rows follow them for SOPs the agency adds.
    """

    agency: str
    region: str
    place: str
    period_id: str
    period_name: str
    earliest: dt.date
    latest: dt.date
    sops: tuple = ()
    spare_rows: int = 5

    @property
    def stage(self) -> str | None:
        """"Tahap II" when the period id ends in "tahap-2", else None."""
        head, _, number = self.period_id.rpartition("-")
        if head.endswith("tahap") and number.isdigit() and 0 < int(number) < 5:
            return "Tahap " + ("I", "II", "III", "IV")[int(number) - 1]
        return None
