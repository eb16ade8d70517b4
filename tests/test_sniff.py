"""sniff() on real files built in tmp_path: genuine forms pass, everything hostile or foreign is refused."""
import shutil
import struct
import time
import tracemalloc
import zipfile

import pytest

import hostile
from sopdoc.errors import REASON_CODES, Refusal
from sopdoc.reading.sniff import Limits, sniff


def refused(path, limits=None) -> Refusal:
    with pytest.raises(Refusal) as caught:
        sniff(path, limits or Limits())
    assert caught.value.code in REASON_CODES
    assert caught.value.reason.endswith(".")
    return caught.value


# --- genuine forms, judged by bytes not by name ---


@pytest.mark.parametrize("name", ["form.xlsx", "FORM.XLSX", "form.xlsm", "form.docx", "form", "form.pdf"])
def test_xlsx_is_xlsx_whatever_its_name(tmp_path, name):
    assert sniff(hostile.xlsx(tmp_path / name)) == "xlsx"


@pytest.mark.parametrize("name", ["form.docx", "FORM.DOCX", "form.xlsx"])
def test_docx_is_docx_whatever_its_name(tmp_path, name):
    assert sniff(hostile.docx(tmp_path / name)) == "docx"


def test_main_part_found_by_content_type_when_not_at_usual_path(tmp_path):
    src = hostile.docx(tmp_path / "src.docx")
    dst = tmp_path / "moved.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            name = "word/document2.xml" if info.filename == "word/document.xml" else info.filename
            zout.writestr(name, zin.read(info))
    assert sniff(dst) == "docx"


@pytest.mark.parametrize(
    "prolog",
    [
        b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<!-- <!DOCTYPE in a comment> -->\n',
        b"",
        b'<?xml version="1.0" encoding="us-ascii"?><?mso-application progid="Excel.Sheet"?>',
    ],
)
def test_ordinary_xml_prologs_pass(tmp_path, prolog):
    part = prolog + b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
    path = hostile.replace_member(hostile.xlsx(tmp_path / "src.xlsx"), tmp_path / "f.xlsx", "docProps/app.xml", part)
    assert sniff(path) == "xlsx"


def test_utf16_part_without_dtd_passes(tmp_path):
    part = '<?xml version="1.0" encoding="UTF-16"?><Properties/>'.encode("utf-16")
    path = hostile.replace_member(hostile.xlsx(tmp_path / "src.xlsx"), tmp_path / "f.xlsx", "docProps/app.xml", part)
    assert sniff(path) == "xlsx"


# --- one test per refusal ---


def test_empty_file_is_berkas_kosong(tmp_path):
    (tmp_path / "f.xlsx").write_bytes(b"")
    assert refused(tmp_path / "f.xlsx").code == "berkas_kosong"


def test_file_over_limit_is_terlalu_besar_and_names_the_limit(tmp_path):
    path = tmp_path / "big.xlsx"
    with open(path, "wb") as f:
        f.truncate(51 * 1024 * 1024)  # sparse: nothing is written
    refusal = refused(path)
    assert refusal.code == "terlalu_besar"
    assert "50 MB" in refusal.reason


def test_truncated_xlsx_is_berkas_rusak(tmp_path):
    data = hostile.xlsx(tmp_path / "src.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    assert refused(tmp_path / "cut.xlsx").code == "berkas_rusak"


def test_corrupt_deflate_data_is_berkas_rusak(tmp_path):
    path = hostile.raw_zip(
        tmp_path / "f.xlsx",
        [("xl/workbook.xml", b"\xff" * 40, 0, 100, 8), ("[Content_Types].xml", b"\xff" * 40, 0, 100, 8)],
    )
    assert refused(path).code == "berkas_rusak"


def test_encrypted_ooxml_is_berpassword(tmp_path):
    pytest.importorskip("msoffcrypto")
    path = hostile.encrypted_ooxml(hostile.xlsx(tmp_path / "src.xlsx"), tmp_path / "locked.xlsx")
    refusal = refused(path)
    assert refusal.code == "berpassword"
    assert "kata sandi" in refusal.reason


def test_ole_with_encryption_info_is_berpassword(tmp_path):
    path = hostile.ole_file(tmp_path / "locked.docx", {"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"x"})
    assert refused(path).code == "berpassword"


def test_zip_encrypted_member_is_berpassword(tmp_path):
    data = bytearray(hostile.xlsx(tmp_path / "src.xlsx").read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        data[at + 8] |= 1  # general purpose flag: encrypted
        at = data.find(b"PK\x01\x02", at + 4)
    (tmp_path / "f.xlsx").write_bytes(bytes(data))
    assert refused(tmp_path / "f.xlsx").code == "berpassword"


def test_xls_with_filepass_is_berpassword_and_without_is_xls(tmp_path):
    locked = hostile.ole_file(tmp_path / "locked.xls", {"Workbook": hostile.biff8_workbook(encrypted=True)})
    plain = hostile.ole_file(tmp_path / "plain.xls", {"Workbook": hostile.biff8_workbook(encrypted=False)})
    assert refused(locked).code == "berpassword"
    assert sniff(plain) == "xls"


def test_doc_with_fencrypted_is_berpassword_and_without_is_doc(tmp_path):
    locked = hostile.ole_file(tmp_path / "locked.doc", {"WordDocument": hostile.word_fib(encrypted=True)})
    plain = hostile.ole_file(tmp_path / "plain.doc", {"WordDocument": hostile.word_fib(encrypted=False)})
    assert refused(locked).code == "berpassword"
    assert sniff(plain) == "doc"


def test_xls_stream_without_bof_is_berkas_rusak(tmp_path):
    path = hostile.ole_file(tmp_path / "f.xls", {"Workbook": b"garbage!" * 10})
    assert refused(path).code == "berkas_rusak"


def test_truncated_ole_is_berkas_rusak(tmp_path):
    data = hostile.ole_file(tmp_path / "src.xls", {"Workbook": hostile.biff8_workbook(False)}).read_bytes()
    (tmp_path / "cut.xls").write_bytes(data[:1600])
    assert refused(tmp_path / "cut.xls").code == "berkas_rusak"


def test_other_ole_file_is_bukan_formulir(tmp_path):
    path = hostile.ole_file(tmp_path / "slides.doc", {"PowerPoint Document": b"\0" * 100})
    assert refused(path).code == "bukan_formulir"


def test_zip_bomb_declaring_1_5_gib_is_refused_fast_with_flat_memory(tmp_path):
    path = hostile.zip_bomb(tmp_path / "bomb.xlsx", inflated=1536 * hostile.MiB)
    assert path.stat().st_size < 2 * hostile.MiB
    tracemalloc.start()
    started = time.perf_counter()
    try:
        refusal = refused(path)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refusal.code == "berkas_berbahaya"
    assert elapsed < 2.0
    assert peak < 4 * hostile.MiB
    # and it is a real bomb: the member does inflate to zeros
    with zipfile.ZipFile(path) as z, z.open("xl/worksheets/sheet1.xml") as member:
        assert member.read(hostile.MiB) == bytes(hostile.MiB)


def test_high_ratio_member_is_berkas_berbahaya(tmp_path):
    path = hostile.zip_bomb(tmp_path / "bomb.xlsx", inflated=100 * hostile.MiB)  # under the part limit, ratio ~1000
    refusal = refused(path)
    assert refusal.code == "berkas_berbahaya"
    assert "rasio" in refusal.reason


def test_total_declared_size_over_limit_is_berkas_berbahaya(tmp_path):
    path = hostile.xlsx(tmp_path / "f.xlsx")
    assert refused(path, Limits(max_uncompressed_bytes=1000)).code == "berkas_berbahaya"


def test_too_many_members_is_berkas_berbahaya(tmp_path):
    path = hostile.many_members(tmp_path / "f.xlsx", 61)
    assert refused(path, Limits(max_members=60)).code == "berkas_berbahaya"
    assert sniff(path, Limits(max_members=61)) == "xlsx"


def test_member_count_lied_about_in_eocd_is_still_counted(tmp_path):
    data = bytearray(hostile.many_members(tmp_path / "src.xlsx", 61).read_bytes())
    eocd = data.rfind(b"PK\x05\x06")
    data[eocd + 8 : eocd + 12] = struct.pack("<HH", 1, 1)
    (tmp_path / "f.xlsx").write_bytes(bytes(data))
    assert refused(tmp_path / "f.xlsx", Limits(max_members=60)).code == "berkas_berbahaya"


def test_duplicate_member_names_are_berkas_berbahaya(tmp_path):
    part = (b"<workbook/>", 0, 11, 0)
    path = hostile.raw_zip(tmp_path / "f.xlsx", [("xl/workbook.xml", *part), ("XL/Workbook.xml", *part)])
    assert refused(path).code == "berkas_berbahaya"


def test_billion_laughs_in_shared_strings_is_berkas_berbahaya(tmp_path):
    src = hostile.xlsx(tmp_path / "src.xlsx")
    path = hostile.replace_member(src, tmp_path / "lol.xlsx", "xl/sharedStrings.xml", hostile.BILLION_LAUGHS)
    refusal = refused(path)
    assert refusal.code == "berkas_berbahaya"
    assert "xl/sharedStrings.xml" in refusal.reason


@pytest.mark.parametrize(
    "member, part",
    [
        ("_rels/.rels", b'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "http://example.invalid/x.dtd"><Relationships/>'),
        ("word/x.xml", b"<!-- <fake> --><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>"),
        ("word/x.xml", b"<?xml version='1.0'?><!ENTITY e 'x'><x/>"),
        ("word/x.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x/>'.encode("utf-16")),
        ("word/x.xml", '<!DOCTYPE x [<!ENTITY e "e">]><x/>'.encode("utf-16-le")),
        ("word/x.xml", b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE x+AD4-<x/>'),
        ("word/x.xml", b'<?xml version="1.0" encoding="UTF-16"?><\x00!\x00D\x00'),
        ("word/x.xml", '<!DOCTYPE x><x/>'.encode("utf-32")),
        ("word/media/x.bin", b"<!DOCTYPE x [<!ENTITY e 'e'>]><x/>"),  # XML by content, whatever the name
        ("word/media/x.bin", b" " * 100_000 + b"<!DOCTYPE x [<!ENTITY e 'e'>]><x/>"),
        ("word/x.xml", b" " * (2 * 1024 * 1024) + b"<x/>"),  # endless prolog
        ("word/x.xml", b"<!-- " + b"a" * (2 * 1024 * 1024) + b" -->"),  # endless prolog
    ],
)
def test_dtd_in_any_xml_part_is_berkas_berbahaya(tmp_path, member, part):
    path = hostile.replace_member(hostile.docx(tmp_path / "src.docx"), tmp_path / "f.docx", member, part)
    assert refused(path).code == "berkas_berbahaya"


def test_text_named_xlsx_is_bukan_formulir(tmp_path):
    (tmp_path / "f.xlsx").write_text("Nama SOP;Nomor\nPelayanan;1\n")
    assert refused(tmp_path / "f.xlsx").code == "bukan_formulir"


def test_html_saved_as_xls_is_bukan_formulir_and_says_to_resave(tmp_path):
    html = b"<html xmlns:x='urn:schemas-microsoft-com:office:excel'><body><table/></body></html>"
    (tmp_path / "f.xls").write_bytes(html)
    refusal = refused(tmp_path / "f.xls")
    assert refusal.code == "bukan_formulir"
    assert ".xlsx" in refusal.reason


def test_pdf_is_bukan_formulir(tmp_path):
    (tmp_path / "f.xlsx").write_bytes(hostile.PDF_MINIMAL)
    refusal = refused(tmp_path / "f.xlsx")
    assert refusal.code == "bukan_formulir"
    assert "PDF" in refusal.reason


@pytest.mark.parametrize(
    "magic", [hostile.PNG_1PX, b"\xff\xd8\xff\xe0\0\x10JFIF\0", b"GIF89a\1\0\1\0", b"II*\0\x08\0\0\0", b"BM6\0\0\0"]
)
def test_image_or_scan_is_bukan_formulir(tmp_path, magic):
    (tmp_path / "scan.docx").write_bytes(magic + bytes(64))
    refusal = refused(tmp_path / "scan.docx")
    assert refusal.code == "bukan_formulir"
    assert "gambar" in refusal.reason


def test_rtf_is_bukan_formulir(tmp_path):
    (tmp_path / "f.doc").write_bytes(b"{\\rtf1\\ansi Formulir}")
    assert refused(tmp_path / "f.doc").code == "bukan_formulir"


def test_plain_zip_is_bukan_formulir(tmp_path):
    with zipfile.ZipFile(tmp_path / "plain.xlsx", "w") as z:
        z.writestr("laporan.txt", "isi")
    assert refused(tmp_path / "plain.xlsx").code == "bukan_formulir"


def _opendocument(path, mimetype):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", "<office:document-content/>")
    return path


@pytest.mark.parametrize("mimetype,kind", [
    ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    ("application/vnd.oasis.opendocument.spreadsheet-template", "ods"),
    ("application/vnd.oasis.opendocument.text", "odt"),
    ("application/vnd.oasis.opendocument.text-template", "odt"),
])
def test_opendocument_is_known_by_its_mimetype_member_whatever_its_name(tmp_path, mimetype, kind):
    assert sniff(_opendocument(tmp_path / "formulir.xlsx", mimetype)) == kind


def test_opendocument_presentation_is_bukan_formulir(tmp_path):
    refusal = refused(_opendocument(tmp_path / "f.odp", "application/vnd.oasis.opendocument.presentation"))
    assert refusal.code == "bukan_formulir"
    assert "OpenDocument" in refusal.reason


def test_sniff_leaves_the_file_untouched(tmp_path):
    path = hostile.xlsx(tmp_path / "f.xlsx")
    before = path.read_bytes()
    shutil.copy(path, tmp_path / "copy.xlsx")
    sniff(path)
    assert path.read_bytes() == before


def test_a_huge_sheet_in_a_small_file_is_refused_before_opening(tmp_path):
    """Millions of cells compress to a few MB but would take gigabytes as Python objects."""
    import time
    import zipfile

    path = tmp_path / "besar.xlsx"
    hostile.xlsx(tmp_path / "kecil.xlsx")
    import random

    rng = random.Random(3)
    with zipfile.ZipFile(tmp_path / "kecil.xlsx") as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with dst.open("xl/worksheets/sheet1.xml", "w") as f:
                    f.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                            b'spreadsheetml/2006/main"><sheetData>')
                    for r in range(1, 1301):  # varied numbers: ordinary compression, no bomb ratio
                        cells = "".join(f"<c><v>{rng.randrange(10**6)}</v></c>" for _ in range(1000))
                        f.write(f'<row r="{r}">{cells}</row>'.encode())
                    f.write(b"</sheetData></worksheet>")
            else:
                dst.writestr(info, src.read(info))
    assert path.stat().st_size < 15 * 1024 * 1024  # under the 50 MB file limit
    start = time.perf_counter()
    assert refused(path).code == "terlalu_besar"
    assert time.perf_counter() - start < 1


# --- small files that hold a great deal once parsed: counted while inflated, refused unopened ---


def refused_within(path, seconds=1.0, megabytes=8) -> Refusal:
    """The refusal of `path`, checked to cost under `seconds` and `megabytes` (Python heap)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        refusal = refused(path)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < seconds
    assert peak < megabytes * hostile.MiB
    return refusal


def test_thirty_sheets_of_empty_cells_are_refused_in_milliseconds(tmp_path):
    path = hostile.empty_cell_sheets(tmp_path / "sel kosong.xlsx")
    assert path.stat().st_size < 200 * 1024
    with zipfile.ZipFile(path) as z:  # every member stays under the size the ratio check looks at
        assert max(info.file_size for info in z.infolist()) <= hostile.MiB
    refusal = refused_within(path, seconds=0.5)
    assert refusal.code == "berkas_berbahaya"
    assert "sel lembar kerja" in refusal.reason and "100.000" in refusal.reason


@pytest.mark.parametrize("build, counted", [
    (hostile.empty_rows_sheets, "baris lembar kerja"),
    (hostile.prefixed_cells_sheets, "sel lembar kerja"),
    (hostile.utf16_cells_sheets, "sel lembar kerja"),
    (hostile.cells_under_another_name, "sel lembar kerja"),
    (hostile.empty_paragraphs_document, "elemen XML"),
    (hostile.elements_spread_over_parts, "elemen XML"),
])
def test_every_way_of_hiding_many_objects_is_counted(tmp_path, build, counted):
    refusal = refused_within(build(tmp_path / "f.xlsx"))
    assert refusal.code == "berkas_berbahaya"
    assert counted in refusal.reason


def test_total_xml_over_limit_is_refused_with_both_sizes(tmp_path):
    path = hostile.xlsx(tmp_path / "f.xlsx")
    refusal = refused(path, Limits(max_xml_bytes=1000))
    assert refusal.code == "berkas_berbahaya"
    assert "MB data XML" in refusal.reason


def test_forms_are_far_under_every_count(tmp_path):
    from testdata import SAMPLES

    small = Limits(max_xml_bytes=hostile.MiB, max_elements=25_000, max_cells=1000, max_rows=100)
    for sample in sorted(SAMPLES.glob("*-contoh.*x")):
        assert sniff(sample, small) in ("xlsx", "docx")


def test_a_tag_cut_between_chunks_is_counted_once(tmp_path):
    for pad in range(8):  # every cut through "<row " and "<x:c/>" at the chunk boundary
        body = b" " * (256 * 1024 - 3 + pad) + hostile.sheet_of(b"<x:c/>", size=2000, prefix=b"x")
        path = hostile.replace_member(hostile.xlsx(tmp_path / "src.xlsx"), tmp_path / "f.xlsx",
                                      "xl/worksheets/sheet1.xml", body)
        cells = body.count(b"<x:c/>")
        assert sniff(path, Limits(max_cells=cells)) == "xlsx"
        assert refused(path, Limits(max_cells=cells - 1)).code == "berkas_berbahaya"


@pytest.mark.parametrize("encoding, bom", [
    ("utf-32", b""), ("utf-32-le", b""), ("utf-32-be", b""), ("utf-32-le", b"\xff\xfe\x00\x00"),
    ("cp500", b""), ("cp037", b""),
])
@pytest.mark.parametrize("member", ["word/media/image1.bin", "word/x.xml", "customXml/item1", "zz"])
def test_a_part_in_an_encoding_a_scan_cannot_follow_is_refused_whatever_its_name(tmp_path, encoding, bom, member):
    path = hostile.xml_part_in_encoding(tmp_path / "f.docx", member, encoding, bom)
    refusal = refused(path)
    assert refusal.code == "berkas_berbahaya"
    assert "pengodean" in refusal.reason


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_part_without_bom_opening_with_spaces_is_scanned(tmp_path, encoding):
    part = '  \n<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>'.encode(encoding)
    path = hostile.replace_member(hostile.docx(tmp_path / "src.docx"), tmp_path / "f.docx", "word/media/x.bin", part)
    assert "DTD" in refused(path).reason


def test_a_decoy_zip64_end_record_does_not_hide_the_real_entry_count(tmp_path):
    path = hostile.decoy_zip64(tmp_path / "f.xlsx", entries=200_000)
    refusal = refused_within(path, seconds=0.5, megabytes=2)
    assert refusal.code == "berkas_berbahaya"
    assert "200.000 bagian" in refusal.reason


def test_a_word_package_is_held_to_its_exact_element_count(tmp_path):
    # Word parts are first bounded by their "<"s (end tags included); a bound over the limit is
    # counted again exactly, so a file right at the limit still passes and one over it does not
    path = hostile.docx(tmp_path / "f.docx")
    with zipfile.ZipFile(path) as zf:
        text = b"".join(zf.read(i) for i in zf.infolist() if i.filename.endswith((".xml", ".rels")))
    elements = text.count(b"<") - text.count(b"</") - text.count(b"<?") - text.count(b"<!")
    assert text.count(b"<") > elements
    assert sniff(path, Limits(max_elements=elements)) == "docx"
    refusal = refused(path, Limits(max_elements=elements - 1))
    assert refusal.code == "berkas_berbahaya" and "elemen XML" in refusal.reason


def test_a_package_too_small_to_hold_more_than_a_limit_is_not_counted(tmp_path):
    # every element takes at least four bytes ("<a/>"): "<"s in a comment are no elements, and a
    # package declaring at most four times the limit in all passes without being inflated
    comment = b"<!--" + b"<" * 400_000 + b"-->"  # more "<"s than a quarter of the package
    path = hostile.replace_member(hostile.docx(tmp_path / "src.docx"), tmp_path / "f.docx",
                                  "customXml/item9.xml", comment + b"<a/>")
    with zipfile.ZipFile(path) as zf:
        declared = sum(i.file_size for i in zf.infolist())
    assert sniff(path, Limits(max_elements=-(-declared // 4))) == "docx"
    refusal = refused(path, Limits(max_elements=-(-declared // 4) - 1))
    assert refusal.code == "berkas_berbahaya" and "elemen XML" in refusal.reason
