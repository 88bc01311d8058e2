"""Badge numbers and the QR code that carries one, scanned at the entrance."""

from __future__ import annotations

import io

import segno

PNG_MIMETYPE = "image/png"


def badge_qr_png(badge_number: str, scale: int = 8) -> bytes:
    """A PNG of the QR code of a badge number, with the quiet zone scanners need."""
    code = segno.make_qr(badge_number, error="m")
    output = io.BytesIO()
    code.save(output, kind="png", scale=scale, border=4)
    return output.getvalue()


def badge_qr_filename(badge_number: str) -> str:
    """badge-<number>.png, with only safe characters."""
    safe = "".join(
        character for character in badge_number if character.isalnum() or character in "-_"
    )
    return f"badge-{safe or 'qr'}.png"
