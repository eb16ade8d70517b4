"""Receiving one file from a multipart request body as it streams in: written to disk chunk by
chunk and hashed on the way, never held whole in memory, and cut off once it passes the limit."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

# Besides the file, a multipart body holds boundaries, part headers and small fields.
OVERHEAD = 64 * 1024
# After the limit is passed the rest of the body is read and thrown away, so the browser receives
# the 413 page instead of a reset connection; past this much it is cut.
DRAIN_AT_MOST = 512 * 1024 * 1024


class UploadRefused(Exception):
    """The request carries no usable file: `status` and an Indonesian `message`."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Received:
    name: str  # as the browser sent it: not yet safe
    path: Optional[Path]  # where it was written, or None when only hashed
    size: int
    sha256: str
    received_at: dt.datetime  # the moment its last byte arrived


class _FilePart:
    def __init__(self, field: str, into: Optional[Path], limit: int):
        self.field = field
        self.into = into
        self.limit = limit
        self.headers: list = []
        self._field_name = b""
        self._value = b""
        self.active = False  # the current part is the wanted file
        self.found = False
        self.name = ""
        self.size = 0
        self.too_large = False
        self.hash = hashlib.sha256()
        self.out = None

    def callbacks(self) -> dict:
        return {"on_part_begin": self._begin, "on_part_data": self._data, "on_part_end": self._end,
                "on_header_field": self._header_field, "on_header_value": self._header_value,
                "on_header_end": self._header_end, "on_headers_finished": self._headers_done}

    def _begin(self):
        self.headers = []
        self.active = False

    def _header_field(self, data, start, end):
        self._field_name += data[start:end]

    def _header_value(self, data, start, end):
        self._value += data[start:end]

    def _header_end(self):
        self.headers.append((self._field_name.lower(), self._value))
        self._field_name, self._value = b"", b""

    def _headers_done(self):
        disposition = dict(self.headers).get(b"content-disposition", b"")
        _, options = parse_options_header(disposition)
        if self.found or options.get(b"name", b"").decode("utf-8", "replace") != self.field \
                or b"filename" not in options:
            return
        self.found = self.active = True
        self.name = options[b"filename"].decode("utf-8", "replace")
        if self.into is not None:
            self.out = open(self.into, "wb")

    def _data(self, data, start, end):
        if not self.active or self.too_large:
            return
        chunk = data[start:end]
        self.size += len(chunk)
        if self.size > self.limit:
            self.too_large = True
            self.discard()
            return
        self.hash.update(chunk)
        if self.out is not None:
            self.out.write(chunk)

    def _end(self):
        if self.active and self.out is not None:
            self.out.flush()
            os.fsync(self.out.fileno())
            self.out.close()
            self.out = None
        self.active = False

    def discard(self):
        if self.out is not None:
            self.out.close()
            self.out = None
        if self.into is not None:
            try:
                os.unlink(self.into)
            except FileNotFoundError:
                pass


def declared_length(request: Request) -> Optional[int]:
    """The body length the request declares in Content-Length; None when it declares none or a
    value that is not a plain number (the body is then measured as it comes)."""
    declared = request.headers.get("content-length", "")
    if not (declared.isascii() and declared.isdigit() and len(declared) <= 18):  # "²" is a digit to isdigit
        return None
    return int(declared)


async def receive_file(request: Request, *, field: str, into: Optional[Path], limit: int,
                       clock: Callable[[], dt.datetime]) -> Received:
    """The file in multipart field `field`, written to `into` (None: only hashed). Raises
    UploadRefused: 413 past `limit` bytes, 400 when there is no file or the body is broken."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or not options.get(b"boundary"):
        raise UploadRefused(400, f"Kirim berkas sebagai formulir multipart/form-data dengan isian {field!r}.")
    too_large = UploadRefused(413, f"Berkas melebihi batas ukuran {limit / 1024 / 1024:g} MB. "
                                   "Perkecil berkasnya (misalnya hapus gambar atau lembar yang tidak perlu) "
                                   "lalu unggah lagi.")
    declared = declared_length(request)
    part = _FilePart(field, into, limit)
    parser = MultipartParser(options[b"boundary"], part.callbacks())
    over = declared is not None and declared > limit + OVERHEAD
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            over = over or part.too_large or received > limit + OVERHEAD
            if over:  # read on and throw away, up to a point
                part.discard()
                if received > DRAIN_AT_MOST:
                    break
                continue
            # parsing writes the file part to disk (and fsyncs it at its end): never on the event loop
            await run_in_threadpool(parser.write, chunk)
        if not over:
            await run_in_threadpool(parser.finalize)
    except Exception as e:  # the multipart parser's errors, a client that went away
        part.discard()
        if over:
            raise too_large from None
        raise UploadRefused(400, f"Isi kiriman tidak dapat dibaca ({e.__class__.__name__}); unggah lagi.") from None
    if over or part.too_large:
        raise too_large
    if not part.found:
        raise UploadRefused(400, "Tidak ada berkas yang dipilih. Pilih berkas formulir lalu unggah lagi.")
    if part.out is not None:  # the body ended inside the file part
        part.discard()
        raise UploadRefused(400, "Kiriman terputus sebelum berkas selesai; unggah lagi.")
    return Received(part.name, into, part.size, part.hash.hexdigest(), clock())

