"""Staff users: names and scrypt password hashes (hashlib, no extra dependency)."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from sopdoc.errors import SopdocError
from sopdoc.intake.store import Store

# RFC 7914 interactive-login parameters: ~50 ms and 16 MiB per check
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
MIN_PASSWORD = 8
NAME_SHAPE = re.compile(r"[A-Za-z0-9._-]{1,64}")


class UserError(SopdocError):
    """A user name or password that cannot be used."""


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                                  p=int(p), dklen=len(digest) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(computed.hex(), digest)


# checked when a name is unknown, so a login takes as long for a wrong name as for a wrong password
_DUMMY_HASH = hash_password(secrets.token_hex(8))


def add_user(store: Store, name: str, password: str, now: dt.datetime) -> None:
    if not NAME_SHAPE.fullmatch(name):
        raise UserError("Nama pengguna hanya boleh huruf, angka, titik, garis bawah atau tanda hubung "
                        "(paling panjang 64)")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"Kata sandi paling sedikit {MIN_PASSWORD} karakter")
    store.add_user(name, hash_password(password), now.isoformat(timespec="seconds"))


def authenticate(store: Store, name: str, password: str) -> bool:
    stored = store.password_hash(name) if NAME_SHAPE.fullmatch(name or "") else None
    matches = password_matches(password, stored or _DUMMY_HASH)
    return stored is not None and matches
