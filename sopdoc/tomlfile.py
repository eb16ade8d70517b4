"""Reading the workspace's TOML files, with errors people can act on (Indonesian, with the line)."""
from __future__ import annotations

import re
import sys

from sopdoc.errors import WorkspaceError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_WHERE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")
# the commonest tomllib complaints, in the words a bureau's staff read
_PROBLEMS = (
    ("Expected '=' after a key", "tanda '=' tidak ada setelah nama isian"),
    ("Invalid value", "nilai tidak sah (teks perlu tanda kutip \"...\")"),
    ("Illegal character", "karakter tidak sah"),
    ("Unterminated string", "tanda kutip penutup tidak ada"),
    ("Cannot declare", "bagian atau isian ditulis dua kali"),
    ("Cannot overwrite a value", "isian ditulis dua kali"),
    ("Expected newline or end of document", "ada teks lebih setelah nilai pada baris yang sama"),
    ("Invalid statement", "baris tidak dapat dibaca"),
    ("Unclosed array", "daftar [...] tidak ditutup"),
    ("Invalid date or datetime", "tanggal tidak sah (format TTTT-BB-HH)"),
)


def describe_toml_error(error: tomllib.TOMLDecodeError) -> str:
    """"baris 3, kolom 9: tanda '=' tidak ada setelah nama isian" for a tomllib error."""
    text = str(error)
    where = _WHERE.search(text)
    problem = _WHERE.sub("", text)
    said = next((indonesian for english, indonesian in _PROBLEMS if problem.startswith(english)),
                f"sintaks TOML tidak sah ({problem})")
    if where is None:
        return said
    if where.group(1) is None:
        return f"di akhir berkas: {said}"
    return f"baris {where.group(1)}, kolom {where.group(2)}: {said}"


def loads(text: str, source) -> dict:
    """Parse TOML `text` read from `source`; a syntax error becomes a WorkspaceError naming the line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise WorkspaceError(f"{source} bukan TOML yang sah: {describe_toml_error(e)}") from None
