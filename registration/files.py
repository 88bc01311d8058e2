"""Uploaded files: checked by their content and size, stored in the database, served as downloads.

Kept in the database (not on a disk) so that any number of web hosts serve them without a shared
volume; they are small (a note verbale, a badge photograph) and few.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import warnings

from flask import Response, current_app
from PIL import Image, ImageFile
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from plenary.extensions import db
from plenary.i18n import lazy_gettext as _l

from .errors import BadUpload
from .models import StoredFile

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
# A badge photograph needs far fewer; more is a decompression bomb or a mistake.
MAX_IMAGE_PIXELS = 40_000_000


def max_upload_bytes() -> int:
    return current_app.config.get("UPLOAD_MAX_BYTES") or current_app.config["MAX_CONTENT_LENGTH"]


def _read(upload, field: str) -> bytes:
    limit = max_upload_bytes()
    data = upload.stream.read(limit + 1) if upload is not None else b""
    if not data:
        raise BadUpload(_l("Choose a file."), field)
    if len(data) > limit:
        raise BadUpload(
            _l("The file is too large (at most %(size)s MB).", size=limit // (1024 * 1024)), field
        )
    return data


def _check_pdf(data: bytes, field: str) -> None:
    if not data.startswith(b"%PDF-"):
        raise BadUpload(_l("The note verbale must be a PDF file."), field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pages = len(PdfReader(io.BytesIO(data), strict=False).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        pages = 0
    if pages < 1:
        raise BadUpload(_l("This PDF file is damaged or empty."), field)


_STRICT = threading.Lock()


def _decode_whole(data: bytes) -> None:
    """Decode every pixel: verify() reads a PNG's chunks but decodes no JPEG, and a photograph
    cut short (an interrupted upload) is to be refused, not printed grey on a badge.

    WeasyPrint, once imported, tells Pillow to accept cut images (LOAD_TRUNCATED_IMAGES, a
    global); it is turned off for this decoding only. OSError when the image is cut short.
    """
    with _STRICT:
        lenient = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _check_image(data: bytes, field: str) -> str:
    message = _l("The photograph must be a JPEG or PNG image.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                width, height = image.size
                if kind not in ("JPEG", "PNG"):
                    raise BadUpload(message, field)
                if width * height > MAX_IMAGE_PIXELS:
                    raise BadUpload(_l("The image is too large in pixels."), field)
                image.verify()
            _decode_whole(data)
    except BadUpload:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadUpload(_l("The image is too large in pixels."), field) from None
    except (OSError, SyntaxError, ValueError, TypeError, EOFError):
        raise BadUpload(message, field) from None
    return JPEG if kind == "JPEG" else PNG


def _safe_filename(name: str | None, default: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w.\- ]+", "_", name, flags=re.UNICODE).strip(" .")[:120]
    return name or default


def _store(data: bytes, content_type: str, filename: str, actor: str) -> StoredFile:
    stored = StoredFile(
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by=actor[:200],
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def store_pdf(upload, actor: str, field: str = "note_verbale") -> StoredFile:
    """A checked PDF upload (a werkzeug FileStorage), added to the session; or BadUpload."""
    data = _read(upload, field)
    _check_pdf(data, field)
    name = _safe_filename(upload.filename, "note-verbale.pdf")
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return _store(data, PDF, name, actor)


def store_photo(upload, actor: str, field: str = "photo") -> StoredFile:
    """A checked JPEG or PNG photograph, added to the session; or BadUpload."""
    data = _read(upload, field)
    content_type = _check_image(data, field)
    extension = ".jpg" if content_type == JPEG else ".png"
    # Named for what it is: a PNG sent as "poly.html" is kept as "poly.png".
    stem = _safe_filename(upload.filename, "photo").rsplit(".", 1)[0] or "photo"
    return _store(data, content_type, stem + extension, actor)


def download(stored: StoredFile) -> Response:
    """The file as an attachment, never rendered inline by the browser."""
    response = Response(stored.data, mimetype=stored.content_type)
    response.headers.set("Content-Disposition", "attachment", filename=stored.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["ETag"] = f'"{stored.sha256}"'
    return response
