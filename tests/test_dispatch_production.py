"""A circular to 200 addressees through Redis, a real Celery worker and the SMTP server."""

from __future__ import annotations

import io
import re
from collections import defaultdict

from pypdf import PdfReader

from plenary.countries import member_states
from plenary.extensions import db
from plenary.i18n import LANGUAGES
from plenary.invitations import operations
from plenary.invitations.models import Invitation
from plenary.links import read_token
from tests.factories import make_addressee, make_circular, make_country, make_event
from tests.test_production_way import waiting_tasks

SUBJECTS = {
    "ar": "الحوار العالمي بشأن حوكمة الذكاء الاصطناعي",
    "zh": "人工智能治理全球对话",
    "en": "Global Dialogue on AI Governance",
    "fr": "Dialogue mondial sur la gouvernance de l'IA",
    "ru": "Глобальный диалог по вопросам управления ИИ",
    "es": "Diálogo Mundial sobre la Gobernanza de la IA",
}
BODIES = {code: f"Body ({code}).\n\nSecond paragraph." for code in LANGUAGES}


def test_a_circular_to_200_addressees_is_sent_exactly_once_each(production_stack):
    stack = production_stack
    stack.app.config["INVITATIONS_SEND_RATE"] = 0  # no throttle in the test
    event = make_event()
    languages = list(LANGUAGES)
    expected = {}
    for index, state in enumerate(member_states()[:100]):
        country = make_country(state.code)
        for kind in ("administration", "mission"):
            language = languages[(index + len(kind)) % len(languages)]
            address = f"{kind}.{state.code.lower()}@example.org"
            make_addressee(country, kind, address, language, full_name=f"Name {state.code} {kind}")
            expected[address] = (language, state.names[language])
    circular = make_circular(event, subject=SUBJECTS, body=BODIES)
    # Every text of the letter in the six languages, or the approval stops it.
    for name in ("place", "sender_unit", "addressed_to", "salutation", "closing",
                 "signatory_title"):  # fmt: skip
        setattr(circular, name, {code: f"{name} ({code})" for code in LANGUAGES})
    for annex in circular.annexes:
        annex.body = {code: f"Annex ({code})" for code in LANGUAGES}
        annex.address_block = dict.fromkeys(LANGUAGES, "{full_name}\n{country}")
    db.session.commit()

    operations.approve(circular, None, actor="test")
    operations.start_sending(circular, None, actor="test")
    db.session.commit()
    result = operations.dispatch(circular.id)
    assert (result.queued, result.unreachable) == (200, 0)

    received = stack.smtp.wait_for(200, timeout=600)
    assert len(received) == 200
    by_address = {}
    for mail in received:
        [address] = mail.recipients
        assert address not in by_address, f"{address} received two copies"
        by_address[address] = mail.message
    assert set(by_address) == set(expected)

    tokens = set()
    pdfs = defaultdict(list)
    for address, message in by_address.items():
        language, country_name = expected[address]
        assert message["Subject"].strip() == f"CL-26/22: {SUBJECTS[language]}", address
        body = message.get_body(("plain",)).get_content()
        link = re.search(r"http://plenary\.test/delegation/(\S+)\?lang=(\w\w)", body)
        assert link.group(2) == language
        payload = read_token("invitation", link.group(1))
        invitation = db.session.get(Invitation, payload["invitation"])
        assert invitation.addressee.email == address
        tokens.add(link.group(1))
        [pdf] = list(message.iter_attachments())
        assert pdf.get_filename() == f"CL-26-22-{language}.pdf"
        assert pdf.get_content().startswith(b"%PDF-")
        pdfs[language].append((pdf.get_content(), invitation.addressee.full_name, country_name))
    assert len(tokens) == 200
    # Two letters per language: personalised, with the State named in the letter's language.
    for language, letters in pdfs.items():
        for content, full_name, country_name in letters[:2]:
            text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
            assert full_name in text, (language, full_name)
            assert " ".join(country_name.split()) in " ".join(text.split()), (
                language,
                country_name,
            )

    # Pressing send again sends nobody anything.
    operations.start_sending(circular, None, actor="test")
    db.session.commit()
    again = operations.dispatch(circular.id)
    assert again.queued == 0
    assert waiting_tasks(stack) == 0  # nothing queued: nothing more can be sent
    assert len(stack.smtp.received) == 200
