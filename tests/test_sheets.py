"""The shared Excel table reader (sopdoc.formkit.sheets) on small grids built in memory: the header
and its criteria, the rows of the table, and every answer read or refused with a warning."""
import time

import pytest

from sopdoc.formkit.document import Sheet
from sopdoc.formkit.sheets import Grid, find_header, read_choice, read_criteria, read_sops, table_rows
from sopdoc.vocabulary import CRITERIA, FOLLOW_UP_WORDS

HEADER = ["No", "Nomor SOP", "Nama SOP", "K1", "K2", "K3", "K4", "K5", "K6", "K7",
          "Penilaian Penerapan", "Catatan", "Tindak Lanjut"]


def grid(rows: dict, *, hidden_rows=(), merges=(), title="Evaluasi") -> Grid:
    """A Grid from {row: [values from column 1]}; None leaves a cell empty."""
    cells = {(r, c): v for r, values in rows.items() for c, v in enumerate(values, start=1) if v is not None}
    return Grid(Sheet(title, "visible", cells, {}, frozenset(hidden_rows), frozenset(), list(merges)))


def sop(no, number, title, marks=("Ya",) * 7, implementation="Baik", notes=None, follow_up="Dipertahankan"):
    return [no, number, title, *marks, implementation, notes, follow_up]


def test_the_header_gives_each_column_and_criterion():
    g = grid({1: ["Nama Perangkat Daerah", "Dinas Kesehatan"], 3: HEADER})
    header = find_header(g)
    assert (header.row, header.last_row) == (3, 3)
    assert header.columns == {"no": 1, "number": 2, "title": 3, "implementation": 11, "notes": 12, "follow_up": 13}
    assert header.criteria == {key: col for col, key in enumerate(CRITERIA, start=4)}


def test_criteria_under_a_group_header_and_ya_tidak_pairs():
    g = grid({
        1: ["No", "Nama SOP", "Kriteria Evaluasi"],
        2: [None, None, *[f"K{i}" for i in range(1, 8)]],
    })
    assert find_header(g).criteria == {key: col for col, key in enumerate(CRITERIA, start=3)}
    paired = grid({
        1: ["No", "Nama SOP", "K1", None, "K2", None],
        2: [None, None, "Ya", "Tidak", "Ya", "Tidak"],
    })
    assert find_header(paired).criteria == {"mendorong_kinerja": (3, 4), "mudah_dipahami": (5, 6)}


def test_thousands_of_headers_in_other_columns_cost_no_more_than_their_cells():
    # each one-column header is a table of its own; checking each against every earlier table
    # took minutes for a sheet the sniffing limits let through
    cells = {(r, r): "Nama SOP" for r in range(1, 8001)}
    cells.update({(8001, 1): "No", (8001, 2): "Nama SOP"})
    g = Grid(Sheet("Evaluasi", "visible", cells, {}, frozenset(), frozenset(), []))
    started = time.perf_counter()
    header = find_header(g)
    assert time.perf_counter() - started < 5
    assert (header.row, header.columns) == (1, {"title": 1})  # No | Nama SOP spans the first table's column


def test_merged_ranges_resolved_cell_by_cell_cost_a_bounded_total():
    # 5,000 ranges of 2,000 cells each (within every sniffing limit) took 12 s and 1.8 GB
    merges = [(3, 3, 3, 4)] + [(r, 1, r, 2000) for r in range(10, 5010)]
    g = grid({1: ["No", "Nama SOP", "K1"], 2: [None, None, "Ya", "Tidak"], 3: [1, "SOP A", "v"]}, merges=merges)
    started = time.perf_counter()
    assert g.shown(3, 4) == (3, 3)  # the form's own merged pair is resolved
    assert not g.merged_from_above(3, 2)
    assert time.perf_counter() - started < 3


def test_no_header_without_a_title_column():
    assert find_header(grid({1: ["No", "Nomor SOP", "Catatan"]})) is None


def test_table_rows_skip_numbering_and_blank_rows_and_end_at_the_total():
    g = grid({
        1: HEADER,
        2: [f"({i})" for i in range(1, 14)],
        3: sop(1, "SOP/1", "Pelayanan Informasi"),
        5: sop(2, "SOP/2", "Pengelolaan Arsip"),
        6: ["Jumlah", None, None, 2],
        8: sop(3, "SOP/3", "Sesudah tabel"),
    })
    table = table_rows(g, find_header(g))
    assert [record.rows[0] for record in table.records] == [3, 5]


def test_a_hidden_row_is_not_read_but_warned_when_it_looks_like_an_sop():
    g = grid({1: HEADER, 2: sop(1, "SOP/1", "Tampak"), 3: sop(2, "SOP/2", "Tersembunyi")}, hidden_rows={3})
    warnings = []
    sops = read_sops(g, find_header(g), warnings)
    assert [s.title for s in sops] == ["Tampak"]
    assert [(w.code, w.where) for w in warnings] == [("baris_tersembunyi", "Evaluasi!3")]


def test_a_title_going_on_in_the_row_below_is_one_sop():
    g = grid({1: HEADER, 2: sop(1, "SOP/1", "Pelayanan Informasi"), 3: [None, None, "Publik Terpadu"]},
             merges=[(2, 1, 3, 1), (2, 2, 3, 2)])
    [only] = read_sops(g, find_header(g), [])
    assert only.title == "Pelayanan Informasi Publik Terpadu"


@pytest.mark.parametrize("mark,expected", [("Ya", True), ("v", True), ("\u221a", True), ("Tidak", False),
                                           ("x", False), (1, True), (0, False)])
def test_each_way_of_answering_a_criterion(mark, expected):
    g = grid({1: HEADER, 2: sop(1, "SOP/1", "A", marks=(mark,) * 7)})
    warnings = []
    answers = read_criteria(g, 2, find_header(g).criteria, warnings)
    assert answers == dict.fromkeys(CRITERIA, expected) and warnings == []


def test_a_blank_or_unreadable_criterion_is_null_with_a_warning_saying_where():
    marks = ("Ya", None, "mungkin", "Ya", "Ya", "Ya", "Ya")
    g = grid({1: HEADER, 2: sop(1, "SOP/1", "A", marks=marks)}, title="Lembar 1")
    warnings = []
    answers = read_criteria(g, 2, find_header(g).criteria, warnings)
    assert answers["mudah_dipahami"] is None and answers["mudah_dilaksanakan"] is None
    assert answers["mendorong_kinerja"] is True
    assert [(w.code, w.where) for w in warnings] == [("kriteria_kosong", "Lembar 1!E2"),
                                                    ("nilai_tidak_terbaca", "Lembar 1!F2")]


def test_ya_and_tidak_both_marked_is_null_with_a_warning():
    g = grid({1: ["No", "Nama SOP", "K1", None], 2: [None, None, "Ya", "Tidak"], 3: [1, "A", "v", "v"]})
    warnings = []
    answers = read_criteria(g, 3, find_header(g).criteria, warnings)
    assert answers["mendorong_kinerja"] is None
    assert ("kriteria_ganda", "Evaluasi!C3:D3") in [(w.code, w.where) for w in warnings]


def test_a_choice_is_read_from_the_ways_agencies_write_it_or_warned():
    g = grid({1: ["Tetap", "Lanjut saja", None]})
    warnings = []
    assert read_choice(g, 1, 1, FOLLOW_UP_WORDS, warnings, "Tindak lanjut") == "dipertahankan"
    assert read_choice(g, 1, 3, FOLLOW_UP_WORDS, warnings, "Tindak lanjut") is None and warnings == []
    assert read_choice(g, 1, 2, FOLLOW_UP_WORDS, warnings, "Tindak lanjut") is None
    assert [(w.code, w.where) for w in warnings] == [("nilai_tidak_terbaca", "Evaluasi!B1")]
