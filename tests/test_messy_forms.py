"""Returned forms with the edits found by trying many messy variants at once (red-team pass).

Each test builds the structure as a real file and checks the parse gives back the facts it was
built with, or nulls plus warnings where a person could not tell either.
"""
from docx.oxml import parse_xml

import wordedits as we
from test_word_structures import assert_sidoarjo, sidoarjo
from sopdoc.reading import parsing

_LIST_NUMBERING = f'<w:numPr {we.NS}><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'


def read(path, region):
    return parsing.read_file(path, region_key=region).form


def automatic_numbers(table_index: int):
    """The No cells of a table left to Word's list numbering: the "1." is shown, not in the text."""
    def change(doc):
        for row in doc.tables[table_index].rows[1:]:
            paragraph = row.cells[0].paragraphs[0]
            if paragraph.text.strip().isdigit():
                for run in paragraph.runs:
                    run.text = ""
                paragraph._p.get_or_add_pPr().append(parse_xml(_LIST_NUMBERING))
    return change


def test_sidoarjo_table_a_numbered_by_word_is_joined_to_table_b_by_title(tmp_path):
    form = read(sidoarjo(tmp_path, automatic_numbers(1)), "sidoarjo")
    assert_sidoarjo(form)
    assert form.warnings == []


def test_sidoarjo_table_b_numbered_by_word_is_joined_to_table_a_by_title(tmp_path):
    form = read(sidoarjo(tmp_path, automatic_numbers(2)), "sidoarjo")
    assert_sidoarjo(form)
    assert form.warnings == []
