"""Reading the body of a .docx straight from its XML: the element `worddoc.blocks` walks.

python-docx opens every part of the package and parses them all (a Word default `styles.xml` alone
is ~340 KiB); the Word walk reads only the body of the main document. This finds that part as
python-docx does (the package's officeDocument relationship, which must be a Word document) and
parses it with python-docx's parser settings, so the walk sees the same elements. Anything else
raises `Unsupported`, and the caller reads the file with python-docx instead.
"""
from __future__ import annotations

import zipfile

from lxml import etree

from sopdoc.reading.package import OFFICE_DOCUMENT, Unsupported, content_types, parse, relationships

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# python-docx's own settings: blank text between elements is dropped, entities never resolved
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


def read_body(zf: zipfile.ZipFile):
    """The `w:body` element of the main document."""
    main = [target for kind, target in relationships(zf, "").values() if kind == OFFICE_DOCUMENT]
    if len(main) != 1:
        raise Unsupported(f"{len(main)} main documents")
    part = main[0]
    overrides, defaults = content_types(zf)
    declared = dict(overrides).get("/" + part)
    if declared is None:
        declared = defaults.get(part.rsplit(".", 1)[-1].lower())
    if declared != _DOCUMENT_MAIN:
        raise Unsupported(f"main part {part} is {declared}, not a Word document")
    root = parse(zf, part, _PARSER)
    body = root.find(W + "body")
    if root.tag != W + "document" or body is None:
        raise Unsupported("no w:document/w:body")
    return body
