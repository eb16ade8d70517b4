"""The workspace secret: 32 random bytes in a file only its owner can read, from which every key
the portal signs with is derived (one per purpose, so a key for one job never signs another)."""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from sopdoc.errors import WorkspaceError

SECRET_NAME = ".sopdoc-secret"


def secret_path(root: Path) -> Path:
    return Path(root) / SECRET_NAME


def workspace_secret(root: Path) -> bytes:
    """The secret of the workspace at `root`, made on first use."""
    path = secret_path(root)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32) + "\n")
            f.flush()
            os.fsync(f.fileno())
    try:
        text = path.read_text(encoding="ascii").strip()
        secret = bytes.fromhex(text)
    except (OSError, ValueError) as e:
        raise WorkspaceError(f"Berkas rahasia {path} tidak dapat dibaca: {e}") from None
    if len(secret) < 32:
        raise WorkspaceError(f"Berkas rahasia {path} rusak (terlalu pendek); hapus agar dibuat ulang")
    return secret


def derived_key(secret: bytes, purpose: str) -> bytes:
    """The key for one `purpose` ("receipt", "session", "links")."""
    return hmac.new(secret, b"sopdoc:" + purpose.encode(), hashlib.sha256).digest()
