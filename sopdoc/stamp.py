"""The identity sopdoc embeds in the blank forms it writes, and reading it back.

A blank carries, as custom document properties (File > Properties > Custom in Excel and Word;
invisible on the page), the region, the agency's register code, the period id, the form (parser
and version) and a checksum over them. Custom properties survive filling in and saving in Excel,
Word and LibreOffice. The checksum is a plain sha256: it tells an intact stamp from one edited by
hand, not a forger from the bureau -- which is why an intact stamp must still agree with the
agency name typed on the form before it decides anything (sopdoc.reading.parsing).

Stamping works on the OPC package (the zip) itself, the same for .xlsx and .docx.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException, ElementTree

_PART = "docProps/custom.xml"
_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_PROPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_MAX_PART = 64 * 1024  # a stamp is a few hundred bytes; anything far larger is not ours

PREFIX = "sopdoc."
FIELDS = ("region", "agency", "period", "form")


@dataclass(frozen=True)
class Stamp:
    """Who a blank was written for: region key, agency code, period id, form ("banten/1.0")."""

    region: str
    agency: str
    period: str
    form: str

    @property
    def checksum(self) -> str:
        text = "\x1f".join(("sopdoc-blank/1", self.region, self.agency, self.period, self.form))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def properties(self) -> dict:
        values = {name: getattr(self, name) for name in FIELDS} | {"checksum": self.checksum}
        return {PREFIX + name: value for name, value in values.items()}


@dataclass(frozen=True)
class StampReading:
    """What a file's properties say: the stamp when intact, `broken` when present but altered."""

    stamp: Optional[Stamp] = None
    broken: bool = False


# -- writing --------------------------------------------------------------------------------------


def stamp_package(data: bytes, stamp: Stamp) -> bytes:
    """`data` (an .xlsx or .docx) with the stamp as its custom properties, other parts unchanged."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            if name == _PART:
                continue
            content = source.read(name)
            if name == "[Content_Types].xml":
                content = _with_override(content)
            elif name == "_rels/.rels":
                content = _with_relationship(content)
            target.writestr(source.getinfo(name), content)
        target.writestr(_PART, _custom_xml(stamp.properties()))
    return out.getvalue()


def _custom_xml(properties: dict) -> str:
    items = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name="{escape(name, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(properties.items(), start=2)  # pids start at 2
    )
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{_PROPS_NS}" xmlns:vt="{_VT_NS}">{items}</Properties>')


def _with_override(content: bytes) -> bytes:
    text = content.decode("utf-8")
    if f'PartName="/{_PART}"' in text:
        return content
    override = f'<Override PartName="/{_PART}" ContentType="{_CONTENT_TYPE}"/>'
    return text.replace("</Types>", override + "</Types>").encode("utf-8")


def _with_relationship(content: bytes) -> bytes:
    text = content.decode("utf-8")
    if _REL_TYPE in text:
        return content
    relationship = f'<Relationship Id="rIdSopdocStamp" Type="{_REL_TYPE}" Target="{_PART}"/>'
    return text.replace("</Relationships>", relationship + "</Relationships>").encode("utf-8")


# -- reading --------------------------------------------------------------------------------------


def read_stamp(path: Path) -> StampReading:
    """The stamp of the .xlsx/.docx at `path`: none (not a blank of ours, or not a zip at all),
    intact, or broken (some of our properties present but not agreeing with their checksum)."""
    try:
        with zipfile.ZipFile(path) as package:
            return stamp_of(package)
    except (OSError, zipfile.BadZipFile):
        return StampReading()


def stamp_of(package: zipfile.ZipFile) -> StampReading:
    """`read_stamp` of an opened package."""
    try:
        info = package.getinfo(_PART)
        if info.file_size > _MAX_PART:
            return StampReading(broken=True)
        root = ElementTree.fromstring(package.read(info))
    except KeyError:
        return StampReading()
    except DefusedXmlException:  # entities in a property part: not one we wrote
        return StampReading(broken=True)
    except (OSError, zipfile.BadZipFile, ElementTree.ParseError, ValueError):
        return StampReading()
    values = {}
    for prop in root.findall(f"{{{_PROPS_NS}}}property"):
        name = prop.get("name") or ""
        if name.startswith(PREFIX):
            values[name[len(PREFIX):]] = "".join(prop.itertext()).strip()
    if not values:
        return StampReading()
    if any(not values.get(name) for name in FIELDS):
        return StampReading(broken=True)
    stamp = Stamp(*(values[name] for name in FIELDS))
    return StampReading(stamp) if values.get("checksum") == stamp.checksum else StampReading(broken=True)
