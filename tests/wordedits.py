"""Edits Word makes to a form as people work on it, applied to a form `wordforms` wrote.

Each edit opens the .docx with python-docx, changes it as Word would store it (a table split by a
page break, tracked changes, a comment, the identity in a text box or as tab-aligned paragraphs)
and saves it again; the facts the form carries stay what the test built.
"""
from __future__ import annotations

import copy
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import qn

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:v="urn:schemas-microsoft-com:vml"')


def edit(path, change) -> Path:
    doc = docx.Document(path)
    change(doc)
    doc.save(path)
    return Path(path)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _blank_paragraph(page_break=True):
    br = '<w:r><w:br w:type="page"/></w:r>' if page_break else ""
    return parse_xml(f"<w:p {NS}>{br}</w:p>")


def split_table(index: int, at_row: int, repeat_header_rows: int):
    """Table `index` (0-based among the body's tables) split before row `at_row` by a page break;
    the second part starts with a copy of the first `repeat_header_rows` rows (0: no header)."""
    def change(doc):
        tbl = doc.tables[index]._tbl
        rows = tbl.findall(qn("w:tr"))
        second = copy.deepcopy(tbl)
        for tr in second.findall(qn("w:tr")):
            second.remove(tr)
        for tr in rows[:repeat_header_rows]:
            second.append(copy.deepcopy(tr))
        for tr in rows[at_row:]:
            tbl.remove(tr)
            second.append(tr)
        gap = _blank_paragraph()
        tbl.addnext(gap)
        gap.addnext(second)
    return change


def note_after_table(index: int, text: str):
    """`text` typed into the paragraph right after table `index` (0-based), such as "(lanjutan)"."""
    def change(doc):
        gap = doc.tables[index]._tbl.getnext()
        gap.append(parse_xml(f"<w:r {NS}><w:t>{_esc(text)}</w:t></w:r>"))
    return change


def _runs_with_text(doc, text):
    body = doc.element.body
    return [r for r in body.iter(qn("w:r")) if "".join(t.text or "" for t in r.iter(qn("w:t"))) == text]


def tracked_changes(old_text: str, new_text: str):
    """`new_text` typed over `old_text` with Track Changes on: the old run deleted, the new inserted."""
    def change(doc):
        run = _runs_with_text(doc, new_text)[0]
        deleted = parse_xml(f'<w:del {NS} w:id="901" w:author="Staf" w:date="2025-05-12T09:00:00Z">'
                            f'<w:r><w:delText xml:space="preserve">{_esc(old_text)}</w:delText></w:r></w:del>')
        inserted = parse_xml(f'<w:ins {NS} w:id="902" w:author="Staf" w:date="2025-05-12T09:00:00Z"/>')
        run.addprevious(deleted)
        run.addprevious(inserted)
        inserted.append(run)
    return change


def deleted_row(table_index: int, copy_of_row: int, title: str):
    """A row deleted with Track Changes on: still in the file, its text in w:delText."""
    def change(doc):
        tbl = doc.tables[table_index]._tbl
        rows = tbl.findall(qn("w:tr"))
        row = copy.deepcopy(rows[copy_of_row])
        tr_pr = row.find(qn("w:trPr"))
        if tr_pr is None:
            tr_pr = parse_xml(f"<w:trPr {NS}/>")
            row.insert(0, tr_pr)
        tr_pr.append(parse_xml(f'<w:del {NS} w:id="903" w:author="Staf" w:date="2025-05-12T09:00:00Z"/>'))
        for t in row.iter(qn("w:t")):
            if t.text and len(t.text) > 3:
                t.text = title
                break
        for r in list(row.iter(qn("w:r"))):
            for t in r.findall(qn("w:t")):
                t.tag = qn("w:delText")
            wrapper = parse_xml(f'<w:del {NS} w:id="904" w:author="Staf" w:date="2025-05-12T09:00:00Z"/>')
            r.addprevious(wrapper)
            wrapper.append(r)
        rows[copy_of_row].addnext(row)
    return change


def comment_on(text: str, comment: str):
    def change(doc):
        run = _runs_with_text(doc, text)[0]
        from docx.text.run import Run

        doc.add_comment(Run(run, None), text=comment, author="Kasubag", initials="KS")
    return change


def hidden_text(after: str, hidden: str):
    """Text formatted as hidden (Font > Hidden) after the run reading `after`."""
    def change(doc):
        run = _runs_with_text(doc, after)[0]
        xml = f'<w:r {NS}><w:rPr><w:vanish/></w:rPr><w:t xml:space="preserve">{_esc(hidden)}</w:t></w:r>'
        run.addnext(parse_xml(xml))
    return change


def _text_box_xml(inner: str) -> str:
    """A paragraph with one text box, stored as Word stores it: a drawing shape and its VML fallback."""
    return (
        f'<w:p {NS}><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" '
        'locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="5000000" cy="900000"/><wp:wrapSquare wrapText="bothSides"/>'
        '<wp:docPr id="10" name="Kotak Teks 10"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr/><wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx>'
        '<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{inner}</w:txbxContent></v:textbox>'
        '</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>'
    )


def text_box_in_cell(table_index: int, row: int, col: int, text: str):
    """The cell's text typed into a text box placed in the cell (the cell's own paragraph left empty)."""
    def change(doc):
        cell = doc.tables[table_index].cell(row, col)
        for paragraph in cell.paragraphs[1:]:
            paragraph._p.getparent().remove(paragraph._p)
        first = cell.paragraphs[0]._p
        first.addnext(parse_xml(_text_box_xml(f'<w:p><w:r><w:t xml:space="preserve">{_esc(text)}</w:t></w:r></w:p>')))
        first.getparent().remove(first)
    return change


def _paragraphs_xml(lines) -> str:
    out = []
    for line in lines:
        runs = "".join('<w:r><w:tab/></w:r>' if part == "\t" else
                       f'<w:r><w:t xml:space="preserve">{_esc(part)}</w:t></w:r>' for part in _tabbed(line))
        out.append(f"<w:p>{runs}</w:p>")
    return "".join(out)


def _tabbed(line: str) -> list:
    parts = []
    for i, piece in enumerate(line.split("\t")):
        if i:
            parts.append("\t")
        if piece:
            parts.append(piece)
    return parts


def identity_as(kind: str, lines, first_table: bool):
    """Replace the identity (the first table when `first_table`, else the paragraphs that hold
    `lines`' labels) with `lines` written as: "textbox" (paragraphs in a text box), "tabs"
    (tab-aligned paragraphs) or "table" (a borderless label | : | value table)."""
    def change(doc):
        body = doc.element.body
        if first_table:
            anchor = doc.tables[0]._tbl
            old = [anchor]
        else:
            labels = [line.split("\t")[0].split(":")[0].strip() for line in lines]
            old = [p._p for p in doc.paragraphs if any(p.text.startswith(label) for label in labels)]
            anchor = old[0]
        if kind == "textbox":
            new = [parse_xml(_text_box_xml(_paragraphs_xml(lines)))]
        elif kind == "tabs":
            new = list(parse_xml(f"<w:body {NS}>{_paragraphs_xml(lines)}</w:body>"))
        else:
            rows = "".join(
                "<w:tr>" + "".join(f'<w:tc><w:p><w:r><w:t xml:space="preserve">{_esc(cell)}</w:t></w:r></w:p></w:tc>'
                                   for cell in line.split("\t")) + "</w:tr>" for line in lines)
            ncols = len(lines[0].split("\t"))
            grid = "".join('<w:gridCol w:w="2000"/>' for _ in range(ncols))
            new = [parse_xml(f'<w:tbl {NS}><w:tblPr><w:tblBorders><w:top w:val="nil"/><w:bottom w:val="nil"/>'
                             f'</w:tblBorders></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>')]
        for el in new:
            anchor.addprevious(el)
        for el in old:
            body.remove(el)
    return change


ACKNOWLEDGER = ("Mengetahui,", "Kepala Dinas Kesehatan", "", "dr. Budi Santoso, M.Kes.", "NIP. 19650101 199003 1 005")


def _paragraph(text: str):
    return parse_xml(f'<w:p {NS}><w:r><w:t xml:space="preserve">{_esc(text)}</w:t></w:r></w:p>')


def acknowledgement_block(place_date: str, before: bool):
    """A second block ("Mengetahui, Kepala ...") before the dated block, or after it."""
    def change(doc):
        paragraphs = doc.paragraphs
        if before:
            anchor = next(p for p in paragraphs if p.text == place_date)._p
            for text in ACKNOWLEDGER + ("",):
                anchor.addprevious(_paragraph(text))
        else:
            anchor = paragraphs[-1]._p
            for text in reversed(("",) + ACKNOWLEDGER):
                anchor.addnext(_paragraph(text))
    return change


def drop_paragraph(starting: str):
    def change(doc):
        p = next(p for p in doc.paragraphs if p.text.startswith(starting))._p
        p.getparent().remove(p)
    return change


def _cell_xml(text: str, span: int = 1, merge: str = None) -> str:
    props = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
        f'<w:vMerge w:val="{merge}"/>' if merge == "restart" else ("<w:vMerge/>" if merge else ""))
    return (f'<w:tc {NS}><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t xml:space="preserve">{_esc(text)}</w:t></w:r>'
            '</w:p></w:tc>')


def group_header_row(table_index: int, keep: int, group: str, span: int):
    """A group header row ("Kriteria Evaluasi") above the table's header: the first `keep` header
    cells move up and are merged down, the group label spans the next `span` grid columns."""
    def change(doc):
        tbl = doc.tables[table_index]._tbl
        first = tbl.findall(qn("w:tr"))[0]
        cells = first.findall(qn("w:tc"))
        texts = ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in cells[:keep]]
        new_row = parse_xml(f"<w:tr {NS}>" + "".join(_cell_xml(t, merge="restart") for t in texts)
                            + _cell_xml(group, span) + "</w:tr>")
        for tc in cells[:keep]:
            tc.addprevious(parse_xml(_cell_xml("", merge="continue")))
            first.remove(tc)
        first.addprevious(new_row)
    return change


def extra_column(table_index: int, label: str, values=("Sekretariat", "Bidang Pelayanan", "Subbag Umum")):
    """A column added at the right end of a table, with its own header."""
    def change(doc):
        tbl = doc.tables[table_index]._tbl
        tbl.find(qn("w:tblGrid")).append(parse_xml(f'<w:gridCol {NS} w:w="1200"/>'))
        for i, tr in enumerate(tbl.findall(qn("w:tr"))):
            tr.append(parse_xml(_cell_xml(label if i == 0 else values[(i - 1) % len(values)])))
    return change


def swap_columns(table_index: int, a: int, b: int):
    """Two columns (cell positions in every row) swapped."""
    def change(doc):
        for tr in doc.tables[table_index]._tbl.findall(qn("w:tr")):
            cells = tr.findall(qn("w:tc"))
            ca, cb = cells[a], cells[b]
            marker = parse_xml(f"<w:tc {NS}/>")
            ca.addprevious(marker)
            cb.addprevious(ca)
            marker.addprevious(cb)
            tr.remove(marker)
    return change


def side_by_side_signature(place_date: str, signer_first: bool):
    """The signature paragraphs rewritten as two blocks side by side with tab stops: a "Mengetahui"
    block on the left (or on the right when `signer_first`), the dated block on the other side."""
    def change(doc):
        paragraphs = doc.paragraphs
        start = next(i for i, p in enumerate(paragraphs) if p.text == place_date)
        own = [p.text for p in paragraphs[start:]]
        other = list(ACKNOWLEDGER)
        while len(other) < len(own):
            other.insert(2, "")
        for p, mine, theirs in zip(paragraphs[start:], own, other):
            left, right = (mine, theirs) if signer_first else (theirs, mine)
            p._p.getparent().replace(p._p, parse_xml(f"<w:body {NS}>{_paragraphs_xml([left + chr(9) * 2 + right])}"
                                                     "</w:body>")[0])
    return change


def title_over_two_rows(table_index: int, row: int, title_col: int, merged: bool):
    """The title in row `row` typed over two rows: a row added under it holds the title's second
    half; the other cells merged down over both rows, or left empty."""
    def change(doc):
        tbl = doc.tables[table_index]._tbl
        tr = tbl.findall(qn("w:tr"))[row]
        new = copy.deepcopy(tr)
        cells, new_cells = tr.findall(qn("w:tc")), new.findall(qn("w:tc"))
        for i, (tc, nc) in enumerate(zip(cells, new_cells)):
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            for t in list(nc.iter(qn("w:t"))):
                t.text = ""
            if i == title_col:
                words = text.split()
                half = len(words) // 2
                next(tc.iter(qn("w:t"))).text = " ".join(words[:half])
                for t in list(tc.iter(qn("w:t")))[1:]:
                    t.text = ""
                next(nc.iter(qn("w:t"))).text = " ".join(words[half:])
            elif merged and text:
                for holder, value in ((tc, "restart"), (nc, None)):
                    props = holder.find(qn("w:tcPr"))
                    if props is None:
                        props = parse_xml(f"<w:tcPr {NS}/>")
                        holder.insert(0, props)
                    props.append(parse_xml(f'<w:vMerge {NS} w:val="restart"/>' if value else f"<w:vMerge {NS}/>"))
        tr.addnext(new)
    return change
