"""What the host hands a parser plugin: an opened document, and what plugins hand back."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass(frozen=True)
class ParserInfo:
    name: str
    version: str
    region: str
    kinds: tuple = ("xlsx",)


@dataclass(frozen=True)
class Recognition:
    parser: str
    score: float
    reason: Optional[str] = None


@dataclass
class SourceDocument:
    """An opened agency file. `workbook` (openpyxl, values not formulas) for kind "xlsx",
    `docx` (python-docx Document) for kind "docx". `name` is the file name as received."""

    name: str
    kind: str
    workbook: Any = None
    docx: Any = None
    _grids: Optional[list] = field(default=None, repr=False)

    def grids(self) -> list:
        """A `sopdoc.formkit.sheets.Grid` per visible worksheet, built once and shared by every
        parser. A hidden or very hidden sheet (a stale copy, a helper list) is not part of the form."""
        if self._grids is None:
            from sopdoc.formkit.sheets import Grid

            every = [Grid(ws) for ws in self.workbook.worksheets] if self.workbook else []
            self._grids = [grid for grid in every if grid.visible]
        return self._grids
