"""Who sent a form: the agency name typed on it, weighed against the identity sopdoc stamped into
the blank it came from (sopdoc.stamp), and against the upload link it came through.

An intact stamp that agrees with the typed name makes the agency certain. Where they disagree the
typed name decides, because a person wrote it for this submission, and a warning says so; an
altered stamp is ignored with a warning. Pure functions: the host reads the stamp and the name.
"""
from __future__ import annotations

from typing import Optional

from sopdoc.model import Warning
from sopdoc.stamp import StampReading


def reconcile(found: StampReading, typed, typed_warnings: list, register, as_written: Optional[str],
              where: Optional[str], region_key: Optional[str] = None) -> tuple:
    """(Agency or None, warnings) from the register match of the typed name (`typed`, with the
    register's `typed_warnings`) and the file's stamp."""
    if found.broken:
        return typed, [*typed_warnings, Warning(
            "identitas_formulir_rusak",
            "Identitas tersemat formulir (properti dokumen) telah diubah sehingga tidak cocok dengan "
            "checksum-nya; identitas itu diabaikan dan perangkat daerah ditentukan dari nama yang tertulis",
            where)]
    stamp = found.stamp
    if stamp is None:
        return typed, typed_warnings
    embedded = register.by_code.get(stamp.agency)
    if embedded is None or (region_key is not None and stamp.region != region_key):
        return typed, [*typed_warnings, Warning(
            "identitas_formulir_tidak_dikenal",
            f"Formulir dibuat untuk kode perangkat daerah {stamp.agency!r} ({stamp.region}) yang tidak ada di "
            "daftar daerah ini; perangkat daerah ditentukan dari nama yang tertulis", where)]
    if typed is None:
        return embedded, [Warning(
            "opd_dari_identitas_formulir",
            f"Nama perangkat daerah {as_written or '(kosong)'!r} tidak dikenali; perangkat daerah ditentukan dari "
            f"identitas tersemat formulir: {embedded.name}. Periksa bila formulir dipakai perangkat daerah lain",
            where)]
    if typed.code == embedded.code:
        return typed, []
    return typed, [*typed_warnings, Warning(
        "identitas_formulir_berbeda",
        f"Formulir ini dibuat untuk {embedded.name}, tetapi yang tertulis {typed.name}; yang tertulis dipakai. "
        "Periksa apakah formulir perangkat daerah lain disalin", where)]


def upload_link_warnings(agency, found: StampReading, link_agency, where: Optional[str] = None) -> list:
    """Warnings for a form uploaded through `link_agency`'s own link (the portal): flagged when
    the form names another agency, or was written for another agency."""
    if link_agency is None:
        return []
    others = []
    if agency is not None and agency.code != link_agency.code:
        others.append(f"formulir menyebut {agency.name}")
    if found.stamp is not None and found.stamp.agency not in (link_agency.code, getattr(agency, "code", None)):
        others.append(f"formulir dibuat untuk kode {found.stamp.agency}")
    if not others:
        return []
    return [Warning("tautan_opd_lain",
                    f"Formulir diunggah melalui tautan {link_agency.name}, tetapi {' dan '.join(others)}. "
                    "Periksa siapa pengirimnya", where)]
