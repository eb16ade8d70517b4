"""Keeping agency text inert in what sopdoc writes: no cell an agency typed may become a formula,
no file name or agency text may steer the terminal it is printed on."""
import re

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


# Characters that steer a terminal or hide what a line says: C0/C1 controls and DEL (escape
# sequences, carriage returns, a new line that fakes another entry), bidirectional and invisible
# format marks, line separators, and the lone surrogates that stand for a file name's bytes that
# are not UTF-8 (printing them would raise UnicodeEncodeError).
_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]"
)
_TERMINAL_UNSAFE_BUT_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]"
)


def for_terminal(text, *, lines: bool = False) -> str:
    """`text` safe to print on a terminal or into a log: every character that could steer the
    terminal shown as a \\uXXXX escape (valid in JSON too, so JSON output stays JSON).

    A file name or agency text goes through with `lines=False`, so a newline in it cannot fake a
    line of its own; a whole block of output with `lines=True` keeps its own line breaks.
    """
    pattern = _TERMINAL_UNSAFE_BUT_NEWLINE if lines else _TERMINAL_UNSAFE
    return pattern.sub(lambda m: f"\\u{ord(m.group()):04x}", str(text))


def toml_quoted(text: str) -> str:
    """`text` as a TOML basic string ("..."), safe to print, for a line a user copies into
    sopdoc.toml: quotes and backslashes escaped, and every unsafe character as \\uXXXX."""
    return '"' + for_terminal(text.replace("\\", "\\\\").replace('"', '\\"')) + '"'
