"""A region's agency register (kode, nama, singkatan, kategori, kelompok) and name matching."""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Optional

from rapidfuzz import fuzz, process

from sopdoc.errors import WorkspaceError
from sopdoc.model import Warning

# Below this similarity (0-100) a name is not even suggested.
SUGGEST_SCORE = 80


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    short_name: str
    category: str
    group: Optional[int]


def read_register(text: str, source: str = "register") -> list:
    agencies = []
    for i, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            group = row.get("kelompok", "").strip()
            agencies.append(Agency(
                code=row["kode"].strip(),
                name=row["nama"].strip(),
                short_name=(row.get("singkatan") or "").strip(),
                category=(row.get("kategori") or "").strip(),
                group=int(group) if group else None,
            ))
        except (KeyError, ValueError, AttributeError) as e:
            raise WorkspaceError(f"Daftar perangkat daerah {source} baris {i} tidak valid: {e}") from None
    if not agencies:
        raise WorkspaceError(f"Daftar perangkat daerah {source} kosong")
    return agencies


def load_register(region: str, path: Optional[Path] = None) -> list:
    """The register of `region`: the workspace's copy at `path` if given, else the bundled one."""
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except OSError as e:
            raise WorkspaceError(f"Daftar perangkat daerah {path} tidak dapat dibaca: {e}") from None
        return read_register(text, str(path))
    ref = resources.files("sopdoc") / "data" / "agencies" / f"{region}.csv"
    if not ref.is_file():
        raise WorkspaceError(f"Tidak ada daftar perangkat daerah untuk daerah {region!r}")
    return read_register(ref.read_text(encoding="utf-8-sig"), f"{region}.csv")


# Words that only say which government the agency belongs to; dropped before comparing.
# ("daerah" is not one of them: it ends agency names such as "Badan Kepegawaian Daerah".)
_REGION_WORDS = frozenset({"pemerintah", "pemprov", "pemkot", "pemkab", "provinsi", "prov", "kota", "kabupaten", "kab"})

# No agency name comes near this; longer text is cut before it is compared, so matching costs
# the same whatever an agency typed into the cell.
MAX_NAME_CHARS = 300


def name_key(text: str, region_name: str = "") -> str:
    """A name reduced for comparison: case, accents, punctuation, spaces and the region suffix."""
    text = unicodedata.normalize("NFKD", (text or "")[:MAX_NAME_CHARS])
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = re.sub(r"[^\w\s]", " ", text).split()
    # "dinas kesehatan provinsi banten" -> "dinas kesehatan"; keep "inspektorat daerah" intact.
    # Compared word by word: a pattern for this backtracks on long runs of region words.
    place = [w for w in name_key_plain(region_name).split() if w not in _REGION_WORDS]
    if place and len(words) > len(place) and words[-len(place):] == place:
        words = words[:-len(place)]
        while len(words) > 1 and words[-1] in _REGION_WORDS:
            words.pop()
    return " ".join(words)


def name_key_plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", (text or "")[:MAX_NAME_CHARS].lower()).split())


class Register:
    """Matches names as agencies write them to register entries: exactly, or not at all."""

    def __init__(self, agencies: list, region_name: str = "", aliases: Optional[dict] = None):
        self.agencies = agencies
        self.region_name = region_name
        self.by_code = {a.code: a for a in agencies}
        self._keys = {}
        for agency in agencies:
            for label in (agency.name, agency.short_name):
                if label:
                    self._keys.setdefault(name_key(label, region_name), set()).add(agency.code)
        for written, code in (aliases or {}).items():
            if code not in self.by_code:
                raise WorkspaceError(f"Alias {written!r} menunjuk kode {code!r} yang tidak ada di daftar")
            self._keys[name_key(written, region_name)] = {code}
        self._choices = sorted(self._keys)

    def exact(self, as_written: Optional[str]):
        """The Agency `as_written` names exactly after normalising, else None (no suggestion
        looked for: what re-matching stored names needs)."""
        if not as_written or len(as_written) > MAX_NAME_CHARS:
            return None
        codes = self._keys.get(name_key(as_written, self.region_name), ())
        return self.by_code[next(iter(codes))] if len(codes) == 1 else None

    def match(self, as_written: Optional[str], where: Optional[str] = None) -> tuple:
        """(Agency or None, list of Warning). Only an exact match after normalising is chosen."""
        if not as_written:
            return None, [Warning("opd_kosong", "Nama perangkat daerah tidak diisi", where)]
        if len(as_written) > MAX_NAME_CHARS:
            return None, [Warning(
                "opd_tidak_dikenal",
                f"Nama perangkat daerah terlalu panjang ({len(as_written)} karakter, awalnya "
                f"{as_written[:60]!r}); tidak ada perangkat daerah bernama sepanjang itu",
                where,
            )]
        key = name_key(as_written, self.region_name)
        codes = self._keys.get(key, set())
        if len(codes) == 1:
            return self.by_code[next(iter(codes))], []
        if len(codes) > 1:
            names = ", ".join(sorted(self.by_code[c].name for c in codes))
            message = f"Nama perangkat daerah {as_written!r} cocok dengan lebih dari satu: {names}"
            return None, [Warning("opd_ganda", message, where)]
        suggestion = process.extractOne(key, self._choices, scorer=fuzz.WRatio, score_cutoff=SUGGEST_SCORE)
        if suggestion:
            candidates = sorted(self.by_code[c].name for c in self._keys[suggestion[0]])
            message = (
                f"Nama perangkat daerah {as_written!r} tidak persis ada di daftar; mungkin "
                f"{' / '.join(candidates)}. Periksa, lalu tambahkan alias di sopdoc.toml bila benar"
            )
        else:
            message = f"Nama perangkat daerah {as_written!r} tidak ada di daftar perangkat daerah"
        return None, [Warning("opd_tidak_dikenal", message, where)]
