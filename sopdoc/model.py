"""The canonical submission model (../shared/forms/MODEL.md) as plain dataclasses.

Parsers build a `ParsedForm` (what the form says). The host adds what only it knows (region,
period, arrival, timeliness, source, version) and turns it into the canonical JSON object with
`submission_dict`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Optional

SCHEMA_ID = "sopdoc.submission/1"


@dataclass
class Warning:
    """Something a person should look at: stable `code`, Indonesian `message`, `where` in the file."""

    code: str
    message: str
    where: Optional[str] = None


@dataclass
class SopRow:
    row: int
    number: Optional[str]
    title: Optional[str]
    criteria: Optional[dict]
    implementation: Optional[str] = None
    notes: Optional[str] = None
    follow_up: Optional[str] = None


@dataclass
class Signatory:
    name: Optional[str] = None
    nip: Optional[str] = None
    position: Optional[str] = None


@dataclass
class ParsedForm:
    """What one filled-in form says, as a parser read it. No arrival, period or storage facts."""

    agency_as_written: Optional[str]
    agency_where: Optional[str]
    filled_on: Optional[str]  # ISO date
    signatory: Signatory
    sops: list
    warnings: list = field(default_factory=list)
    # A period the form itself names (Banten's "Tahap I"), as a hint for the host: e.g. "tahap-1".
    period_hint: Optional[str] = None


def submission_dict(
    form: ParsedForm,
    *,
    region: dict,
    agency: dict,
    period: Optional[str],
    received_at: Optional[str],
    timeliness: Optional[dict],
    source: dict,
    extra_warnings: list = (),
) -> dict:
    """The canonical JSON object of one submission (key order as in MODEL.md)."""
    return {
        "schema": SCHEMA_ID,
        "region": region,
        "agency": agency,
        "period": period,
        "filled_on": form.filled_on,
        "received_at": received_at,
        "timeliness": timeliness,
        "signatory": _plain(form.signatory),
        "source": source,
        "sops": [_plain(s) for s in form.sops],
        "warnings": [_plain(w) for w in [*form.warnings, *extra_warnings]],
    }


def _plain(record) -> dict:
    """`dataclasses.asdict` for the flat records above (values are plain, `criteria` a flat dict),
    without its deep copy of every value: a form has hundreds of them."""
    return {f.name: (dict(v) if isinstance(v := getattr(record, f.name), dict) else v) for f in fields(record)}
