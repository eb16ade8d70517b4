"""sopdoc: consolidates regional SOP evaluation forms from a shared folder."""
from .document import ParserInfo, Recognition, SourceDocument
from .errors import Refusal
from .hookspecs import hookimpl
from .model import CRITERIA, ParsedForm, Signatory, SopRow, Warning

__version__ = "0.1.0"

__all__ = [
    "CRITERIA",
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
