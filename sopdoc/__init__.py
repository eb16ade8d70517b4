"""sopdoc: consolidates regional SOP evaluation forms from a shared folder."""
from sopdoc.formkit.blank import BlankForm, BlankSop
from sopdoc.formkit.document import ParserInfo, Recognition, SourceDocument
from sopdoc.errors import Refusal
from sopdoc.hookspecs import hookimpl
from sopdoc.model import ParsedForm, Signatory, SopRow, Warning
from sopdoc.vocabulary import (
    CRITERIA,
    CRITERIA_LABELS,
    FOLLOW_UP_WORDS,
    FOLLOW_UPS,
    IMPLEMENTATION_WORDS,
    IMPLEMENTATIONS,
)

__version__ = "0.1.0"

__all__ = [
    "BlankForm",
    "BlankSop",
    "CRITERIA",
    "CRITERIA_LABELS",
    "FOLLOW_UPS",
    "FOLLOW_UP_WORDS",
    "IMPLEMENTATIONS",
    "IMPLEMENTATION_WORDS",
    "ParsedForm",
    "ParserInfo",
    "Recognition",
    "Refusal",
    "Signatory",
    "SopRow",
    "SourceDocument",
    "Warning",
    "hookimpl",
]
