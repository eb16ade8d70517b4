"""What the host hands a parser plugin: an opened document, and what plugins hand back."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional


@dataclass(frozen=True)
class ParserInfo:
    name: str
    version: str
    region: str
    kinds: tuple = ("xlsx",)
    # SOP fields the form has no column for ("implementation", "follow_up"): absent, not zero
    absent_fields: tuple = ()


@dataclass(frozen=True)
class Recognition:
    parser: str
    score: float
    reason: Optional[str] = None


@dataclass
class Sheet:
    """One worksheet as read from the file, by whichever reader: what a `sheets.Grid` is built from.

    `cells` holds every stored non-empty value by (row, column), 1-based, with its type (a number
    in a date format is a date); a cell a merged range covers, other than its top-left one, has
    none. `fonts` is the font name of each text cell (a check mark typed in a symbol font
    depends on it). `merges` are (first row, first column, last row, last column).
    """

    title: str
    state: str  # visible | hidden | veryHidden
    cells: dict
    fonts: dict
    hidden_rows: frozenset
    hidden_cols: frozenset
    merges: list
    # cells holding a formula whose result the file never stored (saved by a program that does not
    # calculate): empty to every reader, but not left blank by the agency. openpyxl loads values
    # alone: for a workbook it read, they are found in the sheet's XML apart
    formulas_without_value: frozenset = frozenset()


@dataclass
class SourceDocument:
    """An opened agency file. `name` is the file name as received.

    Parsers read it through `sopdoc.formkit.sheets.grids` (kind "xlsx") and `sopdoc.formkit.worddoc.blocks` (kind
    "docx"). Underneath, a file read directly has `sheets` (a `Sheet` per worksheet) or `body`
    (the lxml `w:body` element); one the office libraries read has `workbook` (openpyxl, values not
    formulas, with its `sheets` made from it) or `docx` (a python-docx Document).
    """

    name: str
    kind: str
    workbook: Any = None
    docx: Any = None
    sheets: Optional[list] = None
    body: Any = None
    memo: dict = field(default_factory=dict, repr=False, compare=False)  # see `built_once`


def built_once(memo: dict, key, build: Callable[[], Any]):
    """`build()` the first time `key` is asked of `memo`, the same result ever after.

    `memo` is the dict an object keeps of what was built from it (`SourceDocument.memo`, a
    grid's, a table's): every parser asked to recognise and then parse a file shares one
    result, and it goes when the object goes. Results are shared: read them, never change them.
    """
    if key not in memo:
        memo[key] = build()
    return memo[key]
