"""Reading a received email whatever its state: broken MIME, unknown charsets, 8-bit headers.

Nothing here raises on bad input: what cannot be read is replaced and noted in `problems`.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, parseaddr

import nh3

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
REFERENCE = re.compile(r"\bINQ-\d{4}-\d{6}\b")
# Remote images, forms and scripts are dropped; links open nothing in our page's context.
SAFE_TAGS = set(nh3.ALLOWED_TAGS) - {"img"}


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    size: int
    truncated: bool = False


@dataclass
class ParsedMail:
    message_id: str | None
    in_reply_to: str
    references: list[str]
    sender_name: str
    sender_email: str
    recipients: list[str]
    subject: str
    text: str
    html: str | None
    language: str | None
    automatic: str | None
    attachments: list[ParsedAttachment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def thread_ids(self) -> list[str]:
        """The Message-IDs this message answers, nearest first."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        return ids + [ref for ref in reversed(self.references) if ref not in ids]


def sanitise_html(html: str | None) -> str:
    """HTML that is safe to show inside our pages: no scripts, images, forms or styles."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=SAFE_TAGS,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def _decode_bytes(data: bytes, charset: str | None, problems: list[str], where: str) -> str:
    if charset:
        try:
            codecs.lookup(charset)
        except LookupError:
            problems.append(f"unknown charset {charset!r} in {where}")
            charset = None
    if charset:
        try:
            return data.decode(charset)
        except (UnicodeDecodeError, LookupError):
            problems.append(f"bytes not in {charset} in {where}")
            return data.decode(charset, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _header_text(value: str | None, problems: list[str], name: str) -> str:
    """A header's text, encoded words decoded, raw 8-bit bytes read as UTF-8 or cp1252."""
    if value is None:
        return ""
    value = str(value)
    if any("\udc80" <= character <= "\udcff" for character in value):
        problems.append(f"8-bit bytes in the {name} header")
        raw = value.encode("ascii", "surrogateescape")
        value = _decode_bytes(raw, None, problems, f"the {name} header")
    try:
        parts = decode_header(value)
    except Exception:  # the standard library raises several kinds on broken encoded words
        problems.append(f"malformed encoded words in the {name} header")
        return " ".join(value.split())
    text = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            text.append(_decode_bytes(chunk, charset, problems, f"the {name} header"))
        else:
            text.append(chunk)
    return " ".join("".join(text).split())


def _raw_all(message: Message, name: str) -> list[str]:
    """A header's values as stored: 8-bit bytes kept as surrogates, not replaced."""
    return [str(value) for key, value in message.raw_items() if key.lower() == name.lower()]


def _one(message: Message, name: str, problems: list[str]) -> str | None:
    values = _raw_all(message, name)
    if len(values) > 1:
        problems.append(f"{len(values)} {name} headers; the first was kept")
    return values[0] if values else None


def _ids(value: str) -> list[str]:
    return MESSAGE_ID.findall(value or "")


def detect_automatic(
    message: Message, sender: str, subject: str, return_path: str | None
) -> str | None:
    """Why a message must not be answered automatically (RFC 3834), or None."""
    auto = (message.get("Auto-Submitted") or "").strip().lower()
    if auto and not auto.startswith("no"):
        return f"auto-submitted: {auto.split(';')[0]}"
    precedence = (message.get("Precedence") or "").strip().lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        return f"precedence: {precedence}"
    if message.get("List-Id") or message.get("List-Unsubscribe"):
        return "mailing list"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        value = (message.get(name) or "").lower()
        if value and (name != "X-Auto-Response-Suppress" or "oof" in value or "all" in value):
            return f"{name.lower()}"
    content_type = message.get_content_type()
    if content_type == "multipart/report" or message.get_param("report-type") == "delivery-status":
        return "delivery status notification"
    local = sender.partition("@")[0].lower()
    if not sender or local in {"mailer-daemon", "postmaster", "noreply", "no-reply", "bounce"}:
        return "null or system sender"
    if return_path is not None and return_path.strip() in {"<>", ""}:
        return "null return path"
    lowered = subject.lower()
    if re.match(
        r"^(auto(matic)? reply|autoreply|out of (the )?office|auto:|abwesenheit"
        r"|réponse automatique|respuesta automática)",
        lowered,
    ):
        return "out of office"
    return None


_FRENCH = frozenset(
    [
        "le",
        "les",
        "des",
        "est",
        "nous",
        "vous",
        "je",
        "une",
        "pour",
        "avec",
        "notre",
        "votre",
        "pouvez",
        "être",
        "délégation",
    ]
)
_SPANISH = frozenset(
    [
        "el",
        "los",
        "las",
        "del",
        "nosotros",
        "usted",
        "una",
        "para",
        "con",
        "nuestro",
        "pueden",
        "cómo",
        "qué",
        "delegación",
    ]
)
_ENGLISH = frozenset(
    [
        "the",
        "and",
        "is",
        "we",
        "you",
        "for",
        "with",
        "of",
        "to",
        "our",
        "can",
        "how",
        "what",
        "delegation",
    ]
)


def guess_language(text: str, declared: str | None = None) -> str | None:
    """One of the six languages from a Content-Language header or the script of the text."""
    if declared:
        code = declared.strip().lower()[:2]
        if code in {"ar", "zh", "en", "fr", "ru", "es"}:
            return code
    sample = text[:2000]
    if not sample.strip():
        return None
    counts = {
        "ar": len(re.findall(r"[\u0600-\u06ff]", sample)),
        "ru": len(re.findall(r"[\u0400-\u04ff]", sample)),
        "zh": len(re.findall(r"[\u4e00-\u9fff]", sample)),
    }
    script, count = max(counts.items(), key=lambda item: item[1])
    if count > 10:
        return script
    words = re.findall(r"[a-záéíóúñçèêàâôûïü]+", sample.lower())
    french = sum(word in _FRENCH for word in words)
    spanish = sum(word in _SPANISH for word in words) + 2 * len(re.findall("[¿¡ñ]", sample))
    english = sum(word in _ENGLISH for word in words)
    best = max(("en", english), ("fr", french), ("es", spanish), key=lambda item: item[1])
    return best[0] if best[1] else None


def parse(
    raw: bytes, *, max_text_chars: int, max_attachment_bytes: int, max_attachments: int
) -> ParsedMail:
    """Everything we keep of a received message; never raises on malformed input."""
    problems: list[str] = []
    try:
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception as error:  # the parser is lenient; this is the last resort
        problems.append(f"unreadable message: {type(error).__name__}")
        message = email.message_from_string("", policy=email.policy.compat32)

    raw_id = _one(message, "Message-ID", problems)
    ids = _ids(raw_id or "")
    message_id = ids[0] if ids else None
    if message_id is None:
        problems.append("no Message-ID")
    in_reply_to_ids = _ids(_one(message, "In-Reply-To", problems) or "")
    references = _ids(" ".join(_raw_all(message, "References")))
    from_text = _header_text(_one(message, "From", problems), problems, "From")
    name, address = parseaddr(from_text)
    if not address or "@" not in address:
        problems.append("no sender address")
    recipients = [
        addr
        for _, addr in getaddresses(
            [_header_text(v, problems, "To") for v in _raw_all(message, "To")]
        )
        if addr
    ]
    subject = _header_text(_one(message, "Subject", problems), problems, "Subject")
    return_path = message.get("Return-Path")
    automatic = detect_automatic(message, address.lower(), subject, return_path)

    texts: list[str] = []
    htmls: list[str] = []
    attachments: list[ParsedAttachment] = []
    try:
        parts = list(message.walk())
    except Exception:
        problems.append("MIME structure could not be walked")
        parts = [message]
    for part in parts:
        if part.is_multipart():
            continue
        try:
            payload = part.get_payload(decode=True) or b""
        except Exception:
            problems.append("a part could not be decoded")
            continue
        content_type = part.get_content_type()
        disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
        filename = (
            _header_text(part.get_filename(), problems, "filename") if part.get_filename() else ""
        )
        is_body = (
            content_type in {"text/plain", "text/html"}
            and disposition != "attachment"
            and not filename
        )
        if is_body:
            text = _decode_bytes(payload, part.get_content_charset(), problems, content_type)
            (texts if content_type == "text/plain" else htmls).append(text)
            continue
        if part is message and not payload:
            continue
        if len(attachments) >= max_attachments:
            problems.append(
                f"more than {max_attachments} attachments: {filename or content_type} not kept"
            )
            continue
        size = len(payload)
        truncated = size > max_attachment_bytes
        if truncated:
            problems.append(
                f"attachment {filename or content_type} cut to {max_attachment_bytes} bytes"
            )
        attachments.append(
            ParsedAttachment(
                filename=(filename or f"attachment-{len(attachments) + 1}")[:255],
                content_type=content_type[:100],
                data=payload[:max_attachment_bytes],
                size=size,
                truncated=truncated,
            )
        )

    for part in parts:
        for defect in getattr(part, "defects", []):
            problems.append(f"MIME: {type(defect).__name__}")
    text = "\n\n".join(texts).strip()
    html = "\n".join(htmls) if htmls else None
    if not text and html:
        text = nh3.clean(html, tags=set()).strip()
    if len(text) > max_text_chars:
        problems.append(f"text cut to {max_text_chars} characters")
        text = text[:max_text_chars]
    if html and len(html) > max_text_chars:
        problems.append(f"HTML cut to {max_text_chars} characters")
        html = html[:max_text_chars]
    language = guess_language(f"{subject}\n{text}", message.get("Content-Language"))
    return ParsedMail(
        message_id=message_id,
        in_reply_to=in_reply_to_ids[0] if in_reply_to_ids else "",
        references=references[-50:],
        sender_name=name[:200],
        sender_email=address.lower()[:254],
        recipients=recipients[:50],
        subject=subject[:998],
        text=text,
        html=html,
        language=language,
        automatic=automatic,
        attachments=attachments,
        problems=list(dict.fromkeys(problems)),
    )


def fallback_message_id(raw: bytes) -> str:
    """A stable Message-ID for a message that has none: the same bytes give the same id."""
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id.invalid>"
