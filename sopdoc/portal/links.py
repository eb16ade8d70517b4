"""Agency upload links: one per agency and period, its token derived from the workspace secret and
a generation number. The store holds only each token's sha256, so a copy of the store opens no
upload page; the token can still be printed again (`sopdoc links`) because it is derived, and a
rotation (a new generation) revokes the old link."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Optional

from sopdoc.errors import WorkspaceError
from sopdoc.intake.store import Store
from sopdoc.portal.secret import derived_key

TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32}")
UPLOAD_PATH = "/unggah/"


@dataclass(frozen=True)
class Link:
    agency_code: str
    agency_name: str
    period: str
    token: str

    def url(self, base_url: str) -> str:
        return base_url.rstrip("/") + UPLOAD_PATH + self.token

    def as_dict(self, base_url: str) -> dict:
        return {"agency_code": self.agency_code, "agency_name": self.agency_name, "period": self.period,
                "url": self.url(base_url)}


def offered_period(region, period_id: Optional[str], now: dt.datetime):
    """The period links are for: `period_id`, else the one open now, else the next to open (links
    go out before a period opens), else the latest."""
    from sopdoc.outputs.status import pick_period

    if period_id:
        return pick_period(region, period_id, now)
    try:
        return pick_period(region, None, now)
    except WorkspaceError:
        if not region.periods:
            raise
    upcoming = [p for p in region.periods if p.opens > now.date()]
    return min(upcoming, key=lambda p: p.opens) if upcoming else max(region.periods, key=lambda p: p.opens)


def make_token(secret: bytes, period: str, agency_code: str, generation: int) -> str:
    digest = hmac.new(derived_key(secret, "links"), f"{period}\n{agency_code}\n{generation}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode("ascii")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def live_links(store: Store, secret: bytes, register, period: str) -> dict:
    """agency code -> the live link, for each register agency in `period` that has one. Only reads."""
    found = {}
    for agency in register.agencies:
        row = store.current_link(period, agency.code)
        if row is not None and row["revoked_at"] is None:
            found[agency.code] = Link(agency.code, agency.name, period,
                                      make_token(secret, period, agency.code, row["generation"]))
    return found


def make_missing_links(store: Store, secret: bytes, register, period: str, now: dt.datetime) -> int:
    """Make a link for every register agency in `period` that has no live one (never had one, or
    its last was revoked); returns how many were made."""
    made = 0
    for agency in register.agencies:
        row = store.current_link(period, agency.code)
        if row is not None and row["revoked_at"] is None:
            continue
        generation = (row["generation"] + 1) if row is not None else 1
        store.add_link(period=period, agency_code=agency.code, generation=generation,
                       token_hash=token_hash(make_token(secret, period, agency.code, generation)),
                       created_at=now.isoformat(timespec="seconds"))
        made += 1
    return made


def current_links(store: Store, secret: bytes, register, period: str, now: dt.datetime) -> list:
    """The live link of every register agency in `period`, made for those that have none yet."""
    make_missing_links(store, secret, register, period, now)
    live = live_links(store, secret, register, period)
    return [live[agency.code] for agency in register.agencies]


def rotate(store: Store, secret: bytes, register, period: str, agency_code: str, now: dt.datetime) -> Link:
    """Revoke an agency's link for `period` and make a new one."""
    agency = register.by_code.get(agency_code)
    if agency is None:
        raise WorkspaceError(f"Kode perangkat daerah {agency_code!r} tidak ada di daftar perangkat daerah")
    row = store.current_link(period, agency_code)
    generation = (row["generation"] + 1) if row is not None else 1
    token = make_token(secret, period, agency_code, generation)
    store.add_link(period=period, agency_code=agency_code, generation=generation, token_hash=token_hash(token),
                   created_at=now.isoformat(timespec="seconds"), revoke_before=True)
    return Link(agency.code, agency.name, period, token)


def resolve(store: Store, token: str) -> Optional[tuple]:
    """(period, agency_code) of a live link's token; None for a wrong, malformed or revoked one."""
    if not TOKEN_SHAPE.fullmatch(token or ""):
        return None
    wanted = token_hash(token)
    row = store.link_by_hash(wanted)
    if row is None or not hmac.compare_digest(row["token_hash"], wanted) or row["revoked_at"] is not None:
        return None
    return row["period"], row["agency_code"]
