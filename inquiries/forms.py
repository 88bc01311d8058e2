"""The contact form and the helpdesk's forms, with a message next to each field."""

from __future__ import annotations

import uuid

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import EmailField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from plenary.forms import no_control_characters
from plenary.i18n import LANGUAGES
from plenary.i18n import lazy_gettext as _l

from .models import Category

MAX_FORM_FILES = 5
# What the contact form accepts, recognised by the first bytes of the file.
_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"PK\x03\x04": "application/zip",  # .docx, .xlsx, .odt
}


def category_labels() -> dict[str, object]:
    return {
        Category.REGISTRATION.value: _l("Registration"),
        Category.PROGRAMME.value: _l("Programme"),
        Category.LOGISTICS.value: _l("Logistics and visas"),
        Category.MEDIA.value: _l("Media"),
        Category.CONTRIBUTIONS.value: _l("Contributions to the costs"),
        Category.OTHER.value: _l("Other"),
    }


def sniff(data: bytes) -> str | None:
    """The content type of an accepted upload, judged by its bytes; None if refused."""
    for signature, content_type in _SIGNATURES.items():
        if data.startswith(signature):
            return content_type
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain"


class ContactForm(FlaskForm):
    name = StringField(
        _l("Your name"), validators=[DataRequired(), Length(max=200), no_control_characters]
    )
    email = EmailField(_l("Your email"), validators=[DataRequired(), Email(), Length(max=254)])
    organisation = StringField(
        _l("Organisation"), validators=[Optional(), Length(max=200), no_control_characters]
    )
    country = SelectField(_l("Country"), validators=[Optional()], validate_choice=True)
    category = SelectField(_l("Category"), validators=[DataRequired()])
    subject = StringField(
        _l("Subject"), validators=[DataRequired(), Length(max=200), no_control_characters]
    )
    message = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=10000)])
    attachments = MultipleFileField(_l("Attachments (PDF, images, documents)"))
    # Hidden from people by the stylesheet; a robot that fills it in is ignored.
    website = StringField(_l("Leave this field empty"), validators=[Optional()])
    submit = SubmitField(_l("Send"))

    def __init__(self, *args, countries: list[tuple[str, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [SelectChoice("", "—"), *[SelectChoice(c, n) for c, n in countries]]
        self.category.choices = [SelectChoice(k, v) for k, v in category_labels().items()]
        self.uploads: list[tuple[str, str, bytes]] = []

    def validate_attachments(self, field) -> None:
        files = [item for item in (field.data or []) if getattr(item, "filename", "")]
        if len(files) > MAX_FORM_FILES:
            raise ValidationError(_l("Attach at most %(count)d files.", count=MAX_FORM_FILES))
        limit = current_app.config["INQUIRY_MAX_ATTACHMENT_BYTES"]
        for item in files:
            data = item.read(limit + 1)
            if len(data) > limit:
                raise ValidationError(
                    _l(
                        "%(name)s is larger than %(size)d MB.",
                        name=item.filename,
                        size=max(limit // (1024 * 1024), 1),
                    )
                )
            content_type = sniff(data)
            if content_type is None:
                raise ValidationError(
                    _l(
                        "%(name)s is not a PDF, an image, a document or plain text.",
                        name=item.filename,
                    )
                )
            self.uploads.append((item.filename[:255], content_type, data))


class ReplyForm(FlaskForm):
    # Made when the form is shown: the answer it sends is sent once, however often it is posted.
    # (A page shown before this field existed posts none, and sends as before.)
    key = HiddenField("", default=lambda: uuid.uuid4().hex,
                      validators=[Optional(), Regexp(r"^[0-9a-f]{32}$")])  # fmt: skip
    body = TextAreaField(_l("Answer"), validators=[DataRequired(), Length(max=20000)])
    submit = SubmitField(_l("Send the answer"))


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Internal note"), validators=[DataRequired(), Length(max=20000)])
    submit = SubmitField(_l("Add the note"))


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Assignee"), validate_choice=True)
    submit = SubmitField(_l("Assign"))


class CategoryForm(FlaskForm):
    category = SelectField(_l("Category"), validate_choice=True)
    submit = SubmitField(_l("Change"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice(k, v) for k, v in category_labels().items()]


class MergeForm(FlaskForm):
    reference = StringField(
        _l("Merge into the inquiry with reference"),
        validators=[DataRequired(), Length(max=20)],
    )
    submit = SubmitField(_l("Merge"))


class CannedAnswerForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(
        _l("Language"), choices=[SelectChoice(code, label) for code, label in LANGUAGES.items()]
    )
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(), Length(max=20000)],
        description=_l("Merge fields: {name}, {reference}, {subject}, {event}, {staff_name}"),
    )
    submit = SubmitField(_l("Save"))

    def validate_body(self, field) -> None:
        from .canned import unknown_fields

        unknown = unknown_fields(field.data or "")
        if unknown:
            raise ValidationError(
                _l("Unknown merge fields: %(fields)s", fields=", ".join(sorted(unknown)))
            )


class RoutesForm(FlaskForm):
    submit = SubmitField(_l("Save"))
