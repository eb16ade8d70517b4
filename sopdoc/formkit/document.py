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
        """A `sopdoc.sheets.Grid` per worksheet, built once and shared by every parser."""
        if self._grids is None:
            from sopdoc.formkit.sheets import Grid

            self._grids = [Grid(ws) for ws in self.workbook.worksheets] if self.workbook else []
        return self._grids
