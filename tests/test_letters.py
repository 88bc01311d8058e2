"""The circular as a PDF letter: six languages, the personal annex, the cache, the outbox."""

from __future__ import annotations

import email
import email.policy
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from plenary import outbox
from plenary.extensions import db
from plenary.i18n import LANGUAGES
from plenary.invitations import demo_texts, letters
from plenary.invitations.models import (
    Addressee,
    AddresseeKind,
    Annex,
    Circular,
    CircularState,
    Invitation,
)
from plenary.models import Country, Event, utcnow

ESTONIA = {
    "ar": "إستونيا",
    "zh": "爱沙尼亚",
    "en": "Estonia",
    "fr": "Estonie",
    "ru": "Эстония",
    "es": "Estonia",
}


@pytest.fixture(autouse=True)
def empty_cache():
    letters.clear_cache()
    yield
    letters.clear_cache()


def make_country(code: str = "EE", names: dict[str, str] | None = None) -> Country:
    country = Country(code=code, names=names or ESTONIA, region="europe")
    db.session.add(country)
    return country


def make_event() -> Event:
    event = Event(
        slug="ai-governance-dialogue-2026",
        title={"en": "Global Dialogue on AI Governance"},
        venue="Palexpo",
        city="Geneva",
        starts_on=date(2026, 7, 6),
        ends_on=date(2026, 7, 7),
        timezone="Europe/Zurich",
    )
    db.session.add(event)
    return event


def make_circular(approved: bool = True, **fields) -> Circular:
    """CL-26/22 in the six languages, with the Secretary-General's letter as its annex."""
    texts = demo_texts
    circular = Circular(
        event=make_event(),
        reference=texts.REFERENCE,
        issued_on=texts.ISSUED_ON,
        place=dict(texts.PLACE),
        sender_unit=dict(texts.SENDER_UNIT),
        addressed_to=dict(texts.ADDRESSED_TO),
        subject=dict(texts.SUBJECT),
        salutation=dict(texts.SALUTATION),
        body=dict(texts.BODY),
        closing=dict(texts.CLOSING),
        contact_name=texts.CONTACT_NAME,
        contact_email=texts.CONTACT_EMAIL,
        signatory_name=texts.SIGNATORY_NAME,
        signatory_title=dict(texts.SIGNATORY_TITLE),
        state=CircularState.APPROVED if approved else CircularState.DRAFT,
        approved_at=utcnow() if approved else None,
        **fields,
    )
    circular.annexes.append(
        Annex(
            position=1,
            title=dict(texts.ANNEX_TITLE),
            body=dict(texts.ANNEX_BODY),
            address_block=dict(texts.ANNEX_ADDRESS_BLOCK),
        )
    )
    db.session.add(circular)
    db.session.flush()
    return circular


def make_addressee(country: Country, language: str = "en", **fields) -> Addressee:
    values = {
        "honorific": "H.E.",
        "full_name": "Ms Liisa Tamm",
        "title": "Minister of Justice and Digital Affairs",
        "city": "Tallinn",
        "email": f"minister-{language}@example.ee",
        **fields,
    }
    addressee = Addressee(
        kind=AddresseeKind.ADMINISTRATION, country=country, language=language, **values
    )
    db.session.add(addressee)
    db.session.flush()
    return addressee


def make_invitation(circular: Circular, addressee: Addressee, language: str) -> Invitation:
    invitation = Invitation(circular=circular, addressee=addressee, language=language)
    db.session.add(invitation)
    db.session.flush()
    return invitation


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text with its whitespace folded, as a reader searching the PDF finds it."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def first_words(text: str, language: str) -> str:
    if language == "zh":
        return text[:6]
    return " ".join(text.split()[:2])


def page_with(pages: list[str], needle: str, language: str) -> int:
    """The index of the first page that shows the words, ignoring where lines were broken."""
    squeeze = language == "zh"
    wanted = needle.replace(" ", "") if squeeze else needle
    for index, page in enumerate(pages):
        if wanted in (page.replace(" ", "") if squeeze else page):
            return index
    raise AssertionError(f"{needle!r} is on no page")


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_letter_names_the_addressee_and_the_state_in_its_language(app, language):
    circular = make_circular()
    addressee = make_addressee(make_country(), language)

    pdf = letters.render_circular_pdf(circular, addressee, language)

    assert pdf.startswith(b"%PDF-")
    pages = page_texts(pdf)
    subject_page = page_with(pages, first_words(demo_texts.SUBJECT[language], language), language)
    address_page = page_with(pages, "Minister of Justice and Digital Affairs", language)
    assert f"{ESTONIA[language]} Tallinn" in pages[address_page]
    assert subject_page == 0
    # The annex, which ends with the address block, starts on a page after the circular's.
    assert address_page > subject_page
    assert pages[address_page].startswith(demo_texts.ANNEX_TITLE[language].upper())


@pytest.mark.parametrize(
    ("language", "html_lang", "direction"),
    [("ar", "ar", "rtl"), ("zh", "zh-Hans", "ltr"), ("en", "en", "ltr"), ("ru", "ru", "ltr")],
)
def test_the_letter_declares_its_language_and_direction(app, language, html_lang, direction):
    circular = make_circular()

    html = letters.render_circular_html(circular, None, language)

    assert f'<html lang="{html_lang}" dir="{direction}">' in html
    assert demo_texts.SUBJECT[language] in html


def test_the_letter_is_dated_and_labelled_in_its_language(app):
    circular = make_circular()

    russian = letters.render_circular_html(circular, None, "ru")
    english = letters.render_circular_html(circular, None, "en")

    assert "Женева, 23 апреля 2026 года" in russian
    assert "Genève, le 23 avril 2026" in letters.render_circular_html(circular, None, "fr")
    assert "Осн.:" in russian and "Кому:" in russian and "Предмет:" in russian
    assert "Geneva, 23 April 2026" in english
    assert "Ref:" in english and "Annex:" in english


def test_the_letter_escapes_what_staff_typed(app):
    circular = make_circular(approved=False)
    circular.body = {"en": "First <b>paragraph</b> & more.\n\nSecond paragraph."}

    html = letters.render_circular_html(circular, None, "en")

    assert "First &lt;b&gt;paragraph&lt;/b&gt; &amp; more." in html
    assert html.count("<p>Second paragraph.</p>") == 1


def test_a_preview_for_no_one_shows_the_merge_fields(app):
    circular = make_circular(approved=False)

    pdf = letters.render_circular_pdf(circular, None, "en")

    annex_page = page_texts(pdf)[-1]
    assert "{addressee}" in annex_page
    assert "{country}" in annex_page


def test_the_outbox_renders_the_invitation_letter_in_its_language(app):
    circular = make_circular()
    addressee = make_addressee(make_country(), "fr", full_name="M. Jaan Tamm")
    invitation = make_invitation(circular, addressee, "fr")
    rendered = outbox.RenderedEmail(subject="CL-26/22", text="Voir la lettre jointe.\n", html=None)
    outbox.enqueue(
        kind="invitations.circular",
        recipients=addressee.recipients,
        email=rendered,
        language="fr",
        attachments=[
            outbox.Attachment(
                letters.pdf_filename(circular, "fr"),
                "application/pdf",
                renderer="invitations.circular_pdf",
                arguments={"invitation_id": invitation.id},
            )
        ],
    )
    db.session.commit()

    [path] = Path(app.config["MAIL_FILE_DIRECTORY"]).glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "CL-26-22-fr.pdf"
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF-")
    text = " ".join(page_texts(pdf))
    assert "Dialogue mondial sur la gouvernance" in text
    assert "M. Jaan Tamm" in text
    assert "Estonie" in text


def test_a_draft_is_rendered_afresh_after_its_text_changes(app):
    circular = make_circular(approved=False)
    addressee = make_addressee(make_country())
    letters.render_circular_pdf(circular, addressee, "en")

    circular.subject = {**circular.subject, "en": "Revised convening note for the Dialogue"}
    pdf = letters.render_circular_pdf(circular, addressee, "en")

    text = page_texts(pdf)[0]
    assert "Revised convening note" in text
    assert "Palexpo, Geneva, Switzerland" not in text


def test_an_approved_circular_renders_its_shared_pages_once(app, monkeypatch):
    circular = make_circular()
    country = make_country()
    first = make_addressee(country, full_name="Ms Liisa Tamm")
    second = make_addressee(country, full_name="Mr Karl Kask", email="karl@example.ee")
    renders = []
    render_document = letters._render_document
    monkeypatch.setattr(
        letters,
        "_render_document",
        lambda html, language: renders.append(html) or render_document(html, language),
    )

    one = letters.render_circular_pdf(circular, first, "en")
    two = letters.render_circular_pdf(circular, second, "en")

    assert len(renders) == 3  # the shared pages once, then one annex per addressee
    pages_one, pages_two = page_texts(one), page_texts(two)
    assert len(pages_one) == len(pages_two) == 3
    assert "Ms Liisa Tamm" in pages_one[-1] and "Mr Karl Kask" not in pages_one[-1]
    assert "Mr Karl Kask" in pages_two[-1]
    assert pages_one[0] == pages_two[0]
    # The annex's page numbers follow on from the circular's.
    assert pages_two[-1].endswith("– 3 –")


def test_re_approving_a_circular_leaves_the_old_pages_behind(app):
    circular = make_circular()
    addressee = make_addressee(make_country())
    letters.render_circular_pdf(circular, addressee, "en")

    circular.subject = {**circular.subject, "en": "Corrected subject of the circular"}
    circular.approved_at = circular.approved_at + timedelta(minutes=5)
    pdf = letters.render_circular_pdf(circular, addressee, "en")

    assert "Corrected subject of the circular" in page_texts(pdf)[0]


def test_a_language_the_circular_lacks_falls_back_to_english(app):
    circular = make_circular(approved=False)
    circular.subject = {"en": demo_texts.SUBJECT["en"]}
    circular.body = {"en": demo_texts.BODY["en"]}

    html = letters.render_circular_html(circular, None, "ru")

    assert '<html lang="en" dir="ltr">' in html
    assert "Subject:" in html


def test_the_pdf_is_named_after_the_reference_and_language(app):
    circular = make_circular()

    assert letters.pdf_filename(circular, "en") == "CL-26-22-en.pdf"
    assert letters.pdf_filename(circular, "zh") == "CL-26-22-zh.pdf"


# An addressee of each language, named in its script, in a city named in its script.
NAMED_IN_SCRIPT = {
    "ar": ("ليلى الحسيني", "جنيف"),
    "zh": ("王晓明", "日内瓦"),
    "en": ("Liisa Tamm", "Geneva"),
    "fr": ("Hélène Lefèvre", "Genève"),
    "ru": ("Сулина Нур Абдулла", "Женева"),
    "es": ("Íñigo Núñez", "Ginebra"),
}


def embedded_fonts(pdf: bytes) -> dict[str, bool]:
    """Each font of the PDF by name, and whether its file is embedded (as pdffonts tells)."""
    fonts = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_letter_text_can_be_searched_and_its_fonts_are_the_packaged_ones(app, language):
    name, city = NAMED_IN_SCRIPT[language]
    circular = make_circular()
    addressee = make_addressee(make_country(), language, full_name=name, city=city)

    pdf = letters.render_circular_pdf(circular, addressee, language)

    text = " ".join(page_texts(pdf))
    assert name in text
    assert city in text
    fonts = embedded_fonts(pdf)
    assert fonts and all(fonts.values())
    # Only the project's faces: no host font stood in for a missing character.
    assert all("Plenary" in font for font in fonts), fonts


def test_the_chinese_letter_embeds_only_the_characters_it_uses(app):
    circular = make_circular()
    addressee = make_addressee(make_country(), "zh", full_name="王晓明", city="日内瓦")

    pdf = letters.render_circular_pdf(circular, addressee, "zh")

    assert len(pdf) <= 150 * 1024


# The directory's values in each language: name, title, institution, city.
IN_LANGUAGE = {
    "ar": ("ليسا تام", "وزيرة الخارجية", "وزارة الخارجية", "تالين"),
    "zh": ("莉萨·塔姆", "外交部长", "外交部", "塔林"),
    "fr": (
        "Liisa Tamm",
        "Ministre des affaires étrangères",
        "Ministère des affaires étrangères",
        "Tallinn",
    ),
    "ru": ("Лийса Тамм", "Министр иностранных дел", "Министерство иностранных дел", "Таллин"),
    "es": (
        "Liisa Tamm",
        "Ministra de Relaciones Exteriores",
        "Ministerio de Relaciones Exteriores",
        "Tallin",
    ),
}
HE_MS = {
    "ar": "سعادة السيدة",
    "fr": "S.E. Mme",
    "ru": "Ее Превосходительство г-жа",
    "es": "Excma. Sra.",
}


@pytest.mark.parametrize("language", list(IN_LANGUAGE))
def test_the_address_block_is_in_the_addressee_s_language(app, language):
    name, title, institution, city = IN_LANGUAGE[language]
    circular = make_circular()
    addressee = make_addressee(
        make_country(),
        language,
        honorific="H.E. Ms",
        full_name="Liisa Tamm",
        title="Minister for Foreign Affairs",
        institution="Ministry of Foreign Affairs",
        city="Tallinn",
        localised={
            "full_name": {language: name},
            "title": {language: title},
            "institution": {language: institution},
            "city": {language: city},
        },
    )

    html = letters.render_circular_html(circular, addressee, language)
    pdf = letters.render_circular_pdf(circular, addressee, language)

    block = html[html.index('class="address-block"') :]
    block = block[: block.index("</div>")]
    expected = f"{name}女士阁下" if language == "zh" else f"{HE_MS[language]} {name}"
    for line in (expected, title, institution, ESTONIA[language], city):
        assert f">{line}</p>" in block
    for english in ("H.E.", "Minister for Foreign Affairs", "Ministry of Foreign Affairs"):
        assert english not in block
    text = " ".join(page_texts(pdf))
    if language == "zh":
        text = text.replace(" ", "")
    for words in (name, title, institution, city):
        assert words in text


def test_the_demo_letter_to_the_russian_mission_is_russian_throughout(app):
    from plenary.invitations import operations
    from plenary.seed import seed_demo

    seed_demo()
    circular = operations.find_circular("CL-26/22")
    mission = db.session.scalar(db.select(Addressee).filter_by(email="mission.ru@example.org"))

    html = letters.render_circular_html(circular, mission, "ru")

    assert (
        'г-жа Сулина Нур Абдулла<br><span class="original" dir="ltr">(Ms Sulyna Nur Abdullah)'
        in html
    )
    assert '<p class="name">Дорин Богдан-Мартин</p>' in html
    block = html[html.index('class="address-block"') :]
    for line in (
        "Его/Ее Превосходительство Постоянный представитель",
        "Постоянное представительство при Отделении Организации Объединенных Наций в Женеве",
        "Российская Федерация",
        "Женева",
    ):
        assert f">{line}</p>" in block


def test_pdftotext_reads_the_arabic_letter_as_written(app, tmp_path):
    """The issue's own check: the packaged Arabic font once read "بفيف" for "جنيف"."""
    import subprocess

    circular = make_circular()
    addressee = make_addressee(make_country(), "ar", full_name="ليلى الحسيني", city="جنيف")
    path = tmp_path / "letter-ar.pdf"
    path.write_bytes(letters.render_circular_pdf(circular, addressee, "ar"))

    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout

    assert "جنيف" in text
    assert "ليلى الحسيني" in text


def test_another_area_s_letter_gets_the_packaged_fonts(app):
    html = '<html lang="ru"><body><p>Письмо о визовой поддержке: Кая Тамм</p></body></html>'

    pdf = letters.html_to_pdf(html, "ru")

    assert "Письмо о визовой поддержке: Кая Тамм" in page_texts(pdf)[0]
    assert all("Plenary" in font for font in embedded_fonts(pdf))
