"""Build the Word letter templates (undangan, teguran, laporan, pengantar) in sopdoc/data/templates/.

The templates are .docx files with Jinja tags for docxtpl, laid out as a surat dinas on A4 (kop
surat, place and date, Nomor/Sifat/Lampiran/Hal, Yth., body, signature, tembusan). `sopdoc init`
copies them into a workspace's templates/ folder, where the bureau edits them in Word.
The variables each template may use are listed in templates/README.md.

Run from the repository root after changing this script, and commit the .docx files:
    python tools/make_templates.py
"""
from __future__ import annotations

import datetime
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parents[1] / "sopdoc" / "data" / "templates"
FONT = "Arial"
RIGHT_BLOCK = Cm(8.5)  # left edge of the date, addressee and signature blocks
BODY_INDENT = Cm(0)


# -- layout helpers -------------------------------------------------------------------------------


def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(2.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.15
    core = doc.core_properties
    core.author = "sopdoc"
    core.title = "Templat surat sopdoc"
    # fixed dates keep regenerated templates byte-stable where python-docx allows
    core.created = core.modified = datetime.datetime(2025, 1, 1)
    core.revision = 1
    return doc


def para(doc_or_cell, text: str = "", *, bold=False, underline=False, size=None, align=None, left=None,
         first_line=None, after=0, before=0, keep_next=False, page_break_before=False):
    p = doc_or_cell.add_paragraph()
    if text:
        run = p.add_run(text)  # one run per tag: docxtpl needs each Jinja tag whole in one run
        run.bold = bold
        run.underline = underline
        if size:
            run.font.size = Pt(size)
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    if left is not None:
        fmt.left_indent = left
    if first_line is not None:
        fmt.first_line_indent = first_line
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(before)
    fmt.keep_with_next = keep_next
    fmt.page_break_before = page_break_before
    return p


def tag(doc, text: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}); docxtpl removes it."""
    para(doc, text)


def bottom_rule(paragraph) -> None:
    """The double rule under the kop surat."""
    pPr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "thickThinSmallGap")
    bottom.set(qn("w:sz"), "24")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)
    pPr.append(borders)


def widths(table, cms) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, cm in zip(grid.findall(qn("w:gridCol")), cms):
        col.set(qn("w:w"), str(int(Cm(cm).twips)))
    for row in table.rows:
        for cell, cm in zip(row.cells, cms):
            cell.width = Cm(cm)


def cell_text(cell, text: str, *, bold=False, align=None, size=None) -> None:
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if align is not None:
        p.alignment = align


def label_table(doc, rows, cms=(2.8, 0.5, 13.2), left=None):
    """Label : value lines (Nomor, Sifat, ...) as a borderless table."""
    table = doc.add_table(rows=len(rows), cols=3)
    for row, (label, value) in zip(table.rows, rows):
        cell_text(row.cells[0], label)
        cell_text(row.cells[1], ":")
        cell_text(row.cells[2], value)
    widths(table, cms)
    if left is not None:
        tblPr = table._tbl.tblPr
        indent = OxmlElement("w:tblInd")
        indent.set(qn("w:w"), str(int(left.twips)))
        indent.set(qn("w:type"), "dxa")
        tblPr.append(indent)
    return table


def loop_table(doc, headers, cells, cms, loop: str, size=11):
    """A bordered table: a header row and one row per item of a docxtpl {%tr for %} loop."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers):
        cell_text(cell, header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=size)
    cell_text(table.rows[1].cells[0], "{%tr for " + loop + " %}", size=size)
    for cell, value in zip(table.rows[2].cells, cells):
        centred = any(word in value for word in ("{{ loop", "jumlah", "persen", "kelompok", "terbaca"))
        cell_text(cell, value, size=size, align=WD_ALIGN_PARAGRAPH.CENTER if centred else None)
    cell_text(table.rows[3].cells[0], "{%tr endfor %}", size=size)
    widths(table, cms)
    for row in (table.rows[0], table.rows[2]):  # a row never breaks across pages
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return table


# -- the parts every letter has -------------------------------------------------------------------


def kop(doc) -> None:
    tag(doc, "{%p for baris in kop %}")
    para(doc, "{{ baris }}", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p for baris in kop_alamat %}")
    para(doc, "{{ baris }}", size=10, align=WD_ALIGN_PARAGRAPH.CENTER)
    tag(doc, "{%p endfor %}")
    bottom_rule(para(doc, "", size=4, after=8))


def place_date(doc, after=8) -> None:
    para(doc, "{{ tempat }}, {{ tanggal }}", left=RIGHT_BLOCK, after=after)


def number_block(doc) -> None:
    label_table(doc, [("Nomor", "{{ nomor }}"), ("Sifat", "{{ sifat }}"), ("Lampiran", "{{ lampiran }}"),
                      ("Hal", "{{ hal }}")], cms=(2.8, 0.5, 8.5))


def addressee(doc) -> None:
    para(doc, "Yth. {{ kepada }}", left=RIGHT_BLOCK, before=10)
    para(doc, "di", left=RIGHT_BLOCK)
    para(doc, "{{ kepada_tempat }}", left=RIGHT_BLOCK + Cm(1), after=12)


def body(doc, text: str, after=6, first_line=None, left=BODY_INDENT):
    first_line = Cm(1.25) if first_line is None else first_line
    return para(doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=first_line, left=left, after=after)


def closing(doc, text: str) -> None:
    """The closing sentence, kept on the page of the signature."""
    body(doc, text).paragraph_format.keep_with_next = True


def add_run(p, text: str = "", *, bold=False, underline=False, breaks=0):
    """A run of `text` (one Jinja tag whole in one run) or of `breaks` line breaks."""
    run = p.add_run(text)
    run.bold = bold
    run.underline = underline
    for _ in range(breaks):
        run.add_break()
    return run


def signature(doc, with_place=False) -> None:
    """The signature block as ONE paragraph of lines kept together, so no page break can fall inside
    it: keep-with-next between separate paragraphs is not always honoured (LibreOffice leaves a
    kept paragraph at the foot of a page when it fits there but the next one does not)."""
    p = para(doc, "", left=RIGHT_BLOCK, before=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.keep_together = True
    if with_place:
        add_run(p, "{{ tempat }}, {{ tanggal }}")
        add_run(p, breaks=1)
    add_run(p, "{{ jabatan }},")
    add_run(p, breaks=4)  # room for the signature and the stamp
    add_run(p, "{{ nama }}", bold=True, underline=True)
    add_run(p, "{% if pangkat %}")
    add_run(p, breaks=1)
    add_run(p, "{{ pangkat }}")
    add_run(p, "{% endif %}")
    add_run(p, breaks=1)
    add_run(p, "NIP. {{ nip }}")


def tembusan(doc) -> None:
    """"Tembusan:" and its list as ONE paragraph kept together: the heading never ends a page alone."""
    tag(doc, "{%p if tembusan %}")
    p = para(doc, "Tembusan:", before=12)
    p.paragraph_format.keep_together = True
    add_run(p, "{% for t in tembusan %}")
    add_run(p, breaks=1)
    add_run(p, "{{ loop.index }}. Yth. {{ t }}{{ '.' if loop.last else ';' }}")
    add_run(p, "{% endfor %}")
    tag(doc, "{%p endif %}")


def letter_head(doc) -> None:
    kop(doc)
    place_date(doc)
    number_block(doc)
    addressee(doc)


# -- the three letters ----------------------------------------------------------------------------


def undangan() -> Document:
    doc = new_document()
    letter_head(doc)
    body(doc, "Dalam rangka tindak lanjut {{ periode }} di lingkungan Pemerintah {{ daerah }}, "
              "{{ penyelenggara }} menyelenggarakan pertemuan apresiasi dan verifikasi hasil evaluasi bagi "
              "perangkat daerah yang telah menyampaikan hasil evaluasi pelaksanaan SOP tepat waktu, yaitu "
              "sebelum {{ batas_waktu }}. Sehubungan dengan hal tersebut, kami mengundang Saudara untuk hadir "
              "pada:")
    label_table(doc, [("hari, tanggal", "{{ hari_tanggal }}"), ("pukul", "{{ pukul }}"),
                      ("tempat", "{{ tempat_rapat }}"),
                      ("acara", "Apresiasi dan Verifikasi Hasil Evaluasi Pelaksanaan SOP {{ kelompok }}")],
              cms=(3.3, 0.5, 11.0), left=Cm(1.25))
    body(doc, "Undangan ini ditujukan kepada {{ jumlah_diundang }} perangkat daerah sebagaimana tercantum dalam "
              "lampiran. Mohon kehadiran Kepala Perangkat Daerah atau pejabat yang membidangi SOP dengan membawa "
              "dokumen SOP yang telah dievaluasi.", after=6).paragraph_format.space_before = Pt(6)
    closing(doc, "Demikian disampaikan, atas perhatian dan kehadirannya diucapkan terima kasih.")
    signature(doc)
    tembusan(doc)
    # the attachment: the invited agencies
    attachment = Cm(6.5)
    para(doc, "LAMPIRAN", left=attachment, page_break_before=True)
    para(doc, "SURAT {{ jabatan_kapital }}", left=attachment)
    label_table(doc, [("NOMOR", "{{ nomor }}"), ("TANGGAL", "{{ tanggal }}"), ("HAL", "{{ hal }}")],
                cms=(2.6, 0.4, 7.0), left=attachment)
    para(doc, "DAFTAR PERANGKAT DAERAH YANG DIUNDANG", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=18)
    para(doc, "{{ hari_tanggal }} — {{ kelompok }}", align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    loop_table(doc, ["No", "Perangkat Daerah", "Kelompok", "Diterima"],
               ["{{ loop.index }}", "{{ opd.nama }}", "{{ opd.kelompok }}", "{{ opd.diterima }}"],
               (1.2, 7.8, 2.6, 4.9), "opd in diundang", size=10)
    signature(doc)
    return doc


def teguran() -> Document:
    doc = new_document()
    letter_head(doc)
    body(doc, "Menindaklanjuti pelaksanaan {{ periode }} di lingkungan Pemerintah {{ daerah }} yang dibuka pada "
              "{{ dibuka }} dengan batas waktu penyampaian hasil evaluasi {{ batas_waktu }}, bersama ini kami "
              "sampaikan hal-hal sebagai berikut:")
    tag(doc, "{%p if terlambat %}")
    body(doc, "1. Hasil evaluasi pelaksanaan SOP {{ opd }} kami terima pada {{ diterima }}, terlambat "
              "{{ hari_terlambat }} hari kerja dari batas waktu tersebut.", first_line=Cm(0), left=Cm(1.25))
    body(doc, "2. Kami minta Saudara memperhatikan ketepatan waktu penyampaian pada tahap evaluasi berikutnya. "
              "Perbaikan atau kelengkapan data, bila ada, agar disampaikan paling lambat {{ batas_baru }}.",
         first_line=Cm(0), left=Cm(1.25))
    tag(doc, "{%p else %}")
    body(doc, "1. Sampai dengan tanggal surat ini, hasil evaluasi pelaksanaan SOP {{ opd }} belum kami terima.",
         first_line=Cm(0), left=Cm(1.25))
    body(doc, "2. Kami minta Saudara menyampaikan hasil evaluasi pelaksanaan SOP menggunakan formulir yang telah "
              "ditetapkan paling lambat {{ batas_baru }} ({{ hari_kirim }} hari kerja sejak tanggal surat ini). "
              "Perangkat daerah yang belum menyampaikan sampai batas waktu tersebut akan dilaporkan kepada "
              "Sekretaris Daerah.", first_line=Cm(0), left=Cm(1.25))
    tag(doc, "{%p endif %}")
    closing(doc, "Demikian disampaikan, atas perhatian dan kerja samanya diucapkan terima kasih.")
    signature(doc)
    tembusan(doc)
    return doc


def laporan() -> Document:
    doc = new_document()
    kop(doc)
    para(doc, "NOTA DINAS", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    label_table(doc, [("Yth.", "{{ kepada }}"), ("Dari", "{{ dari }}"), ("Tanggal", "{{ tanggal }}"),
                      ("Nomor", "{{ nomor }}"), ("Sifat", "{{ sifat }}"), ("Lampiran", "{{ lampiran }}"),
                      ("Hal", "{{ hal }}")])
    bottom_rule(para(doc, "", size=4, after=12))
    body(doc, "Dengan hormat, bersama ini kami laporkan hasil {{ periode }} di lingkungan Pemerintah {{ daerah }} "
              "dengan batas waktu penyampaian {{ batas_waktu }}, keadaan sampai dengan {{ keadaan }}, "
              "sebagai berikut:")
    para(doc, "1. Penyampaian hasil evaluasi oleh {{ jumlah_opd }} perangkat daerah:", left=Cm(0), after=6,
         keep_next=True)
    loop_table(doc, ["Status", "Jumlah Perangkat Daerah", "Persentase"],
               ["{{ s.label }}", "{{ s.jumlah }}", "{{ s.persen }}"], (7.0, 4.5, 3.5), "s in status")
    para(doc, "2. Tindak lanjut atas {{ jumlah_sop }} SOP yang dievaluasi:", before=12, after=6, keep_next=True)
    loop_table(doc, ["Tindak Lanjut", "Jumlah SOP", "Persentase"],
               ["{{ t.label }}", "{{ t.jumlah }}", "{{ t.persen }}"], (7.0, 4.5, 3.5), "t in tindak_lanjut")
    para(doc, "3. Pemenuhan tujuh kriteria evaluasi SOP (Permenpan RB Nomor 35 Tahun 2012):", before=12, after=6,
         keep_next=True)
    loop_table(doc, ["No", "Kriteria", "SOP Memenuhi", "Persentase", "Kosong / Tak Terbaca"],
               ["{{ loop.index }}", "{{ k.label }}", "{{ k.jumlah }}", "{{ k.persen }}", "{{ k.tidak_terbaca }}"],
               (1.0, 7.2, 2.7, 2.7, 2.9), "k in kriteria", size=10)
    body(doc, "Persentase dihitung dari SOP yang jawabannya terbaca. SOP yang memenuhi seluruh tujuh kriteria "
              "sebanyak {{ semua_kriteria.jumlah }} SOP ({{ semua_kriteria.persen }}{% if "
              "semua_kriteria.tidak_dapat_dinilai %} dari {{ semua_kriteria.dinilai }} SOP yang dapat dinilai; "
              "{{ semua_kriteria.tidak_dapat_dinilai }} SOP tidak dapat dinilai karena ada kriteria yang kosong atau "
              "tidak terbaca{% endif %}).", first_line=Cm(0)).paragraph_format.space_before = Pt(6)
    para(doc, "4. Perangkat daerah yang terlambat: {{ daftar_terlambat }}.", before=6, after=6)
    para(doc, "5. Perangkat daerah yang belum menyampaikan: {{ daftar_belum }}.", after=6)
    body(doc, "Rincian per perangkat daerah dan per SOP terdapat dalam rekap terlampir ({{ berkas_rekap }}). "
              "Demikian kami laporkan, mohon arahan lebih lanjut.")
    signature(doc, with_place=True)
    tembusan(doc)
    return doc


def pengantar() -> Document:
    """The cover letter of an agency's blank form (sopdoc forms --surat)."""
    doc = new_document()
    letter_head(doc)
    body(doc, "Dalam rangka {{ periode }} di lingkungan Pemerintah {{ daerah }}, bersama ini kami sampaikan "
              "formulir evaluasi pelaksanaan SOP khusus untuk {{ opd }}, yaitu berkas {{ berkas }} (terlampir).")
    body(doc, "Nama perangkat daerah dan tahap evaluasi telah tercantum pada formulir{% if sop_terisi %}, demikian "
              "pula {{ sop_terisi }} SOP dari evaluasi sebelumnya; SOP yang tidak lagi berlaku agar dihapus dan SOP "
              "baru ditambahkan{% endif %}. Mohon setiap isian dipilih dari pilihan yang tersedia pada formulir "
              "dan bentuk formulir tidak diubah.")
    tag(doc, "{%p if tautan %}")
    body(doc, "Formulir yang telah diisi agar disampaikan paling lambat {{ batas_waktu }} melalui tautan unggah "
              "khusus {{ opd }} berikut, atau dengan memindai kode QR di bawah ini:")
    para(doc, "{{ tautan }}", align=WD_ALIGN_PARAGRAPH.CENTER, before=4, after=4)
    para(doc, "{{ qr }}", align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    body(doc, "Tautan tersebut hanya untuk {{ opd }}; mohon tidak diteruskan kepada perangkat daerah lain.")
    tag(doc, "{%p else %}")
    body(doc, "Formulir yang telah diisi agar disampaikan paling lambat {{ batas_waktu }} dengan menyimpan "
              "berkasnya ke folder bersama {{ folder }}.")
    tag(doc, "{%p endif %}")
    closing(doc, "Demikian disampaikan, atas perhatian dan kerja samanya diucapkan terima kasih.")
    signature(doc)
    tembusan(doc)
    return doc


def main(out: Path = OUT) -> list:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in (("undangan", undangan), ("teguran", teguran), ("laporan", laporan),
                        ("pengantar", pengantar)):
        path = out / f"{name}.docx"
        build().save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(path)
