"""Official letters (surat dinas) from the workspace's Word templates, numbered and recorded.

Kinds: `undangan` (one per meeting of the period: the on-time agencies of the groups invited),
`teguran` (one per late or missing agency, only once the deadline has passed) and `laporan` (a
nota dinas to the Sekretaris Daerah summarising the recap). `issue_letters` renders them with
docxtpl into outbox/<period>/surat/, each with a number from the configured pattern whose running
number comes from the store and is never reused; `list_letters` lists what was issued; `to_pdf`
converts through LibreOffice.

Issuing is idempotent per recipient: a letter of the same kind and period already issued to the
same agency (teguran), for the same meeting date (undangan) or for the period (laporan) is not
issued again, unless asked to reissue; whom a letter went to is recorded with it in the store.
Numbers are only used up by letters that can be sent: while the `[letters]` table of sopdoc.toml
is incomplete, issuing is refused (`IncompleteConfig`), and drafts (`draft=True`) carry the
number "DRAF", go to outbox/<period>/surat/draf/ and are not recorded. What is missing is printed
as a [placeholder] in drafts and named in `Issue.missing_config`.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Optional

from sopdoc.rules.deadlines import format_date
from sopdoc.errors import SopdocError
from sopdoc.files import free_name, replacing
from sopdoc.vocabulary import CRITERIA, CRITERIA_LABELS, FOLLOW_UP_LABELS, STATUS_LABELS, STATUSES
from sopdoc.reading.office import TimedOut, find_soffice, run_soffice
from sopdoc.rules.indonesian import long_date, moment_text, short_moment
from sopdoc.outputs.recap import ABSENT, ABSENT_TEXT, recap_path, summarize
from sopdoc.outputs.safe_text import for_terminal
from sopdoc.outputs.status import PeriodStatus, period_status
from sopdoc.intake.journal import Journal, current_user
from sopdoc.intake.store import Store
from sopdoc.workspace import CONFIG_NAME

KINDS = ("undangan", "teguran", "laporan")
_TITLES = {"undangan": "Undangan", "teguran": "Teguran", "laporan": "Nota Dinas Laporan",
           "pengantar": "Pengantar Formulir"}
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_INSTALL_PDF = (
    "LibreOffice tidak ditemukan, jadi surat tidak dapat diubah ke PDF (berkas .docx sudah dibuat). "
    "Pasang LibreOffice: di Debian/Ubuntu `sudo apt install libreoffice-writer-nogui`, di Windows dan "
    "macOS unduh dari https://www.libreoffice.org/download/ — lalu jalankan lagi dengan --pdf."
)


DRAFT_NUMBER = "DRAF"


class LettersError(SopdocError):
    """Letters cannot be made: unknown kind, bad template or number pattern, nothing to send."""


class IncompleteConfig(LettersError):
    """[letters] still lacks keys the letters need: real letters (with numbers) are refused."""

    def __init__(self, message: str, missing: list):
        super().__init__(message)
        self.missing = missing


class TooEarly(LettersError):
    """A teguran asked for before the period's deadline has passed."""


# -- configuration --------------------------------------------------------------------------------


@dataclass
class LettersConfig:
    signer_name: str
    signer_nip: str
    signer_position: str
    signer_rank: str
    letterhead: list
    letterhead_address: list
    report_to: str
    tembusan: list
    number_pattern: str
    days_to_resend: int
    meeting_time: str
    missing: list = field(default_factory=list)  # keys of [letters] not filled in (placeholders used)


def letters_config(ws) -> LettersConfig:
    """The `[letters]` table of sopdoc.toml, with [placeholders] for what is not filled in."""
    raw = ws.config.get("letters", {})
    if not isinstance(raw, dict):
        raise LettersError("sopdoc.toml: [letters] harus berupa tabel")
    region = ws.region()
    missing = []

    def text(key, placeholder):
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(key)
            return placeholder
        if not isinstance(value, str):
            raise LettersError(f"sopdoc.toml: [letters] {key} harus berupa teks")
        return value.strip()

    def lines(key, placeholder):
        value = raw.get(key)
        if value is None:
            missing.append(key)
            return list(placeholder)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise LettersError(f"sopdoc.toml: [letters] {key} harus berupa daftar teks, mis. [\"...\", \"...\"]")
        return [v.strip() for v in value if v.strip()]

    days = raw.get("days_to_resend", 5)
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise LettersError("sopdoc.toml: [letters] days_to_resend harus bilangan bulat positif")
    config = LettersConfig(
        signer_name=text("signer_name", "[Nama Pejabat]"),
        signer_nip=text("signer_nip", "[NIP Pejabat]"),
        signer_position=text("signer_position", "[Jabatan Penandatangan]"),
        signer_rank=str(raw.get("signer_rank") or "").strip(),
        # the government's name is known; the unit and address are the bureau's to write
        letterhead=lines("letterhead", [f"PEMERINTAH {region.name.upper()}", "[NAMA UNIT KERJA]"]),
        letterhead_address=lines("letterhead_address", ["[Alamat, telepon, laman dan pos-el kantor]"]),
        # the laporan goes to the Sekretaris Daerah by definition: no placeholder needed
        report_to=str(raw.get("report_to") or f"Sekretaris Daerah {region.name}").strip(),
        tembusan=lines("tembusan", ["[Pejabat penerima tembusan]"]),
        number_pattern=text("number_pattern", "[Kode]/{seq:03d}/[Unit]/{year}"),
        days_to_resend=days,
        meeting_time=text("meeting_time", "[Pukul]"),
        missing=missing,
    )
    if "{seq" not in config.number_pattern:
        raise LettersError(
            f"sopdoc.toml: [letters] number_pattern {config.number_pattern!r} tidak memuat {{seq}}, jadi "
            "nomor surat akan berulang; mis. \"065/{seq:03d}/Biro-Org/{year}\""
        )
    _number(config.number_pattern, 1, dt.date.today())  # fail early on a broken pattern
    return config


def _number(pattern: str, seq: int, day: dt.date) -> str:
    try:
        return pattern.format(seq=seq, year=day.year, month=f"{day.month:02d}", month_roman=_ROMAN[day.month - 1])
    except (KeyError, IndexError, ValueError) as e:
        raise LettersError(
            f"sopdoc.toml: [letters] number_pattern {pattern!r} tidak sah ({e}); gunakan {{seq:03d}}, {{year}}, "
            "{month} atau {month_roman}, mis. \"065/{seq:03d}/Biro-Org/{year}\""
        ) from None


# -- what each letter says ------------------------------------------------------------------------


@dataclass
class Draft:
    """One letter before it has a number: its template context and where it is filed."""

    kind: str
    context: dict
    agency_code: Optional[str]
    label: str  # a few words for the file name and the listing
    recipient: Optional[str] = None  # within the period: agency code (teguran), "<date> Kelompok <groups>" (undangan)


@dataclass(frozen=True)
class Picture:
    """A PNG image for a template variable (a QR code), `width_mm` wide on the page."""

    png: bytes
    width_mm: float


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "-"
    return f"{100 * part / whole:.1f}".replace(".", ",") + "%"


def head_of(agency, region_name: str) -> str:
    """The title of an agency's head: "Kepala Dinas Kesehatan Provinsi Banten", "Camat Waru", ..."""
    name = agency.name
    if name.startswith("Kecamatan "):
        return f"Camat {name[len('Kecamatan '):]}"
    if name.startswith("Kelurahan "):
        return f"Lurah {name[len('Kelurahan '):]}"
    if agency.category == "Inspektorat" or name.startswith("Inspektorat"):
        return f"Inspektur {region_name}"
    if agency.category == "Sekretariat DPRD" or name.startswith("Sekretariat Dewan"):
        return f"Sekretaris DPRD {region_name}"
    if name.startswith(("Rumah Sakit", "RSUD")):
        return f"Direktur {name}"
    return f"Kepala {name} {region_name}"


def common_context(status: PeriodStatus, config: LettersConfig, today: dt.date) -> dict:
    """The variables every letter template has (templates/README.md)."""
    region, period = status.region, status.period
    return {
        "kop": config.letterhead,
        "kop_alamat": config.letterhead_address,
        "tempat": region.capital,
        "tanggal": format_date(today),
        "daerah": region.name,
        "penyelenggara": region.organizer,
        "periode": period.name,
        "dibuka": format_date(period.opens),
        "batas_waktu": moment_text(status.deadline, region.timezone),
        "jabatan": config.signer_position,
        "jabatan_kapital": config.signer_position.upper(),
        "nama": config.signer_name,
        "pangkat": config.signer_rank,
        "nip": config.signer_nip,
        "tembusan": config.tembusan,
        "kepada_tempat": "Tempat",
    }


def _undangan(status: PeriodStatus, config: LettersConfig, today: dt.date, skipped: list) -> list:
    if not status.period.meetings:
        raise LettersError(
            f"Periode {status.period.id} tidak punya jadwal pertemuan (meetings) di periods.toml; "
            "tambahkan tanggal, kelompok dan tempat pertemuan di sana."
        )
    drafts = []
    for meeting in status.period.meetings:
        invited = [a for a in status.agencies if a.status == "tepat_waktu" and a.agency.group in meeting.groups
                   and not status.is_organizer(a)]
        groups = " dan ".join(str(g) for g in meeting.groups)
        if not invited:
            skipped.append(f"Pertemuan {long_date(meeting.date)} (kelompok {groups}): tidak ada perangkat daerah "
                           "tepat waktu yang diundang; surat tidak dibuat.")
            continue
        context = common_context(status, config, today) | {
            "sifat": "Biasa",
            "lampiran": "1 (satu) berkas",
            "hal": "Undangan Apresiasi dan Verifikasi Hasil Evaluasi Pelaksanaan SOP",
            "kepada": "Kepala Perangkat Daerah (daftar terlampir)",
            "hari_tanggal": long_date(meeting.date),
            "pukul": config.meeting_time,
            "tempat_rapat": meeting.place,
            "kelompok": f"Kelompok {groups}",
            "jumlah_diundang": len(invited),
            "diundang": [{
                "kode": a.agency.code, "nama": a.agency.name, "kelompok": a.agency.group,
                "diterima": short_moment(a.received_at, status.region.timezone, with_zone=True),
            } for a in invited],
        }
        label = f"{meeting.date.isoformat()} Kelompok {'-'.join(str(g) for g in meeting.groups)}"
        drafts.append(Draft("undangan", context, None, label, recipient=label))  # one meeting: its date and groups
    return drafts


def _teguran(status: PeriodStatus, config: LettersConfig, today: dt.date, calendar, skipped: list) -> list:
    send_by = calendar.add_working_days(today, config.days_to_resend)
    drafts = []
    for a in status.agencies:
        if a.status == "tepat_waktu" or status.is_organizer(a):
            continue
        late = a.status == "terlambat"
        context = common_context(status, config, today) | {
            "sifat": "Penting",
            "lampiran": "-",
            "hal": "Teguran Penyampaian Hasil Evaluasi Pelaksanaan SOP",
            "kepada": head_of(a.agency, status.region.name),
            "opd": f"{a.agency.name} {status.region.name}",
            "terlambat": late,
            "diterima": moment_text(dt.datetime.fromisoformat(a.received_at), status.region.timezone) if late else "",
            "hari_terlambat": a.working_days_late if late else 0,
            "batas_baru": long_date(send_by),
            "hari_kirim": config.days_to_resend,
        }
        drafts.append(Draft("teguran", context, a.agency.code, a.agency.short_name or a.agency.name, a.agency.code))
    if not drafts:
        skipped.append("Semua perangkat daerah menyampaikan tepat waktu; tidak ada surat teguran.")
    return drafts


def _follow_up_rows(total) -> list:
    """Follow-up counts for the laporan, shares over the SOPs whose form has a follow-up column:
    a form without one (Tanjungbalai's) is "tidak ada di formulir", never "belum ditentukan"."""
    known = total.with_follow_up
    if not known:
        return [{"label": f"Tindak lanjut {ABSENT_TEXT}", "jumlah": ABSENT, "persen": ABSENT}]
    rows = [{"label": FOLLOW_UP_LABELS[f], "jumlah": total.follow_up[f], "persen": _percent(total.follow_up[f], known)}
            for f in FOLLOW_UP_LABELS]
    undecided = total.follow_up[None]
    if undecided:
        rows.append({"label": "Belum ditentukan", "jumlah": undecided, "persen": _percent(undecided, known)})
    rows.append({"label": "Jumlah", "jumlah": known, "persen": _percent(known, known)})
    if total.sops > known:
        rows.append({"label": f"SOP yang formulirnya tanpa kolom tindak lanjut ({ABSENT_TEXT})",
                     "jumlah": total.sops - known, "persen": ABSENT})
    return rows


def _laporan(ws, status: PeriodStatus, config: LettersConfig, today: dt.date) -> list:
    summary = summarize(status)
    total, agencies = summary.total, summary.agencies
    status_rows = [{"label": STATUS_LABELS[s], "jumlah": summary.statuses[s],
                    "persen": _percent(summary.statuses[s], agencies)} for s in STATUSES]
    status_rows.append({"label": "Jumlah", "jumlah": agencies, "persen": _percent(agencies, agencies)})
    follow_rows = _follow_up_rows(total)

    def names(state):
        found = [a.agency.name for a in status.agencies if a.status == state]
        return ", ".join(found) if found else "tidak ada"

    context = common_context(status, config, today) | {
        "sifat": "Biasa",
        "lampiran": "1 (satu) berkas",
        "hal": f"Laporan Hasil {status.period.name}",
        "kepada": config.report_to,
        "dari": config.signer_position,
        "keadaan": moment_text(status.now, status.region.timezone),
        "jumlah_opd": agencies,
        "jumlah_sop": total.sops,
        "status": status_rows,
        "tindak_lanjut": follow_rows,
        # shares over the answers that could be read: a blank or unreadable answer counts neither way
        "kriteria": [{"label": CRITERIA_LABELS[k], "jumlah": total.yes[k],
                      "persen": _percent(total.yes[k], total.readable(k)), "tidak_terbaca": total.unanswered[k]}
                     for k in CRITERIA],
        "semua_kriteria": {"jumlah": total.meets_all,
                           "persen": _percent(total.meets_all, total.meets_all + total.fails_all),
                           "dinilai": total.meets_all + total.fails_all,
                           "tidak_dapat_dinilai": total.undetermined},
        "daftar_terlambat": names("terlambat"),
        "daftar_belum": names("belum_menyampaikan"),
        "berkas_rekap": recap_path(ws, status.period.id).name,
        # the laporan goes to the Sekretaris Daerah: no copy to the addressee
        "tembusan": [t for t in config.tembusan if t.strip().lower() != config.report_to.strip().lower()]
        or ["[Pejabat penerima tembusan]"],
    }
    return [Draft("laporan", context, None, status.period.id)]


# -- issuing --------------------------------------------------------------------------------------


@dataclass
class IssuedLetter:
    kind: str
    number: str  # "DRAF" for a draft
    seq: int  # 0 for a draft
    period: str
    agency_code: Optional[str]
    path: Path
    issued_at: str
    label: str
    replaces: Optional[str] = None  # reissued: the number of the letter it replaces


@dataclass
class Issue:
    letters: list  # IssuedLetter: made by this run (numbered, or drafts)
    skipped: list  # Indonesian notes on letters not made, and why
    missing_config: list  # keys of [letters] still holding placeholders (real letters are refused while any)
    already: list = field(default_factory=list)  # IssuedLetter: issued before for the same recipient, not again
    draft: bool = False
    unmatched: list = field(default_factory=list)  # (file, agency as written) of unrecognised senders


@dataclass
class Template:
    name: str  # for messages
    data: bytes


def load_template(ws, kind: str) -> Template:
    """The workspace's own template (templates/<kind>.docx, edited in Word), else the bundled one."""
    own = ws.root / "templates" / f"{kind}.docx"
    try:
        if own.is_file():
            return Template(str(own), own.read_bytes())
        bundled = resources.files("sopdoc") / "data" / "templates" / f"{kind}.docx"
        return Template(f"bawaan {kind}.docx", bundled.read_bytes())
    except OSError as e:
        raise LettersError(f"Templat surat {kind} tidak dapat dibaca: {e}") from None


def unmatched_files(status: PeriodStatus) -> list:
    """(file, agency as written) of the period's submissions whose agency is not in the register."""
    seen, found = set(), []
    for document in status.unmatched:
        item = (document["source"]["file"], document["agency"].get("as_written") or "(tanpa nama)")
        if item not in seen:
            seen.add(item)
            found.append(item)
    return found


def unmatched_warning(status: PeriodStatus) -> list:
    """Indonesian lines warning that some senders were not recognised (empty when all were)."""
    files = unmatched_files(status)
    if not files:
        return []
    lines = [f"Peringatan: {len(files)} berkas pada {status.period.name} berasal dari perangkat daerah yang "
             "tidak dikenali dalam daftar:"]
    lines += [f"  - {for_terminal(name)} (tertulis \"{for_terminal(as_written)}\")" for name, as_written in files]
    lines.append(
        f"Tambahkan dahulu alias nama itu: sopdoc alias \"Nama Tertulis\" KODE (dicatat di {CONFIG_NAME} "
        "bagian [aliases]). "
        "Sampai itu dilakukan, kiriman tersebut tidak dihitung: perangkat daerah yang sebenarnya sudah mengirim "
        "dapat dianggap belum menyampaikan dan ikut menerima teguran."
    )
    return lines


def _missing_for(kind: str, config: LettersConfig) -> list:
    # the meeting's time is only printed in an undangan
    return [key for key in config.missing if kind == "undangan" or key != "meeting_time"]


def _refuse_incomplete(ws, missing: list) -> None:
    raise IncompleteConfig(
        f"Surat tidak diterbitkan: bagian [letters] di {ws.root / CONFIG_NAME} belum lengkap, sehingga surat "
        "akan memuat isian [dalam kurung siku] padahal memakai nomor surat yang sebenarnya. Isi dahulu: "
        f"{', '.join(missing)}. Untuk melihat rupa surat tanpa memakai nomor, jalankan dengan --draf "
        "(surat bernomor DRAF di folder surat/draf, tidak dicatat).",
        missing,
    )


def _refuse_too_early(status: PeriodStatus) -> None:
    raise TooEarly(
        f"Batas waktu penyampaian {status.period.name} adalah {moment_text(status.deadline, status.region.timezone)} "
        "dan belum lewat, jadi belum ada perangkat daerah yang terlambat atau belum menyampaikan. "
        "Surat teguran dapat dibuat setelah batas waktu tersebut."
    )


def issue_letters(ws, store: Store, kind: str, period_id: Optional[str] = None,
                  now: Optional[dt.datetime] = None, *, reissue: bool = False, draft: bool = False,
                  status: Optional[PeriodStatus] = None) -> Issue:
    """Make, number and record the letters of `kind` for a period (default: the current one).

    A letter already issued for the same recipient (kind, period, and agency or meeting) is not
    issued again but listed in `Issue.already`, unless `reissue`. Real letters need a complete
    [letters] config (else `IncompleteConfig`); with `draft` the letters carry the number "DRAF",
    go to outbox/<period>/surat/draf/ and nothing is recorded. A teguran before the deadline has
    passed raises `TooEarly`. `status` may be given when the caller already computed it.

    Each letter gets the next running number inside one store transaction, so two runs never
    share a number; a letter whose rendering fails releases nothing that was printed.
    """
    if kind not in KINDS:
        raise LettersError(f"Jenis surat {kind!r} tidak dikenal. Pilihan: {', '.join(KINDS)}")
    config = letters_config(ws)
    region = ws.region()
    if status is None:
        now = (now or dt.datetime.now(region.tz)).astimezone(region.tz)
        status = period_status(ws, store, period_id, now)
    now = status.now
    if kind == "teguran" and now <= status.deadline:
        _refuse_too_early(status)
    today = now.date()
    skipped = []
    if kind == "undangan":
        drafts = _undangan(status, config, today, skipped)
    elif kind == "teguran":
        drafts = _teguran(status, config, today, ws.calendar(), skipped)
    else:
        drafts = _laporan(ws, status, config, today)
    return issue_drafts(ws, store, kind, drafts, config=config, period=status.period.id, now=now,
                        skipped=skipped, unmatched=unmatched_files(status), reissue=reissue, draft=draft)


def issue_drafts(ws, store: Store, kind: str, drafts: list, *, config: LettersConfig, period: str,
                 now: dt.datetime, skipped: list = (), unmatched: list = (), reissue: bool = False,
                 draft: bool = False) -> Issue:
    """Number, render and record `drafts` of `kind` (see `issue_letters`); for the kinds other
    modules make (the pengantar of sopdoc forms) with the same numbering and idempotence."""
    skipped, unmatched = list(skipped), list(unmatched)
    missing = _missing_for(kind, config)
    folder = ws.outbox / period / "surat"
    if draft:
        template = load_template(ws, kind) if drafts else None
        made = [_draft(draft_, template, folder / "draf", period, now) for draft_ in drafts]
        return Issue(made, skipped, missing, draft=True, unmatched=unmatched)

    earlier = _issued_before(store, kind, period)
    to_issue, already = [], []
    for draft_ in drafts:
        row = earlier.get(draft_.recipient)
        if row is not None and not reissue:
            already.append(_from_row(ws, row, draft_.label))
        else:
            to_issue.append((draft_, row["number"] if row is not None else None))
    if to_issue and missing:
        _refuse_incomplete(ws, missing)
    issued = []
    if to_issue:
        folder.mkdir(parents=True, exist_ok=True)
        template = load_template(ws, kind)
        issued = [_issue(ws, store, draft_, template, folder, config, period, now, replaces)
                  for draft_, replaces in to_issue]
    return Issue(issued, skipped, missing, already=already, unmatched=unmatched)


def _issued_before(store: Store, kind: str, period: str) -> dict:
    """The latest recorded letter of `kind` in `period` per recipient (None: the period itself)."""
    found = {}
    for row in store.issued_letters(kind, period):
        if kind == "undangan" and row["recipient"] is None:
            continue  # an undangan whose meeting is not known counts for none
        found[row["recipient"]] = row
    return found


def _from_row(ws, row, label: str) -> IssuedLetter:
    return IssuedLetter(row["kind"], row["number"], row["seq"], row["period"], row["agency_code"],
                        ws.root / row["path"], row["issued_at"], label)


def _draft(draft: Draft, template: Template, folder: Path, period: str, now: dt.datetime) -> IssuedLetter:
    """Render a draft: number DRAF, under surat/draf/, replacing an earlier draft of the same letter."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_safe(f'{DRAFT_NUMBER} {_TITLES[draft.kind]} {draft.label}')}.docx"
    _render(template, draft.context | {"nomor": DRAFT_NUMBER}, path)
    return IssuedLetter(draft.kind, DRAFT_NUMBER, 0, period, draft.agency_code, path,
                        now.isoformat(timespec="seconds"), draft.label)


def _issue(ws, store: Store, draft: Draft, template: Template, folder: Path, config: LettersConfig,
           period: str, now: dt.datetime, replaces: Optional[str] = None) -> IssuedLetter:
    issued_at = now.isoformat(timespec="seconds")
    # numbers that carry the year start again at 1 each year; others run on for ever
    year = now.year if "{year" in config.number_pattern else None
    with store.transaction() as db:
        seq, number = store.next_letter_number(db, lambda n: _number(config.number_pattern, n, now.date()), year)
        path = _free_path(folder, f"{seq:03d} {_TITLES[draft.kind]} {draft.label}")
        relative = os.path.relpath(path, ws.root)
        store.record_letter(db, kind=draft.kind, number=number, seq=seq, period=period,
                            agency_code=draft.agency_code, recipient=draft.recipient,
                            path=relative, issued_at=issued_at)
        _render(template, draft.context | {"nomor": number}, path)
        # before the commit: a number the store hands out is never missing from the journal
        Journal(ws.journal_path).append("letter", kind=draft.kind, number=number, seq=seq, period=period,
                                        agency_code=draft.agency_code, recipient=draft.recipient,
                                        path=relative.replace(os.sep, "/"), issued_at=issued_at,
                                        by=current_user())
    return IssuedLetter(draft.kind, number, seq, period, draft.agency_code, path, issued_at, draft.label, replaces)


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


def _safe(stem: str) -> str:
    """A file name stem Windows accepts."""
    return _UNSAFE.sub("-", stem).strip(" .")[:120]


def _free_path(folder: Path, stem: str) -> Path:
    return free_name(folder, f"{_safe(stem)}.docx")


def _render(template: Template, context: dict, path: Path) -> None:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage
    from jinja2 import Environment, StrictUndefined, TemplateError

    try:
        doc = DocxTemplate(io.BytesIO(template.data))
        context = {key: InlineImage(doc, io.BytesIO(value.png), width=Mm(value.width_mm))
                   if isinstance(value, Picture) else value for key, value in context.items()}
        # autoescape: agency names with & or < must not break the document's XML
        doc.render(context, Environment(undefined=StrictUndefined, autoescape=True), autoescape=True)
    except TemplateError as e:
        raise LettersError(f"Templat {template.name} tidak dapat diisi: {e}") from None
    except Exception as e:  # a template edited into something docx/zip cannot read
        raise LettersError(f"Templat {template.name} tidak dapat dibaca: {e}") from None
    try:
        with replacing(path) as tmp:
            doc.save(tmp)
    except OSError as e:
        raise LettersError(f"{path.name} tidak dapat ditulis ({e.strerror or e}); bila sedang dibuka di Word, "
                           "tutup lalu jalankan lagi.") from None


def list_letters(store: Store) -> list:
    """Every issued letter, oldest first: dicts of id, kind, number, seq, period, agency_code, path, issued_at."""
    return store.letters()


# -- PDF through LibreOffice ----------------------------------------------------------------------


def to_pdf(paths: list, outdir=None, timeout: float = 180) -> list:
    """Convert .docx/.xlsx files to PDF with one headless LibreOffice run; return the PDF paths.

    PDFs go to `outdir` (default: beside the first file). LibreOffice runs with a throw-away
    profile, so it works while the user has LibreOffice open. Raises LettersError without
    LibreOffice (saying what to install), on timeout, or when a PDF is missing afterwards.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        return []
    soffice = find_soffice()
    if soffice is None:
        raise LettersError(_INSTALL_PDF)
    outdir = Path(outdir) if outdir else paths[0].parent
    outdir.mkdir(parents=True, exist_ok=True)
    try:
        code = run_soffice(soffice, ["--convert-to", "pdf", "--outdir", str(outdir)]
                           + [str(p.resolve()) for p in paths], timeout)
    except TimedOut:
        raise LettersError(f"LibreOffice tidak selesai dalam {timeout:.0f} detik; PDF tidak dibuat.") from None
    pdfs = [outdir / f"{p.stem}.pdf" for p in paths]
    missing = [p.name for p in pdfs if not p.is_file()]
    if code is None:
        raise LettersError("LibreOffice tidak dapat dijalankan; PDF tidak dibuat.")
    if missing:
        raise LettersError(f"LibreOffice gagal membuat PDF (kode keluar {code}): {', '.join(missing)}")
    return pdfs
