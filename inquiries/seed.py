"""Demo inquiries: a few from the contact form, a few .eml files read from the maildrop."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from plenary.extensions import db
from plenary.models import utcnow
from plenary.seed import demo_step

from . import mailbox, operations
from .models import CannedAnswer, Category, Inquiry

CANNED = {
    "en": (
        "Registration opens",
        "Dear {name},\n\nThank you for your message ({reference}). Registration is "
        "done by each State's focal point through the personal link sent with the circular.\n\n"
        "Yours sincerely,\n{staff_name}",
    ),
    "fr": (
        "Ouverture des inscriptions",
        "Madame, Monsieur,\n\nNous vous remercions de votre message "
        "({reference}). L'inscription est effectuée par le point focal de chaque État "
        "au moyen du lien personnel envoyé avec la circulaire.\n\n"
        "Veuillez agréer nos salutations distinguées.\n{staff_name}",
    ),
    "es": (
        "Apertura de la inscripción",
        "Estimado/a {name}:\n\nLe agradecemos su mensaje ({reference}). La "
        "inscripción la realiza el punto focal de cada Estado mediante el enlace personal "
        "enviado con la circular.\n\nAtentamente,\n{staff_name}",
    ),
    "ru": (
        "Открытие регистрации",
        "Уважаемый(ая) {name}!\n\nБлагодарим вас за сообщение ({reference}). "
        "Регистрацию проводит координатор каждого государства по персональной ссылке, "
        "направленной вместе с циркуляром.\n\nС уважением,\n{staff_name}",
    ),
    "zh": (
        "注册开放",
        "尊敬的{name}：\n\n感谢您的来信（{reference}）。注册由各国联络人通过随通函发送的个人链接办理。"
        "\n\n此致\n{staff_name}",
    ),
    "ar": (
        "فتح باب التسجيل",
        "السيد/السيدة {name}،\n\nنشكركم على رسالتكم ({reference}). يتولى جهة الاتصال في كل "
        "دولة التسجيل عبر الرابط الشخصي المرسل مع الرسالة المعممة.\n\n"
        "وتفضلوا بقبول فائق الاحترام،\n{staff_name}",
    ),
}

FORM_INQUIRIES = [
    (
        "Ms Anna Kask",
        "anna.kask@example.ee",
        "Ministry of Foreign Affairs",
        "EE",
        Category.REGISTRATION,
        "Size of our delegation",
        "How many members may our delegation have?",
        "en",
    ),
    (
        "M. Jean Dupont",
        "jean.dupont@example.fr",
        "Mission permanente",
        "FR",
        Category.LOGISTICS,
        "Lettre d'appui pour le visa",
        "Pouvez-vous nous envoyer une lettre pour la demande de visa ?",
        "fr",
    ),
    (
        "Foundation for Open AI",
        "grants@example.org",
        "Foundation for Open AI",
        "",
        Category.CONTRIBUTIONS,
        "Offer to sponsor the networking reception",
        "We would like to contribute to the costs of the reception.",
        "en",
    ),
]


def _eml(sender: str, subject: str, body: str, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "ai.dialogue@itu.int"
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="example.net")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return bytes(message)


@demo_step(60, "inquiries")
def seed_inquiries() -> str:
    if db.session.scalar(select(Inquiry.id).limit(1)) is not None:
        return "already there"
    for language, (title, body) in CANNED.items():
        db.session.add(CannedAnswer(title=title, language=language, body=body))
    first = None
    for name, email, organisation, country, category, subject, message, language in FORM_INQUIRIES:
        inquiry = operations.submit_form(
            name=name,
            email=email,
            organisation=organisation,
            country_code=country,
            category=category,
            subject=subject,
            message=message,
            language=language,
            uploads=[],
        )
        first = first or inquiry
    db.session.commit()
    maildrop = Path(current_app.config["INQUIRY_MAILDROP"])
    maildrop.mkdir(parents=True, exist_ok=True)
    files = {
        "1-question.eml": _eml(
            "Sr. Carlos Pérez <carlos.perez@example.sv>",
            "Acreditación de prensa",
            "¿Cómo pueden los periodistas de nuestro país solicitar la acreditación?",
        ),
        "2-follow-up.eml": _eml(
            "Ms Anna Kask <anna.kask@example.ee>",
            f"Re: [{first.reference}] Size",
            "We also wonder whether advisers count in the limit.",
        ),
        "3-out-of-office.eml": _eml(
            "Jean Dupont <jean.dupont@example.fr>",
            "Réponse automatique : absent",
            "Je suis absent jusqu'au 10 juillet.",
            Auto_Submitted="auto-replied",
        ),
        "4-question-ru.eml": _eml(
            "Иван Петров <ivan.petrov@example.ru>",
            "Вопрос о программе",
            "Будет ли трансляция тематических дискуссий на русском языке?",
        ),
    }
    for name, data in files.items():
        (maildrop / name).write_bytes(data)
    report = mailbox.poll_folder(maildrop)
    return f"{len(FORM_INQUIRIES)} from the form, mailbox: {report}"
