"""Uploads are judged by what they hold: a badge photograph, a note verbale."""

from __future__ import annotations

import io
import zlib

import pytest
from PIL import Image
from pypdf import PdfWriter
from werkzeug.datastructures import FileStorage

from plenary.registration import files
from plenary.registration.errors import BadUpload

NOT_A_PHOTO = "The photograph must be a JPEG or PNG image."


def image(kind: str, size=(60, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, kind)
    return buffer.getvalue()


def bomb() -> bytes:
    """A PNG of 20,000 × 20,000 pixels in a few hundred kilobytes."""
    width = height = 20_000
    raw = zlib.compress(b"".join(b"\x00" + bytes(width) for _ in range(height)), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw)
            + chunk(b"IEND", b""))  # fmt: skip


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


@pytest.mark.parametrize(
    "data,name,stored_as,kind",
    [
        (image("PNG"), "me.png", "me.png", "image/png"),
        (image("JPEG"), "me.jpeg", "me.jpg", "image/jpeg"),
        (image("PNG"), "poly.html", "poly.png", "image/png"),
        (image("JPEG"), "../../etc/passwd", "passwd.jpg", "image/jpeg"),
    ],
)
def test_a_photograph_is_kept_and_named_for_what_it_is(app, data, name, stored_as, kind):
    stored = files.store_photo(upload(data, name), "test")
    assert (stored.filename, stored.content_type, stored.data) == (stored_as, kind, data)


@pytest.mark.parametrize(
    "data,message",
    [
        (image("JPEG", (400, 400))[:-600], NOT_A_PHOTO),  # cut short
        (image("GIF"), NOT_A_PHOTO),
        (b"%PDF-1.4 not an image", NOT_A_PHOTO),
        (b"", "Choose a file."),
        (bomb(), "The image is too large in pixels."),
    ],
)
def test_what_is_not_a_photograph_is_refused(app, data, message):
    with pytest.raises(BadUpload) as refused:
        files.store_photo(upload(data, "photo.jpg"), "test")
    assert str(refused.value.message) == message and refused.value.field == "photo"


def test_a_note_verbale_must_be_a_whole_pdf(app):
    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    stored = files.store_pdf(upload(buffer.getvalue(), "note"), "test")
    assert (stored.filename, stored.content_type) == ("note.pdf", "application/pdf")
    for data, message in (
        (image("PNG"), "The note verbale must be a PDF file."),
        (b"%PDF-1.7\n%%EOF", "This PDF file is damaged or empty."),
    ):
        with pytest.raises(BadUpload) as refused:
            files.store_pdf(upload(data, "note.pdf"), "test")
        assert str(refused.value.message) == message


def test_a_file_beyond_the_limit_is_refused_unread(app):
    app.config["UPLOAD_MAX_BYTES"] = 1024 * 1024
    with pytest.raises(BadUpload) as refused:
        files.store_photo(upload(image("PNG") + bytes(1024 * 1024), "big.png"), "test")
    assert str(refused.value.message) == "The file is too large (at most 1 MB)."
