"""Exceptions of the sopdoc library. The CLI turns them into messages and exit codes."""


class SopdocError(Exception):
    """Base class for every error sopdoc raises on purpose."""


class Refusal(SopdocError):
    """A file is not accepted: `code` is the stable reason_code, `reason` the Indonesian text for people."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason

    def __repr__(self):
        return f"Refusal({self.code!r}, {self.reason!r})"


class WorkspaceError(SopdocError):
    """The workspace is missing, incomplete or its configuration cannot be read."""


class StoreError(SopdocError):
    """The store cannot be opened, is locked or is of an unknown schema version."""


class StoreMissing(WorkspaceError):
    """The store is gone but the workspace holds a season: `sopdoc rebuild` makes it again."""


# Stable reason codes for refused files (MODEL.md "Refused files"). Documented in README.md.
REASON_CODES = {
    "berkas_kosong": "Berkas kosong (0 byte).",
    "berkas_rusak": "Berkas rusak atau terpotong dan tidak dapat dibuka.",
    "berpassword": "Berkas dilindungi kata sandi; kirim ulang tanpa kata sandi.",
    "bukan_formulir": "Berkas bukan formulir evaluasi SOP yang dikenali.",
    "formulir_kosong": "Formulir belum diisi: tidak ada baris SOP.",
    "daerah_lain": "Formulir milik daerah lain.",
    "format_lama_tanpa_libreoffice": (
        "Berkas format lama (.xls/.doc) atau OpenDocument (.ods/.odt) memerlukan LibreOffice untuk dikonversi."
    ),
    "konversi_terlalu_lama": (
        "Konversi berkas format lama atau OpenDocument dengan LibreOffice tidak selesai pada waktunya."
    ),
    "terlalu_besar": "Berkas melebihi batas ukuran.",
    "berkas_berbahaya": "Berkas memuat struktur berbahaya (bom zip atau entitas XML) dan tidak dibuka.",
    "pengurai_gagal": "Pengurai formulir gagal membaca berkas.",
}
