"""Decide what an agency file really is, from its bytes, before any parser opens it.

`sniff(path)` returns "xlsx", "docx", "xls", "doc", "ods" or "odt", or raises `Refusal` with a reason_code from
errors.REASON_CODES. It never trusts the file name, never reads a whole file into memory and never
inflates a zip member whose declared size has not been checked against `Limits`.
"""
from __future__ import annotations

import codecs
import contextlib
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

import olefile

from sopdoc.errors import Refusal

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Ceilings for one incoming file; sizes of zip members are the ones declared in the central directory."""

    max_file_bytes: int = 50 * MiB
    max_uncompressed_bytes: int = 300 * MiB  # sum of declared sizes in the zip
    max_part_bytes: int = 150 * MiB  # one member
    # One XML member (a worksheet, the document body). openpyxl and python-docx build Python objects
    # for every cell, at ~15x the XML's size: a real form's sheet is well under 2 MiB.
    max_xml_part_bytes: int = 24 * MiB
    max_ratio: int = 200  # per member, uncompressed/compressed, only checked for members > 1 MiB uncompressed
    max_members: int = 5000
    # What the XML parts really hold, counted while they are inflated, before any library builds
    # objects: openpyxl takes ~0.6 KB and ~25 µs per cell, python-docx ~0.3 KB per element, and
    # the parsers walk them all. The five sample forms have at most 130 cells, 21,000 elements
    # and 0.9 MB of XML; at these limits a file still costs a few seconds and under 200 MB.
    max_xml_bytes: int = 64 * MiB  # all XML parts together
    max_elements: int = 300_000  # all XML parts together
    max_cells: int = 100_000  # <c> of all worksheets
    max_rows: int = 50_000  # <row> of all worksheets


_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_IMAGE_MAGICS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")
_RESAVE = "Buka berkas aslinya di Excel/Word, simpan ulang, lalu kirim kembali."
_DANGEROUS = ("sehingga berkas tidak dibuka demi keamanan. Buka di Excel/Word, simpan sebagai berkas baru, "
              "lalu kirim kembali.")


def sniff(path, limits: Limits = Limits()) -> str:
    """Return "xlsx" | "docx" | "xls" | "doc" | "ods" | "odt" judged by the file's bytes; raise Refusal otherwise.
    (`sniff_open` also hands over the zip it checked.)

    Refusal codes: berkas_kosong (0 bytes), terlalu_besar (over max_file_bytes), berkas_rusak
    (bad or truncated container), berkas_berbahaya (zip bomb by declared sizes, ratio or member
    count; a DTD in any XML part), berpassword (Office encryption, zip encryption, xls FILEPASS,
    doc fEncrypted), bukan_formulir (PDF, images, text, HTML, other zips or OLE files).
    """
    kind, package = sniff_open(path, limits)
    if package is not None:
        package.close()
    return kind


def sniff_open(path, limits: Limits = Limits()) -> tuple:
    """`sniff`, keeping the zip of an .xlsx/.docx open so the reader need not open it again:
    (kind, zipfile.ZipFile, which the caller closes) or (kind, None) for a legacy file."""
    size = os.stat(path).st_size
    if size == 0:
        raise Refusal(
            "berkas_kosong",
            "Berkas kosong (0 byte). Kirim ulang berkas formulirnya; pengiriman sebelumnya kemungkinan gagal.",
        )
    if size > limits.max_file_bytes:
        raise Refusal(
            "terlalu_besar",
            f"Berkas berukuran {_mb(size)} MB, melebihi batas {_mb(limits.max_file_bytes)} MB. "
            "Hapus gambar atau lembar yang tidak perlu, simpan ulang, lalu kirim kembali.",
        )
    with open(path, "rb") as f:
        head = f.read(1024)
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _sniff_zip(path, size, limits)
    if head[:8] == _OLE_MAGIC:
        return _sniff_ole(path), None
    raise _foreign(_foreign_reason(head))


def _mb(n: int) -> str:
    """Megabytes for people, Indonesian style: "1,5"; small sizes keep enough digits to differ."""
    value = n / MiB
    text = f"{value:.1f}" if value >= 1 or value == 0 else f"{value:.3f}".rstrip("0")
    return text.removesuffix(".0").replace(".", ",")


def _foreign_reason(head: bytes) -> str:
    if b"%PDF-" in head:
        return (
            "Berkas PDF, bukan formulir Excel/Word. "
            "Jangan kirim hasil cetak atau ekspor PDF; kirim formulir Excel/Word aslinya."
        )
    if head.startswith(_IMAGE_MAGICS):
        return "Berkas gambar atau hasil pindaian, bukan formulir Excel/Word. Kirim berkas formulir Excel/Word aslinya."
    if head.startswith(b"{\\rtf"):
        return "Berkas RTF, bukan formulir Word. Buka di Word, simpan sebagai .docx, lalu kirim kembali."
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00").lower()
    if text.startswith(b"<") or b"<html" in head.lower():
        return (
            "Berkas halaman web/XML yang diberi nama seperti berkas Excel/Word. "
            "Buka di Excel/Word, simpan sebagai .xlsx atau .docx, lalu kirim kembali."
        )
    return "Berkas bukan formulir Excel/Word (.xlsx, .docx, .xls, atau .doc). Kirim berkas formulir Excel/Word aslinya."


# --- zip (OOXML) ---

_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, struct.error, NotImplementedError, OSError)


def _broken() -> Refusal:
    return Refusal("berkas_rusak", "Berkas rusak atau terpotong sehingga tidak dapat dibuka. " + _RESAVE)


def _bomb(what: str) -> Refusal:
    return _dangerous(f"Berkas memuat data terkompresi yang tidak wajar ({what})")


def _dangerous(what: str) -> Refusal:
    return Refusal("berkas_berbahaya", f"{what} {_DANGEROUS}")


def _foreign(reason: str) -> Refusal:
    return Refusal("bukan_formulir", reason)


def _sniff_zip(path, size: int, limits: Limits) -> tuple:
    try:
        with open(path, "rb") as f:
            _count_central_directory(f, size, limits)
        zf = zipfile.ZipFile(path)
        with _closed_unless_returned(zf):
            infos = zf.infolist()
            _check_members(infos, size, limits)
            names = {info.filename.lower(): info for info in infos}
            kind = _kind_by_names(names) or _opendocument_kind(zf, names)
            if kind is None and "[content_types].xml" not in names:
                raise _foreign(
                    "Berkas arsip ZIP biasa, bukan formulir Excel/Word. "
                    "Kirim berkas .xlsx/.docx-nya langsung, tanpa dikompres."
                )
            if _below_every_count(infos, kind, limits):
                for info in infos:
                    _check_xml_member(zf, info)
                if kind is None:
                    kind = _kind_by_content_types(zf, names["[content_types].xml"])
                return kind, zf
            # A Word package has no worksheet cells or rows, and its start tags are bounded by its
            # "<"s: one pass over each part, unless that bound passes the limit (then count exactly)
            tally = _Tally(limits, quick=kind == "docx")
            counted = []
            try:
                for info in infos:
                    codec = _check_xml_member(zf, info)
                    if codec is not None:
                        counted.append((info, codec))
                        _count_member(zf, info, codec, tally)
            except _BoundPassed:
                tally = _Tally(limits)
                for info, codec in counted:
                    _count_member(zf, info, codec, tally)
                for info in infos[infos.index(counted[-1][0]) + 1:]:
                    codec = _check_xml_member(zf, info)
                    if codec is not None:
                        _count_member(zf, info, codec, tally)
            if kind is None:
                kind = _kind_by_content_types(zf, names["[content_types].xml"])
            return kind, zf
    except _ZIP_ERRORS:
        raise _broken() from None


def _below_every_count(infos, kind, limits: Limits) -> bool:
    """Can the parts not hold more than the limits allow, whatever they say? Every element takes
    at least four bytes ("<a/>") and zipfile never inflates a member past its declared size, so
    members declaring at most four times the lowest count in all need not be inflated to be
    counted (a Word form's default styles alone inflate to ~800 KiB: most of sniffing's time).
    A part damaged past its first bytes is then found by the reader that reads it, if any does."""
    declared = sum(info.file_size for info in infos)
    # a Word package has no worksheet cells or rows to count
    counts = (limits.max_elements,) if kind == "docx" else (limits.max_elements, limits.max_cells, limits.max_rows)
    return declared <= limits.max_xml_bytes and declared <= 4 * min(counts)


@contextlib.contextmanager
def _closed_unless_returned(zf):
    """Close `zf` when the block raises; a block that returns hands it over open."""
    try:
        yield zf
    except BaseException:
        zf.close()
        raise


def _count_central_directory(f, size: int, limits: Limits) -> None:
    """Count central directory entries the way zipfile will find them, without building them."""
    # zipfile's own reader of the end record: a second one of ours could be led to a decoy
    # record (a zip64 locator pointing elsewhere) while zipfile builds the real, huge directory
    record = zipfile._EndRecData(f)
    if not record:
        raise _broken()
    entries, cd_size = record[zipfile._ECD_ENTRIES_TOTAL], record[zipfile._ECD_SIZE]
    cd_end = record[zipfile._ECD_LOCATION]
    if record[zipfile._ECD_SIGNATURE] == zipfile.stringEndArchive64:
        cd_end -= zipfile.sizeEndCentDir64 + zipfile.sizeEndCentDir64Locator
    if entries > limits.max_members:
        raise _bomb(f"{_count(entries)} bagian, batasnya {_count(limits.max_members)}")
    # the entry count in the record may lie; zipfile reads entries until cd_size is used up
    cd_start = cd_end - cd_size
    if cd_start < 0:
        raise _broken()
    pos, count = 0, 0
    while pos < cd_size:
        f.seek(cd_start + pos)
        header = f.read(46)
        if len(header) < 46 or header[:4] != b"PK\x01\x02":
            raise _broken()
        count += 1
        if count > limits.max_members:
            raise _bomb(f"lebih dari {_count(limits.max_members)} bagian")
        pos += 46 + sum(struct.unpack("<3H", header[28:34]))


def _check_members(infos, size: int, limits: Limits) -> None:
    if len(infos) > limits.max_members:
        raise _bomb(f"{_count(len(infos))} bagian, batasnya {_count(limits.max_members)}")
    total = compressed = 0
    seen = set()
    for info in infos:
        if info.file_size > limits.max_part_bytes:
            size_mb, limit_mb = _mb(info.file_size), _mb(limits.max_part_bytes)
            raise _bomb(f"satu bagian berukuran {size_mb} MB setelah dibuka, batasnya {limit_mb} MB")
        total += info.file_size
        if total > limits.max_uncompressed_bytes:
            raise _bomb(f"lebih dari {_mb(limits.max_uncompressed_bytes)} MB setelah dibuka")
        if info.file_size > MiB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise _bomb(f"rasio kompresi {ratio}:1, batasnya {limits.max_ratio}:1")
        if info.file_size > limits.max_xml_part_bytes and info.filename.lower().endswith((".xml", ".rels")):
            raise Refusal(
                "terlalu_besar",
                f"Lembar {_shown(info.filename)} berukuran {_mb(info.file_size)} MB setelah dibuka, jauh lebih besar "
                f"dari formulir mana pun (batas {_mb(limits.max_xml_part_bytes)} MB). Hapus baris dan kolom "
                "kosong yang terformat atau data di luar formulir, simpan ulang, lalu kirim kembali.",
            )
        compressed += info.compress_size
        if compressed > size:
            raise _bomb("bagian-bagian yang saling tumpang tindih")
        key = info.filename.lower()
        if key in seen:
            raise _bomb(f"nama bagian ganda {_shown(info.filename)}")
        seen.add(key)
    for info in infos:
        if info.flag_bits & 0x1:
            raise _password()
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _broken()


def _kind_by_names(names) -> str | None:
    xlsx, docx = "xl/workbook.xml" in names, "word/document.xml" in names
    if xlsx and docx:
        raise _foreign("Berkas memuat buku kerja Excel sekaligus dokumen Word. Kirim formulir Excel/Word aslinya.")
    if xlsx:
        return "xlsx"
    if docx:
        return "docx"
    if "xl/workbook.bin" in names:
        raise _foreign("Berkas Excel biner (.xlsb). Simpan sebagai .xlsx di Excel lalu kirim kembali.")
    if "ppt/presentation.xml" in names:
        raise _foreign("Berkas presentasi PowerPoint, bukan formulir Excel/Word. Kirim formulir Excel/Word aslinya.")
    return None


# OpenDocument packages name their type in a first, uncompressed member "mimetype".
_OPENDOCUMENT = {
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.spreadsheet-template": "ods",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.text-template": "odt",
}


def _opendocument_kind(zf, names) -> str | None:
    """"ods" / "odt" for an OpenDocument spreadsheet or text by its `mimetype` member, else None."""
    info = names.get("mimetype")
    if info is None or "content.xml" not in names or info.file_size > 200:
        return None
    with zf.open(info) as part:
        mimetype = part.read(200).decode("ascii", errors="replace").strip()
    kind = _OPENDOCUMENT.get(mimetype)
    if kind is None:
        raise _foreign("Berkas OpenDocument ini bukan lembar kerja (.ods) maupun dokumen teks (.odt). "
                       "Kirim formulir Excel/Word aslinya.")
    return kind


_MAIN_TYPES = re.compile(
    r"(spreadsheetml\.(sheet|template)|ms-excel\.(sheet|template)\.macroEnabled)\.main\+xml"
    r"|(wordprocessingml\.(document|template)|ms-word\.(document|template)\.macroEnabled)\.main\+xml",
    re.IGNORECASE,
)


def _kind_by_content_types(zf, info) -> str:
    """Some writers put the main part elsewhere (e.g. word/document2.xml); its content type still says."""
    with zf.open(info) as part:
        raw = part.read(MiB)
    text = raw.decode("utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8", errors="replace")
    found = _MAIN_TYPES.search(text)
    if found is None:
        raise _foreign(
            "Berkas Office ini bukan buku kerja Excel maupun dokumen Word. Kirim formulir Excel/Word aslinya."
        )
    return "xlsx" if found.group(1) else "docx"


# --- XML parts ---

_XML_NAMES = (".xml", ".rels", ".vml")
_UTF32_BOMS = (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\xfe\xff\x00\x00", b"\x00\x00\xff\xfe")
_EBCDIC_DECLARATION = b"\x4c\x6f\xa7\x94"  # "<?xm"
_XML_START = b"< \t\r\n"  # what an XML document may begin with, after a byte order mark
_MAX_PROLOG = MiB  # characters before the root element; real parts have about 60
_CHUNK = 256 * 1024
_MORE, _DONE = object(), object()
_SPACE = re.compile(r"[ \t\r\n]*")
_ENCODING = re.compile(r"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _check_xml_member(zf, info) -> str | None:
    """Refuse a DTD (or any markup declaration) before the root element of an XML part; return
    the part's codec, or None when it is not XML.

    OOXML never has one, and a DTD is what entity expansion ("billion laughs") and external
    entities need. Parts are recognised by name or by starting like XML in any encoding a parser
    would detect, and only read up to their root element, in bounded chunks.
    """
    if info.is_dir() or info.file_size == 0:
        return None
    with zf.open(info) as part:
        raw = part.read(4096)
        codec = _xml_codec(raw, info.filename.lower().endswith(_XML_NAMES), _shown(info.filename))
        if codec is None:
            return None
        decoder = codecs.getincrementaldecoder(codec)(errors="replace")
        text = decoder.decode(raw)
        while True:
            state = _scan_prolog(text, _shown(info.filename), codec)
            if state is _DONE:
                return codec
            if len(text) > _MAX_PROLOG:
                raise _dangerous(f"Bagian XML {_shown(info.filename)} memuat pembuka yang tidak wajar")
            raw = part.read(64 * 1024)
            if not raw:
                return codec  # no root element: not XML, the parser will say so
            text += decoder.decode(raw)


def _xml_codec(raw: bytes, named_xml: bool, name: str) -> str | None:
    """The codec a parser would detect from the first bytes (XML 1.0 appendix F); None if not XML.

    Encodings a byte scan cannot follow (UTF-32 in any byte order, EBCDIC) are refused whatever
    the part is called: OOXML never uses them, and they would hide a DTD from the scan.
    """
    head = raw[:4]
    ucs4 = head.count(0) == 3 and head.strip(b"\x00")[:1] in (b"<", b" ", b"\t", b"\r", b"\n")
    if head.startswith(_UTF32_BOMS) or ucs4 or head == _EBCDIC_DECLARATION:
        raise _dangerous(f"Bagian {name} memakai pengodean XML yang tidak standar")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if len(head) >= 2 and head[1] == 0 and head[:1] in (b"<", b" ", b"\t", b"\r", b"\n"):
        return "utf-16-le"
    if len(head) >= 2 and head[0] == 0 and head[1:2] in (b"<", b" ", b"\t", b"\r", b"\n"):
        return "utf-16-be"
    start = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    if named_xml or not start or start.startswith(b"<"):  # XML may open with any amount of whitespace
        return "utf-8"
    return None


def _shown(name: str) -> str:
    """A part's name for a reason: its own text is the sender's, so long names are cut."""
    return name if len(name) <= 80 else name[:77] + "..."


class _BoundPassed(Exception):
    """A quick tally's upper bound passed a limit: the parts are counted again, exactly."""


class _Tally:
    """What the XML parts hold, counted while they are inflated, against the limits.

    Counting is by substring, which is linear: a start tag is "<" not followed by "/", "?" or
    "!"; a cell is "<c" or "<x:c" (any prefix) ending its name. Text that only looks like a tag
    is counted too, which no real form has enough of to matter.
    """

    # The same patterns in decoded text and in UTF-8 bytes (ASCII counts the same in both, so a
    # UTF-8 part is counted without decoding it): start tag, end tag, processing instruction,
    # declaration, cell and row names ending in a space, then what makes every end of a tag name
    # (" ", ">", "/", tab, CR, LF) a space, so one count finds a name whatever ends it.
    _PATTERNS = {
        str: ("<", "</", "<?", "<!", ("<c ", ":c "), ("<row ", ":row "), str.maketrans(">/\t\r\n", "     ")),
        bytes: (b"<", b"</", b"<?", b"<!", (b"<c ", b":c "), (b"<row ", b":row "),
                bytes.maketrans(b">/\t\r\n", b"     ")),
    }

    def __init__(self, limits: Limits, quick: bool = False):
        self.limits = limits
        self.quick = quick  # count "<"s only (an upper bound of the start tags); no cells or rows
        self.xml_bytes = self.elements = self.cells = self.rows = 0

    def add_bytes(self, n: int) -> None:
        self.xml_bytes += n
        if self.xml_bytes > self.limits.max_xml_bytes:
            raise _too_much(f"{_mb(self.xml_bytes)} MB data XML", f"{_mb(self.limits.max_xml_bytes)} MB")

    def add_text(self, text) -> None:
        """Count one piece of a part: decoded text, or the bytes of a UTF-8 part."""
        start, end, instruction, declaration, cell, row, name_ends = self._PATTERNS[type(text)]
        if self.quick:
            self.elements += text.count(start)
            if self.elements > self.limits.max_elements:
                raise _BoundPassed
            return
        self.elements += text.count(start) - text.count(end) - text.count(instruction) - text.count(declaration)
        spaced = text.translate(name_ends)
        self.cells += sum(spaced.count(name) for name in cell)
        self.rows += sum(spaced.count(name) for name in row)
        limits = self.limits
        if self.cells > limits.max_cells:
            raise _too_much(f"{_count(self.cells)} sel lembar kerja", _count(limits.max_cells))
        if self.rows > limits.max_rows:
            raise _too_much(f"{_count(self.rows)} baris lembar kerja", _count(limits.max_rows))
        if self.elements > limits.max_elements:
            raise _too_much(f"{_count(self.elements)} elemen XML", _count(limits.max_elements))


def _count_member(zf, info, codec: str, tally: _Tally) -> None:
    """Inflate one XML part in chunks and count what it holds; nothing is kept. A UTF-8 part is
    counted as bytes, any other decoded."""
    if codec == "utf-8":
        decode, held, lt, colon = (lambda raw, final=False: raw), b"", b"<", b":"
    else:
        decode, held, lt, colon = codecs.getincrementaldecoder(codec)(errors="replace").decode, "", "<", ":"
    with zf.open(info) as part:
        while raw := part.read(_CHUNK):
            tally.add_bytes(len(raw))
            text = held + decode(raw)
            # what is counted starts with "<" or ":" and has neither after: the last one near the
            # end starts anything the chunk cuts off (at most "<row " long)
            near_end = max(0, len(text) - 5)
            cut = max(text.rfind(lt, near_end), text.rfind(colon, near_end))
            text, held = (text[:cut], text[cut:]) if cut >= 0 else (text, held[:0])
            tally.add_text(text)
    tally.add_text(held + decode(b"", final=True))


# Cells covered by merged ranges, all worksheets together. openpyxl makes an object for every
# covered cell (one range "A1:XFD1048576" is 17 billion); a real form merges a few hundred.
MAX_MERGED_CELLS = 100_000


def too_many_merged_cells(found: int) -> Refusal:
    """The refusal of a workbook whose merged ranges cover more than MAX_MERGED_CELLS cells."""
    return _too_much(f"{_count(found)} sel gabungan (merge)", _count(MAX_MERGED_CELLS))


def _too_much(found: str, limit: str) -> Refusal:
    return Refusal(
        "berkas_berbahaya",
        f"Berkas memuat sedikitnya {found}, jauh melampaui formulir mana pun (batasnya {limit}), "
        "sehingga berkas tidak dibuka demi keamanan. Hapus baris, kolom atau lembar yang tidak perlu "
        "(termasuk yang kosong tetapi terformat), simpan ulang, lalu kirim kembali.",
    )


def _count(n: int) -> str:
    """A count for people, Indonesian style: "1.500.000"."""
    return f"{n:,}".replace(",", ".")


def _scan_prolog(text: str, name: str, codec: str):
    """_DONE once the root element (or non-XML) is reached, _MORE if `text` ends inside the prolog."""
    i = 1 if text.startswith("\ufeff") else 0
    first = i
    while True:
        i = _SPACE.match(text, i).end()
        rest = text[i : i + 4]
        if len(rest) < 4 and "<!--".startswith(rest) or rest in ("<", "<?"):
            return _MORE
        if not rest.startswith("<"):
            return _DONE
        if rest.startswith("<?"):
            end = text.find("?>", i)
            if end < 0:
                return _MORE
            if i == first and text.startswith("<?xml", i):
                _check_declared_encoding(text[i:end], name, codec)
            i = end + 2
        elif rest == "<!--":
            end = text.find("-->", i + 4)
            if end < 0:
                return _MORE
            i = end + 3
        elif rest.startswith("<!"):
            raise _dangerous(
                f"Berkas memuat deklarasi DTD/entitas XML di bagian {name}, "
                "yang tidak pernah ada di berkas Excel/Word asli,"
            )
        else:
            return _DONE


def _check_declared_encoding(declaration: str, name: str, codec: str) -> None:
    found = _ENCODING.search(declaration)
    if not found:
        return
    try:
        declared = codecs.lookup(found.group(1)).name
    except LookupError:
        declared = None
    # a declaration that switches encoding would let a DTD pass the scan above unseen
    allowed = ("utf-16", "utf-16-le", "utf-16-be") if codec.startswith("utf-16") else ("utf-8", "ascii")
    if declared not in allowed:
        raise _dangerous(f"Bagian XML {name} memakai pengodean yang tidak standar")


# --- OLE compound files (legacy .xls/.doc, encrypted OOXML) ---


def _sniff_ole(path) -> str:
    try:
        with olefile.OleFileIO(path) as ole:
            if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
                raise _password()
            if not _sectors_present(ole):
                raise _broken()
            for stream in ("Workbook", "Book"):
                if ole.exists(stream):
                    if _xls_encrypted(stream_head(ole, stream, 4096)):
                        raise _password()
                    return "xls"
            if ole.exists("WordDocument"):
                fib = stream_head(ole, "WordDocument", 12)
                if len(fib) < 12:
                    raise _broken()
                if struct.unpack_from("<H", fib, 10)[0] & 0x0100:  # FibBase.fEncrypted
                    raise _password()
                return "doc"
    except Refusal:
        raise
    except Exception:  # olefile raises many kinds on malformed input
        raise _broken() from None
    raise _foreign(
        "Berkas Office lama ini bukan Excel maupun Word (misalnya PowerPoint atau Outlook). "
        "Kirim formulir Excel/Word aslinya."
    )


def _password() -> Refusal:
    return Refusal(
        "berpassword",
        "Berkas dilindungi kata sandi (untuk membuka atau untuk mengubah). "
        "Simpan ulang tanpa kata sandi lalu kirim kembali.",
    )


def _sectors_present(ole) -> bool:
    """False if a stream runs past the end of the file (a cut-off copy) or chains overlap.

    olefile only logs these; it would hand back short streams.
    """
    budget = len(ole.fat)  # disjoint chains cannot use more sectors than the file has
    for entry in ole.direntries:
        if entry is None or entry.entry_type not in (olefile.STGTY_STREAM, olefile.STGTY_ROOT):
            continue
        if entry.entry_type == olefile.STGTY_STREAM and entry.size < ole.minisectorcutoff:
            continue  # lives in the root's mini stream, checked with the root
        sect = entry.isectStart
        for _ in range(-(-entry.size // ole.sectorsize)):
            budget -= 1
            if budget < 0 or sect >= len(ole.fat):
                return False
            sect = ole.fat[sect]
    return True


def stream_head(ole, name: str, n: int) -> bytes:
    """The first `n` bytes of an OLE stream, reading only the sectors that hold them."""
    entry = ole.direntries[ole._find(name)]
    if entry.size < ole.minisectorcutoff:
        return ole.openstream(name).read(n)  # small by definition
    # openstream would load the whole stream; _open with a shorter size follows only the first sectors
    return ole._open(entry.isectStart, min(n, entry.size), force_FAT=True).read(n)


def _xls_encrypted(head: bytes) -> bool:
    """True if a FILEPASS record follows the first BOF (MS-XLS: it can only come among the first few)."""
    if len(head) < 4 or struct.unpack_from("<H", head)[0] not in (0x0809, 0x0409, 0x0209, 0x0009):
        raise _broken()
    pos = 0
    for _ in range(8):
        if pos + 4 > len(head):
            return False
        record, length = struct.unpack_from("<HH", head, pos)
        if record == 0x002F:
            return True
        pos += 4 + length
    return False
