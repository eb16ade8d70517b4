"""Keeping agency text inert in what sopdoc writes: no cell an agency typed may become a formula."""

# A spreadsheet program treats text starting with these as a formula (CSV, or a cell typed in).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """`value` safe for a CSV cell: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def set_text_cell(cell, value) -> None:
    """Write `value` into an openpyxl cell so that text is always stored as text, never a formula.

    openpyxl stores any string starting with "=" as a formula; forcing the data type keeps it a string.
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
