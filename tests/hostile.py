"""Builders of real hostile and foreign files for tests. Each writes to the given path and returns it.

Nothing here needs LibreOffice; `encrypted_ooxml` needs the test-only `msoffcrypto-tool`.
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

MiB = 1024 * 1024

BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">
<si><t>&lol9;</t></si></sst>
"""

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f0e5a70000000049454e44ae426082"
)

PDF_MINIMAL = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def xlsx(path, value="Dinas Pendidikan") -> Path:
    """A genuine one-sheet workbook written by openpyxl (A1 = value)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = value
    wb.save(path)
    return Path(path)


def docx(path, text="Dinas Pendidikan") -> Path:
    """A genuine one-paragraph document written by python-docx."""
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph(text)
    document.save(path)
    return Path(path)


def replace_member(src, dst, name: str, data: bytes) -> Path:
    """Copy the zip `src` to `dst` with member `name` replaced by (or added as) `data`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != name:
                zout.writestr(info, zin.read(info))
        zout.writestr(name, data)
    return Path(dst)


def raw_zip(path, entries) -> Path:
    """Write a zip by hand from (name, compressed_bytes, crc, uncompressed_size, method) tuples.

    The declared sizes are whatever the caller says: zipfile cannot store pre-deflated data.
    """
    out = bytearray()
    central = bytearray()
    for name, data, crc, size, method in entries:
        fname = name.encode()
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0x21, crc, len(data), size, len(fname), 0)
        out += fname + data
        central += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21, crc, len(data), size,
            len(fname), 0, 0, 0, 0, 0, offset,
        )
        central += fname
    eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), len(out), 0)
    Path(path).write_bytes(bytes(out + central + eocd))
    return Path(path)


def _deflated(text: bytes):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = c.compress(text) + c.flush()
    return data, zlib.crc32(text), len(text)


def zip_bomb(path, inflated: int = 1536 * MiB, member="xl/worksheets/sheet1.xml") -> Path:
    """An xlsx-looking zip whose `member` really inflates to `inflated` zero bytes (a multiple of 1 MiB).

    The deflate stream is one full-flushed 1 MiB segment repeated: each segment stands alone, so
    1.5 GiB costs ~1.5 MB on disk and no deflating of 1.5 GiB.
    """
    assert inflated % MiB == 0
    zeros = bytes(MiB)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    stream = segment * (inflated // MiB) + b"\x03\x00"  # final empty fixed-Huffman block
    crc = 0
    for _ in range(inflated // MiB):
        crc = zlib.crc32(zeros, crc)
    entries = [
        ("[Content_Types].xml", *_deflated(b'<?xml version="1.0"?><Types/>'), 8),
        ("xl/workbook.xml", *_deflated(b'<?xml version="1.0"?><workbook/>'), 8),
        (member, stream, crc, inflated, 8),
    ]
    return raw_zip(path, entries)


def many_members(path, count: int) -> Path:
    """An xlsx-looking zip with `count` tiny members."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(count - 1):
            z.writestr(f"xl/m{i}.xml", "")
    return Path(path)


# --- OLE compound files (olefile cannot write them) ---

_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def ole_file(path, streams: dict[str, bytes]) -> Path:
    """A minimal version-3 compound file holding `streams` at the root.

    Streams are padded to 4096 bytes so all live in regular sectors (no mini stream).
    Layout: sector 0 is the FAT, then the directory, then each stream.
    """
    sec = 512
    names = list(streams)
    datas = [streams[n].ljust(4096, b"\0") for n in names]
    fat = [_FATSECT]

    def chain(count):
        first = len(fat)
        fat.extend(range(first + 1, first + count))
        fat.append(_END)
        return first

    def entry(name, kind, child, right, start, size):
        encoded = name.encode("utf-16-le") + b"\0\0" if name else b""
        return struct.pack(
            "<64sHBB3L16sL16sLLL", encoded, len(encoded), kind, 1 if kind else 0, _NOSTREAM, right, child,
            b"", 0, b"", start, size, 0,
        )

    n_dir = -(-(len(names) + 1) // 4)
    dir_start = chain(n_dir)
    starts = [chain(-(-len(data) // sec)) for data in datas]
    assert len(fat) <= sec // 4, "too much data for a one-sector FAT"
    fat += [_FREE] * (sec // 4 - len(fat))

    directory = entry("Root Entry", 5, 1 if names else _NOSTREAM, _NOSTREAM, _END, 0)
    for i, (start, data) in enumerate(zip(starts, datas)):
        right = i + 2 if i + 1 < len(names) else _NOSTREAM  # a right-leaning chain is a valid tree to readers
        directory += entry(names[i], 2, _NOSTREAM, right, start, len(data))
    directory += entry("", 0, _NOSTREAM, _NOSTREAM, 0, 0) * (n_dir * 4 - len(names) - 1)

    header = struct.pack(
        "<8s16s6H6L4L109L", bytes.fromhex("D0CF11E0A1B11AE1"), b"", 0x3E, 3, 0xFFFE, 9, 6, 0,
        0, 0, 1, dir_start, 0, 4096, _END, 0, _END, 0, 0, *[_FREE] * 108,
    )
    Path(path).write_bytes(header + struct.pack(f"<{sec // 4}L", *fat) + directory + b"".join(datas))
    return Path(path)


def biff8_workbook(encrypted: bool) -> bytes:
    """A Workbook stream: BOF, optionally FILEPASS (RC4 CryptoAPI header), EOF."""
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHLL", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    filepass = struct.pack("<HH", 0x002F, 6) + struct.pack("<HHH", 1, 2, 2) if encrypted else b""
    return bof + filepass + struct.pack("<HH", 0x000A, 0)


def word_fib(encrypted: bool) -> bytes:
    """The start of a WordDocument stream: a FibBase with fEncrypted set or clear."""
    flags = 0x0100 if encrypted else 0
    return struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0x0409, 0, flags).ljust(32, b"\0")


def encrypted_ooxml(src, dst, password="rahasia") -> Path:
    """`src` (.xlsx/.docx) encrypted the way Office does it (an OLE file with EncryptionInfo)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(src, "rb") as fin, open(dst, "wb") as fout:
        OOXMLFile(fin).encrypt(password, fout)
    return Path(dst)


# --- text an agency can type ---


def backtracking_texts(n: int = 20000) -> dict:
    """Cell text that costs a backtracking pattern quadratic time: long runs of what a pattern
    repeats, then a character that makes it fail at the very end."""
    return {
        "region words": "Dinas " + "kota " * n + "x",
        "region words and place": "Dinas Kesehatan " + "provinsi " * n + "banten x",
        "spaces after K": "K" + " " * n + "x",
        "tabs after k": "k" + "\t" * n + "x",
        "dots": "ya" + "." * n + "x",
        "dots and bangs": "ya" + ".!" * n + "x",
        "spaced dots": "K" + " ." * n + "x",
        "date separators": "14" + " -" * n + "Mei",
        "nip prefix": "NIP" + " ." * n + "x",
        "colons": "Unit Kerja" + " :" * n + "x",
        "digits": "1" * n + "x",
        "control characters": "\x1b[2J" * n,
    }


# --- small files that hold a great deal once parsed ---

SHEET_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet_of(unit: bytes, size: int = MiB, in_row: bool = True, prefix: bytes = b"") -> bytes:
    """A worksheet part of at most `size` bytes (default: just under the 1 MiB below which the
    ratio check does not look), `unit` (an empty cell, an empty row) repeated to fill it."""
    x = prefix + b":" if prefix else b""
    ns = b"xmlns" + (b":" + prefix if prefix else b"") + b'="' + SHEET_NS + b'"'
    start = b"<" + x + b"worksheet " + ns + b"><" + x + b"sheetData>" + (b"<" + x + b'row r="1">' if in_row else b"")
    end = (b"</" + x + b"row>" if in_row else b"") + b"</" + x + b"sheetData></" + x + b"worksheet>"
    return start + unit * ((size - len(start) - len(end)) // len(unit)) + end


def workbook_of_sheets(path, sheet: bytes, sheets: int = 30) -> Path:
    """A real workbook of `sheets` sheets (listed, related, typed), each part replaced by `sheet`."""
    import openpyxl

    wb = openpyxl.Workbook()
    for i in range(1, sheets):
        wb.create_sheet(f"Lembar{i + 1}")
    wb.save(path)
    return _replace_members(path, {f"xl/worksheets/sheet{i}.xml": sheet for i in range(1, sheets + 1)})


def empty_cell_sheets(path, sheets: int = 30) -> Path:
    """The probe's file: thirty sheets of 1 MiB of empty cells <c/>, each member under the ratio
    check, about 40 KB in all; openpyxl would build 7.8 million cells (44 s, 2.6 GB)."""
    return workbook_of_sheets(path, sheet_of(b"<c/>"), sheets)


def empty_rows_sheets(path, sheets: int = 4) -> Path:
    """Sheets of empty rows <row/> (170,000 in each)."""
    return workbook_of_sheets(path, sheet_of(b"<row/>", in_row=False), sheets)


def prefixed_cells_sheets(path, sheets: int = 2) -> Path:
    """Empty cells written with a namespace prefix (<x:c/>), which a count of "<c" alone misses."""
    return workbook_of_sheets(path, sheet_of(b"<x:c/>", prefix=b"x"), sheets)


def utf16_cells_sheets(path, sheets: int = 3) -> Path:
    """Sheets of empty cells in UTF-16, which a count of bytes "<c" misses."""
    return workbook_of_sheets(path, sheet_of(b"<c/>", size=MiB // 2).decode().encode("utf-16"), sheets)


def cells_under_another_name(path) -> Path:
    """One sheet of 250,000 empty cells in a part named like an image: the workbook's relationship
    points there, and openpyxl reads it."""
    base = xlsx(path)
    with zipfile.ZipFile(base) as z:
        rels = z.read("xl/_rels/workbook.xml.rels").replace(b"worksheets/sheet1.xml", b"media/image1.png")
    return _replace_members(base, {"xl/worksheets/sheet1.xml": None, "xl/_rels/workbook.xml.rels": rels,
                                   "xl/media/image1.png": sheet_of(b"<c/>")})


def empty_paragraphs_document(path, parts: int = 4) -> Path:
    """A Word document whose body and `parts` - 1 more parts are 1 MiB of empty paragraphs each."""
    base = docx(path)
    with zipfile.ZipFile(base) as z:
        body = z.read("word/document.xml")
    head, tail = body.split(b"<w:body>", 1)
    filler = b"<w:p/>" * ((MiB - len(body)) // 6)
    members = {"word/document.xml": head + b"<w:body>" + filler + tail}
    members.update({f"word/header{i}.xml": b'<w:hdr xmlns:w="http://schemas.openxmlformats.org/'
                    b'wordprocessingml/2006/main">' + filler + b"</w:hdr>" for i in range(1, parts)})
    return _replace_members(base, members)


def elements_spread_over_parts(path, parts: int = 60, elements: int = 10_000) -> Path:
    """Many extra parts, each small and unremarkable, together far more elements than any form."""
    return _replace_members(xlsx(path), {
        f"customXml/item{i}.xml": b"<r>" + b"<e/>" * elements + b"</r>" for i in range(parts)})


def _replace_members(path, members: dict) -> Path:
    """Rewrite the zip at `path` with `members` replaced, added, or (None) removed; best compression."""
    path = Path(path)
    with zipfile.ZipFile(path) as zin:
        kept = [(info, zin.read(info)) for info in zin.infolist() if info.filename not in members]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for info, data in kept:
            zout.writestr(info, data, zipfile.ZIP_DEFLATED, 9)
        for name, data in members.items():
            if data is not None:
                zout.writestr(name, data)
    return path


def merged_ranges(path, refs, rows: int = 1, without_styles: bool = False) -> Path:
    """A workbook whose sheet has `rows` rows of two cells and the merged ranges `refs` (one
    "A1:XFD1048576" covers 17 billion cells); `without_styles` sends it to openpyxl."""
    data = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1</v></c></row>' for r in range(1, rows + 1))
    merges = "".join(f'<mergeCell ref="{ref}"/>' for ref in refs)
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<sheetData>{data}</sheetData><mergeCells count="{len(refs)}">{merges}</mergeCells></worksheet>')
    members = {"xl/worksheets/sheet1.xml": sheet.encode()}
    if without_styles:
        members["xl/styles.xml"] = None
    return _replace_members(xlsx(path), members)


def xml_part_in_encoding(path, member: str, encoding: str, bom: bytes = b"") -> Path:
    """A document with one more part, `member`, holding a DTD in `encoding` (UTF-32, EBCDIC ...)."""
    text = f'<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>'
    return _replace_members(docx(path), {member: bom + text.encode(encoding)})


def decoy_zip64(path, entries: int = 200_000) -> Path:
    """A zip whose zip64 locator points at a decoy end record claiming one entry, while the
    record zipfile actually reads (right before the locator) describes `entries` entries."""
    name = b"x"
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0x21, 0, 0, 0, len(name), 0) + name
    decoy_at = len(local)
    central_entry = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 45, 45, 0, 0, 0, 0x21, 0, 0, 0,
                                len(name), 0, 0, 0, 0, 0, 0) + name

    def record64(count, cd_size, cd_offset):
        return struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, cd_size, cd_offset)

    decoy = record64(1, len(central_entry), decoy_at + 56)
    cd_offset = decoy_at + 56
    central = central_entry * entries
    real = record64(entries, len(central), cd_offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, decoy_at, 1)
    eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    Path(path).write_bytes(local + decoy + central + real + locator + eocd)
    return Path(path)


# --- text that steers a terminal ---

# Clears the screen and prints a green all-clear, then starts a line of its own.
SCREEN_TAKEOVER = "\x1b[2J\x1b[H\x1b[32mSEMUA TEPAT WAKTU\x1b[0m\n\r\u202e\x9b31m"


def terminal_takeover_name(suffix: str = ".xlsx") -> str:
    """A file name that, printed raw, takes over the terminal."""
    return "form " + SCREEN_TAKEOVER + suffix


def with_terminal_escapes_in_cells(path, placeholder: str) -> Path:
    """The workbook at `path` with `placeholder` in any sheet's text replaced by SCREEN_TAKEOVER,
    written the way Excel escapes control characters in XML (_x001B_), which openpyxl decodes."""
    escaped = "".join(f"_x{ord(c):04X}_" if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f else c for c in SCREEN_TAKEOVER)
    with zipfile.ZipFile(path) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()
                 if info.filename.startswith("xl/worksheets/") or info.filename == "xl/sharedStrings.xml"}
    return _replace_members(path, {name: data.replace(placeholder.encode(), escaped.encode())
                                   for name, data in parts.items()})


# --- odd inbox entries ---


def odd_entries(inbox, outside) -> dict:
    """Entries no sender's form is: links (to a form outside, to a folder, to nothing), a FIFO and
    a socket, named like forms. Returns {name: what it is}. POSIX only."""
    import os
    import socket

    inbox, outside = Path(inbox), Path(outside)
    form = xlsx(outside / "di luar.xlsx", "Dinas Pendidikan")
    made = {}
    (inbox / "tautan.xlsx").symlink_to(form)
    made["tautan.xlsx"] = "tautan simbolik"
    (inbox / "tautan folder.xlsx").symlink_to(outside, target_is_directory=True)
    made["tautan folder.xlsx"] = "tautan simbolik"
    (inbox / "tautan putus.xlsx").symlink_to(outside / "tidak ada.xlsx")
    made["tautan putus.xlsx"] = "tautan simbolik"
    os.mkfifo(inbox / "pipa.xlsx")
    made["pipa.xlsx"] = "FIFO (pipa bernama)"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(inbox / "soket.xlsx"))
    sock.close()
    made["soket.xlsx"] = "soket"
    return made


def non_utf8_name(stem: bytes = b"Dinas Kesehatan \xe9\xff", suffix: bytes = b".xlsx") -> str:
    """A file name whose bytes are not UTF-8 (Latin-1 from an old Windows share), as Python names it."""
    import os

    return os.fsdecode(stem + suffix)


def long_name(length: int = 250, suffix: str = ".pdf") -> str:
    """A file name of `length` bytes: the file fits, "<name>.alasan.txt" beside it does not."""
    return "Formulir evaluasi SOP " + "x" * (length - 22 - len(suffix)) + suffix


def cells_just_under_the_limit(path, cells: int = 99_000, columns: int = 9_000) -> Path:
    """A sheet of varied numbers just under the cell limit: passes every check, so it is what the
    readers and parsers must still handle in bounded time and memory."""
    import random

    from openpyxl.utils import get_column_letter

    rng = random.Random(7)
    letters = [get_column_letter(i) for i in range(1, columns + 1)]
    rows = []
    for r in range(1, cells // columns + 1):
        cells_of_row = "".join(f'<c r="{c}{r}"><v>{rng.randrange(10**6)}</v></c>' for c in letters)
        rows.append(f'<row r="{r}">{cells_of_row}</row>')
    body = b'<worksheet xmlns="' + SHEET_NS + b'"><sheetData>' + "".join(rows).encode() + b"</sheetData></worksheet>"
    return _replace_members(xlsx(path), {"xl/worksheets/sheet1.xml": body})


def elements_just_under_the_limit(path, paragraphs: int = 72_000) -> Path:
    """A Word body of varied paragraphs just under the element limit (four elements each)."""
    import random

    rng = random.Random(7)
    base = docx(path)
    with zipfile.ZipFile(base) as z:
        body = z.read("word/document.xml")
    filler = "".join(f"<w:p><w:r><w:t>{rng.randrange(10**9)}</w:t></w:r></w:p>" for _ in range(paragraphs)).encode()
    return _replace_members(base, {"word/document.xml": body.replace(b"<w:body>", b"<w:body>" + filler, 1)})


def hard_link_into(inbox, outside) -> str:
    """A form that lives outside the inbox, hard-linked into it (the same bytes under two names)."""
    import os

    form = xlsx(Path(outside) / "milik orang lain.xlsx", "Dinas Pendidikan")
    os.link(form, Path(inbox) / "tautan keras.xlsx")
    return "tautan keras.xlsx"
