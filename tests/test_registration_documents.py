"""The files that go with registration: formula-safe exports, the calendar, the badge QR, visa."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from plenary.models import EventSession, SessionKind
from plenary.registration.badges import badge_qr_png
from plenary.registration.calendar import event_calendar
from plenary.registration.visa import VisaLetterFacts, render_visa_letter_pdf
from plenary.spreadsheets import csv_bytes, neutralise, xlsx_bytes
from tests.factories import make_event

DANGEROUS = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def decode_qr(png: bytes) -> str:
    import zxingcpp

    [result] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    return result.text


@pytest.mark.parametrize("value", DANGEROUS)
def test_a_csv_cell_that_would_run_as_a_formula_is_written_as_text(value):
    rows = list(csv.reader(io.StringIO(csv_bytes(["name"], [[value]]).decode("utf-8-sig"))))
    assert rows[1] == ["'" + value]


def test_csv_keeps_ordinary_text_numbers_and_dates_as_they_are():
    data = csv_bytes(["name", "size", "day"], [["Ана Тамм", 5, date(2026, 7, 6)]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["name", "size", "day"], ["Ана Тамм", "5", "2026-07-06"]]
    assert neutralise("Tamm") == "Tamm"


def test_no_xlsx_cell_is_a_formula_and_dangerous_text_keeps_its_quote_prefix():
    data = xlsx_bytes("Delegates [all]", ["name", "n"], [[value, 3] for value in DANGEROUS])
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet.title == "Delegates  all"
    for row, value in enumerate(DANGEROUS, start=2):
        cell = sheet.cell(row=row, column=1)
        assert cell.data_type == "s"
        assert cell.value == value.replace("\r", "\n")  # XML reads a CR back as a line feed
        assert cell.quotePrefix
        assert sheet.cell(row=row, column=2).value == 3
    assert sheet.cell(row=1, column=1).font.bold


def test_the_badge_qr_code_decodes_to_the_badge_number():
    assert decode_qr(badge_qr_png("GDAI-2026-00042")) == "GDAI-2026-00042"


def test_the_calendar_has_the_event_days_in_its_time_zone(app):
    event = make_event()
    event.sessions.append(
        EventSession(
            kind=SessionKind.HIGH_LEVEL, title={"en": "High-level segment"},
            starts_at=datetime(2026, 7, 6, 7, 0, tzinfo=UTC),
            ends_at=datetime(2026, 7, 6, 16, 0, tzinfo=UTC),
        )
    )  # fmt: skip
    calendar = Calendar.from_ical(event_calendar(event, "fr", badge_number="B-1"))
    entries = calendar.walk("VEVENT")
    assert len(entries) == 2
    first, second = entries
    assert str(first["summary"]) == "Global Dialogue on AI Governance"
    start = first.decoded("dtstart")
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Zurich"
    assert (start.hour, start.date()) == (9, date(2026, 7, 6))  # 07:00 UTC is 09:00 in summer
    assert second.decoded("dtstart") == date(2026, 7, 7)  # no session that day: all day
    assert second.decoded("dtend") == date(2026, 7, 8)
    assert [zone["tzid"] for zone in calendar.walk("VTIMEZONE")] == ["Europe/Zurich"]
    assert first["location"] == "Palexpo, Geneva"


def test_the_calendar_holds_only_the_days_the_delegate_attends(app):
    event = make_event()
    calendar = Calendar.from_ical(event_calendar(event, "en", days=[date(2026, 7, 7)]))
    assert [entry.decoded("dtstart") for entry in calendar.walk("VEVENT")] == [date(2026, 7, 7)]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def visa_facts(event, language: str) -> VisaLetterFacts:
    return VisaLetterFacts(
        event=event, language=language, honorific="Mr", given_name="Ivan",
        family_name="Petrov", function="Adviser", institution="Ministry of Digital Development",
        country_names={"en": "Kazakhstan", "ru": "Казахстан"}, badge_number="GDAI-7",
        issued_on=date(2026, 6, 1), nationality="Kazakhstan", passport_number="N12345678",
        date_of_birth=date(1980, 3, 9), passport_expires_on=date(2031, 5, 1),
    )  # fmt: skip


def test_the_visa_letter_is_in_the_delegates_language_then_english(app):
    event = make_event(country_code="CH")
    pdf = render_visa_letter_pdf(visa_facts(event, "ru"))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    russian, english = (" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Посольство или консульство – Швейцария Страна: Казахстан" in russian
    assert "Казахстан" in russian and "Ivan Petrov" in russian
    assert "To the Embassy or Consulate of Switzerland in Kazakhstan" in english
    assert "GDAI-7" in english and "Palexpo, Geneva, 6 July 2026 – 7 July 2026." in english
    # What identifies the traveller, labelled in each language.
    assert "Номер паспорта N12345678" in russian and "Дата рождения 9 марта 1980 г." in russian
    for text in ("Nationality Kazakhstan", "Passport number N12345678",
                 "Date of birth 9 March 1980", "Passport valid until 1 May 2031"):  # fmt: skip
        assert text in english


def test_an_english_visa_letter_has_one_version(app):
    pdf = render_visa_letter_pdf(visa_facts(make_event(country_code="CH"), "en"))
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


@pytest.mark.parametrize(("language", "script"), [("zh", ("\u4e00", "\u9fff")),
                                                  ("ar", ("\u0600", "\u06ff"))])  # fmt: skip
def test_a_visa_letter_in_another_script_has_searchable_text_in_the_packaged_fonts(
    app, language, script
):
    pdf = render_visa_letter_pdf(visa_facts(make_event(country_code="CH"), language))
    reader = PdfReader(io.BytesIO(pdf))
    first = reader.pages[0].extract_text()
    assert sum(script[0] <= char <= script[1] for char in first) > 20
    assert "Ivan Petrov" in first and "GDAI-7" in first
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        if "/BaseFont" in font.get_object()
    }
    assert fonts and all("Plenary" in name for name in fonts), fonts
