"""The circular as a PDF letter in its six languages, personalised per addressee.

The circular's own pages are the same for every addressee of a language; only the annex
carries the addressee's name. So an approved circular's pages are laid out once per
(circular, language, approval) and kept in the process, and each addressee costs only
the annex's layout; WeasyPrint then writes the shared pages and the annex's as one PDF.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import OrderedDict
from datetime import date, datetime
from typing import Any

from babel.dates import format_date
from flask import current_app
from sqlalchemy.orm import joinedload
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration

from plenary import outbox
from plenary.extensions import db
from plenary.i18n import DEFAULT_LANGUAGE, text_direction

from . import bp, letter_fonts, merge
from .models import Addressee, Circular, CircularState, Invitation

TEMPLATE = "letters/circular.html"

# The letter's own words; the letter's language is the addressee's, not the UI's.
LABELS: dict[str, dict[str, str]] = {
    "ar": {
        "reference": "المرجع:",
        "contact": "جهة الاتصال:",
        "email": "البريد الإلكتروني:",
        "to": "إلى:",
        "subject": "الموضوع:",
        "annex": "الملحق:",
        "annexes": "الملحقات:",
        "signed": "(توقيع)",
        "separator": "، ",
        "gap": " ",
    },
    "zh": {
        "reference": "文号：",
        "contact": "联系人：",
        "email": "电子邮件：",
        "to": "致：",
        "subject": "事由：",
        "annex": "附件：",
        "annexes": "附件：",
        "signed": "（签名）",
        "separator": "，",
        "gap": "",
    },
    "en": {
        "reference": "Ref:",
        "contact": "Contact:",
        "email": "Email:",
        "to": "To:",
        "subject": "Subject:",
        "annex": "Annex:",
        "annexes": "Annexes:",
        "signed": "(signed)",
        "separator": ", ",
        "gap": " ",
    },
    "fr": {
        "reference": "Réf.:",
        "contact": "Contact:",
        "email": "Courriel:",
        "to": "Aux:",
        "subject": "Objet:",
        "annex": "Annexe:",
        "annexes": "Annexes:",
        "signed": "(signé)",
        "separator": ", ",
        "gap": " ",
    },
    "ru": {
        "reference": "Осн.:",
        "contact": "Для контактов:",
        "email": "Эл. почта:",
        "to": "Кому:",
        "subject": "Предмет:",
        "annex": "Приложение:",
        "annexes": "Приложения:",
        "signed": "(подпись)",
        "separator": ", ",
        "gap": " ",
    },
    "es": {
        "reference": "Ref.:",
        "contact": "Contacto:",
        "email": "Correo-e:",
        "to": "A:",
        "subject": "Asunto:",
        "annex": "Anexo:",
        "annexes": "Anexos:",
        "signed": "(firmado)",
        "separator": ", ",
        "gap": " ",
    },
}

# Babel's English is American ("April 23, 2026"); the UN writes "23 April 2026".
_DATE_LOCALES = {"en": "en_GB"}
# "zh-Hans" makes the CJK font substitute its Simplified Chinese glyph forms (OpenType locl).
_HTML_LANG = {"zh": "zh-Hans"}

# A bare web or email address in the text, kept on one line (an Arabic line broke at its /).
_UNBREAKABLE = re.compile(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
    r"|(?:https?://)?(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?:/[A-Za-z0-9._~%/?=&#-]*[A-Za-z0-9/])?"
)

# Laid-out pages hold their boxes and fonts: a few circulars' six languages at most.
_CACHE_SIZE = 12
_shared_pages: OrderedDict[tuple[Any, ...], Document] = OrderedDict()
_cache_lock = threading.Lock()
# One font configuration for the process, so the fonts are copied and scanned once;
# WeasyPrint does not promise it may be shared between threads, hence the lock.
_render_lock = threading.Lock()
_font_config: FontConfiguration | None = None
_fonts: letter_fonts.LetterFonts | None = None
_stylesheets: OrderedDict[str, CSS] = OrderedDict()
_STYLESHEETS_KEPT = 16
_FACES_PER_CONFIGURATION = 64
_faces_loaded = 0


@bp.record_once
def _log_font_path(state: Any) -> None:
    # Once per process, at start-up: which fonts and subsetter the PDF letters will use.
    state.app.logger.info(letter_fonts.describe())


def letter_language(circular: Circular, language: str) -> str:
    """The language the letter is written in: the one asked for if the circular has it."""
    available = circular.languages
    if language in available:
        return language
    if DEFAULT_LANGUAGE in available:
        return DEFAULT_LANGUAGE
    if available:
        return available[0]
    return language if language in LABELS else DEFAULT_LANGUAGE


def pdf_filename(circular: Circular, language: str) -> str:
    """The attachment's name, such as CL-26-22-en.pdf."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", circular.reference or "").strip("-")
    return f"{stem or f'circular-{circular.id}'}-{language}.pdf"


def render_circular_html(circular: Circular, addressee: Addressee | None, language: str) -> str:
    """The whole letter as HTML: the circular's pages, then each annex on its own page."""
    return _render_html(circular, addressee, letter_language(circular, language))


def render_circular_pdf(circular: Circular, addressee: Addressee | None, language: str) -> bytes:
    """The letter as a PDF; an approved circular's shared pages come from the cache."""
    language = letter_language(circular, language)
    key = _cache_key(circular, language)
    if key is None:
        return _write_pdf(_render_html(circular, addressee, language), language)
    shared = _cached_shared_pages(key, circular, language)
    if not circular.annexes:
        return _write(shared)
    annexes = _render_document(
        _render_html(
            circular, addressee, language, letter=False, first_page_number=len(shared.pages) + 1
        ),
        language,
    )
    return _write(shared.copy([*shared.pages, *annexes.pages]))


def clear_cache() -> None:
    """Forget every circular's shared pages."""
    with _cache_lock:
        _shared_pages.clear()


@outbox.attachment_renderer("invitations.circular_pdf")
def circular_pdf_attachment(invitation_id: int) -> bytes:
    """The personalised circular of one invitation, in the invitation's language."""
    invitation = db.session.get(
        Invitation,
        invitation_id,
        options=[
            joinedload(Invitation.circular).selectinload(Circular.annexes),
            joinedload(Invitation.addressee).joinedload(Addressee.country),
            joinedload(Invitation.addressee).joinedload(Addressee.organisation),
        ],
    )
    if invitation is None:
        raise outbox.PermanentFailure(f"invitation {invitation_id} no longer exists")
    return render_circular_pdf(invitation.circular, invitation.addressee, invitation.language)


# --- rendering ------------------------------------------------------------------------


def _cache_key(circular: Circular, language: str) -> tuple[Any, ...] | None:
    # A draft's text can still change, so it is never cached; re-approval changes the key.
    if circular.id is None or circular.approved_at is None:
        return None
    if circular.state == CircularState.DRAFT:
        return None
    # The database is part of the key: two apps in one process (tests) may share ids.
    return (db.engine.url.render_as_string(), circular.id, language, circular.approved_at)


def _cached_shared_pages(key: tuple[Any, ...], circular: Circular, language: str) -> Document:
    with _cache_lock:
        cached = _shared_pages.get(key)
        if cached is not None:
            _shared_pages.move_to_end(key)
            return cached
    document = _render_document(_render_html(circular, None, language, annexes=False), language)
    with _cache_lock:
        _shared_pages[key] = document
        while len(_shared_pages) > _CACHE_SIZE:
            _shared_pages.popitem(last=False)
    return document


def fonts() -> letter_fonts.LetterFonts:
    """The process's letter fonts."""
    global _fonts
    with _cache_lock:
        if _fonts is None:
            _fonts = letter_fonts.LetterFonts()
        return _fonts


def html_to_pdf(html: str, language: str) -> bytes:
    """Any letter's HTML (a visa letter too) as a PDF in the packaged fonts of its language."""
    return _write_pdf(html, language)


def _write_pdf(html: str, language: str) -> bytes:
    return _write(_render_document(html, language))


def _write(document: Document) -> bytes:
    with _render_lock:
        return document.write_pdf()


def _render_document(html: str, language: str) -> Document:
    """The laid-out pages of a letter's HTML, in the letter fonts of its language."""
    global _font_config, _faces_loaded
    letter = fonts()
    stylesheet = letter.css(language, html)
    fetcher = letter_fonts.FontFetcher(letter)
    with _render_lock:
        # One configuration for the process, so that the faces are loaded once; a Chinese
        # letter's face is its own (a family of its own too), so after many the configuration
        # is replaced, and the memory of their faces given back.
        if _font_config is None or _faces_loaded >= _FACES_PER_CONFIGURATION:
            _font_config, _faces_loaded = FontConfiguration(), 0
            _stylesheets.clear()
        if stylesheet in _stylesheets:
            _stylesheets.move_to_end(stylesheet)
        else:
            _stylesheets[stylesheet] = CSS(
                string=stylesheet, font_config=_font_config, url_fetcher=fetcher
            )
            _faces_loaded += 1
            while len(_stylesheets) > _STYLESHEETS_KEPT:
                _stylesheets.popitem(last=False)
        document = HTML(string=html, url_fetcher=fetcher)
        return document.render(stylesheets=[_stylesheets[stylesheet]], font_config=_font_config)


def _render_html(
    circular: Circular,
    addressee: Addressee | None,
    language: str,
    *,
    letter: bool = True,
    annexes: bool = True,
    first_page_number: int = 1,
) -> str:
    context = _letter_context(circular, addressee, language)
    context.update(show_letter=letter, show_annexes=annexes, first_page_number=first_page_number)
    return current_app.jinja_env.get_template(TEMPLATE).render(context)


def _letter_context(
    circular: Circular, addressee: Addressee | None, language: str
) -> dict[str, Any]:
    """Everything the template shows, as plain strings: the template reads no model."""
    labels = LABELS.get(language, LABELS[DEFAULT_LANGUAGE])
    values = merge.values_for(addressee, language) if addressee is not None else None
    families = letter_fonts.FAMILIES.get(language, letter_fonts.LATIN_FAMILIES)
    direction = text_direction(language)

    def filled(text: str) -> str:
        # Without an addressee (a preview for no one) the merge fields show as written.
        return merge.fill(text, values) if values is not None else text

    annexes = [
        {
            "title": filled(annex.text("title", language)),
            "paragraphs": _paragraphs(filled(annex.text("body", language))),
            "address_lines": [
                {"text": line, "direction": _line_direction(line, direction)}
                for line in _lines(filled(annex.text("address_block", language)))
            ],
        }
        for annex in circular.annexes
    ]
    place = circular.text("place", language)
    issued_on = _format_date(circular.issued_on, language)
    return {
        "language": language,
        "html_lang": _HTML_LANG.get(language, language),
        "direction": direction,
        "labels": labels,
        # Unquoted: the template is autoescaped and a style element decodes no entities.
        "font_stack": ", ".join([*families, "sans-serif"]),
        "sender_unit": circular.text("sender_unit", language),
        "place_and_date": _place_and_date(place, issued_on, language),
        "reference": circular.reference,
        "contact_name": circular.name_in("contact_name", language),
        "contact_original": _original_name(circular, "contact_name", language),
        "contact_email": circular.contact_email,
        "addressed_to": _lines(circular.text("addressed_to", language)),
        "subject": circular.text("subject", language),
        "salutation_lines": _lines(circular.text("salutation", language)),
        "paragraphs": _paragraphs(circular.text("body", language)),
        "closing": circular.text("closing", language),
        "signatory_name": circular.name_in("signatory_name", language),
        "signatory_title": circular.text("signatory_title", language),
        "annex_label": labels["annex"] if len(annexes) == 1 else labels["annexes"],
        "annexes": annexes,
    }


def _original_name(circular: Circular, field: str, language: str) -> str:
    """The name as entered, to print under the letter's own when that is in another script.

    As CL-26/22 in Russian writes its contact: "г-жа Сулина Нур Абдулла (Ms Sulyna Nur Abdullah)".
    """
    original = getattr(circular, field)
    name = circular.name_in(field, language)
    if not original or any(word in name for word in original.split() if len(word) > 2):
        return ""
    return original


def _paragraphs(text: str) -> list[list[list[tuple[str, bool]]]]:
    """Plain text split into paragraphs at blank lines, lines, and (text, unbreakable) runs."""
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    return [
        [_runs(line) for line in lines] for lines in (_lines(block) for block in blocks) if lines
    ]


def _runs(line: str) -> list[tuple[str, bool]]:
    runs, position = [], 0
    for match in _UNBREAKABLE.finditer(line):
        if match.start() > position:
            runs.append((line[position : match.start()], False))
        runs.append((match.group(), True))
        position = match.end()
    if position < len(line):
        runs.append((line[position:], False))
    return runs


def _line_direction(line: str, default: str) -> str:
    """The direction of a line's first strong character, as dir="auto" would have it."""
    for character in line:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return default


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _format_date(day: date | datetime | None, language: str) -> str:
    if day is None:
        return ""
    if language == "ru":
        # Babel abbreviates to "2026 г."; letters write the word out: "23 апреля 2026 года".
        return format_date(day, "d MMMM y", locale="ru") + " года"
    return format_date(day, "long", locale=_DATE_LOCALES.get(language, language))


def _place_and_date(place: str, issued_on: str, language: str) -> str:
    """The date line: "Geneva, 23 April 2026", "Genève, le 23 avril 2026"."""
    if not (place and issued_on):
        return place or issued_on
    separator = LABELS.get(language, LABELS[DEFAULT_LANGUAGE])["separator"]
    if language == "fr":
        return f"{place}, le {issued_on}"
    return f"{place}{separator}{issued_on}"
