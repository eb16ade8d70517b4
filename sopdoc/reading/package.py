"""The Office package (OPC) around a workbook or a document: which zip member is which part.

Shared by the direct readers (`xlsx_reader`, `docx_reader`). They read only what a form needs, and
the rules here follow the ones openpyxl and python-docx apply, so both readers find the same parts.
Anything outside those rules raises `Unsupported`: the caller then reads the file with the office
library, which decides (and words the refusal) as it always has.
"""
from __future__ import annotations

import posixpath
import zipfile
from typing import Optional

from lxml import etree

CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"

# No DTD, no entities, no network: sniff has refused any part with a DTD already; this is the second lock.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class Unsupported(Exception):
    """The direct reader met something it does not know; the office library reads the file instead."""


def parse(zf: zipfile.ZipFile, name: str, parser=PARSER):
    """The root element of zip member `name` (KeyError when it is missing)."""
    return etree.fromstring(zf.read(name), parser)


def feed(zf: zipfile.ZipFile, name: str, target):
    """Stream zip member `name` through lxml into the parser target `target` (a class with
    start/end/data/close methods), in chunks, so a large part is never held whole; the result of
    `target.close()`. KeyError when the member is missing, XMLSyntaxError when it is not XML."""
    parser = etree.XMLParser(target=target, resolve_entities=False, no_network=True)
    with zf.open(name) as stream:
        while chunk := stream.read(1 << 16):
            parser.feed(chunk)
    return parser.close()


def content_types(zf: zipfile.ZipFile) -> tuple:
    """([(part name, content type)] of the overrides in file order, {extension: content type})."""
    root = parse(zf, "[Content_Types].xml")
    overrides = [(el.get("PartName"), el.get("ContentType")) for el in root.iterchildren(CT + "Override")]
    defaults = {el.get("Extension"): el.get("ContentType") for el in root.iterchildren(CT + "Default")}
    return overrides, defaults


def override_part(overrides: list, content_type: str) -> Optional[str]:
    """The zip member of the first part declared with `content_type`, None when there is none."""
    for part_name, declared in overrides:
        if declared == content_type and part_name:
            return part_name[1:] if part_name.startswith("/") else part_name
    return None


def relationships(zf: zipfile.ZipFile, source: str) -> dict:
    """{Id: (Type, target member)} of the part `source` ("" for the package), internal targets
    resolved the way openpyxl's `get_dependents` does."""
    folder, name = posixpath.split(source)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    root = parse(zf, rels_name)
    found = {}
    for el in root.iterchildren(PR + "Relationship"):
        target = el.get("Target")
        if target is None or el.get("Id") is None:
            raise Unsupported(f"relationship without target or id in {rels_name}")
        if el.get("TargetMode") != "External":
            target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[el.get("Id")] = (el.get("Type"), target)
    return found
