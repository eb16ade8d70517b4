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
