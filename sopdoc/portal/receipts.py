"""Receipts (tanda terima): what the bureau received, when, and its sha256, signed with the
workspace secret so a receipt shown later can be checked as genuine."""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Optional

from sopdoc.intake.store import Store
from sopdoc.portal.secret import derived_key

SIGNED_FIELDS = ("number", "received_at", "agency_code", "period", "file_name", "size", "sha256", "outcome")


def signature(secret: bytes, receipt: dict) -> str:
    payload = json.dumps({k: receipt[k] for k in SIGNED_FIELDS}, sort_keys=True, ensure_ascii=False,
                         separators=(",", ":"))
    return hmac.new(derived_key(secret, "receipt"), payload.encode("utf-8"), hashlib.sha256).hexdigest()


def is_genuine(secret: bytes, receipt: dict) -> bool:
    return hmac.compare_digest(signature(secret, receipt), receipt.get("signature") or "")


def issue(store: Store, secret: bytes, *, file_id: Optional[int], received_at: str, agency_code: str,
          period: str, file_name: str, size: int, sha256: str, outcome: str) -> dict:
    """Record and return a signed receipt. Its number carries a random part, so numbers cannot be
    guessed from one another on the public verification page."""
    year = received_at[:4]

    def number(seq: int) -> str:
        return f"TT-{year}-{seq:06d}-{secrets.token_hex(3).upper()}"

    return store.record_receipt(
        make_number=number, sign=lambda receipt: signature(secret, receipt),
        fields={"file_id": file_id, "received_at": received_at, "agency_code": agency_code, "period": period,
                "file_name": file_name, "size": size, "sha256": sha256, "outcome": outcome},
    )


def public_view(receipt: dict) -> dict:
    """The receipt as the contract's JSON shows it."""
    return {k: receipt[k] for k in ("number", "received_at", "sha256", "agency_code", "period", "signature")}
