"""Forms of the circular editor: the circular, its texts per language, its annexes."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.widgets import CheckboxInput, ListWidget

from plenary.countries import REGIONS, region_label
from plenary.forms import DateField, IntegerField
from plenary.i18n import LANGUAGES
from plenary.i18n import lazy_gettext as _l

from . import merge
from .models import AddresseeKind


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CircularTextsForm(Form):
    """The circular's text in one language."""

    sender_unit = StringField(_l("Issuing unit"), validators=[Length(max=200)])
    place = StringField(_l("Place"), validators=[Length(max=100)])
    addressed_to = TextAreaField(_l("To (one audience per line)"), validators=[Length(max=1000)])
    subject = StringField(_l("Subject"), validators=[Length(max=300)])
    salutation = StringField(_l("Salutation"), validators=[Length(max=200)])
    body = TextAreaField(
        _l("Body (a blank line between paragraphs)"), validators=[Length(max=30000)]
    )
    closing = StringField(_l("Closing"), validators=[Length(max=200)])
    signatory_title = StringField(_l("Signatory's title"), validators=[Length(max=200)])
    contact_names = StringField(
        _l("Contact person, as written in this language"), validators=[Length(max=200)]
    )
    signatory_names = StringField(
        _l("Signatory, as written in this language"), validators=[Length(max=200)]
    )


TEXT_FIELDS = ("sender_unit", "place", "addressed_to", "subject", "salutation", "body",
               "closing", "signatory_title", "contact_names", "signatory_names")  # fmt: skip


def _kind_choices() -> list[SelectChoice]:
    return [
        SelectChoice(AddresseeKind.ADMINISTRATION.value, _l("Administrations of Member States")),
        SelectChoice(AddresseeKind.MISSION.value, _l("Permanent Missions and Embassies in Geneva")),
        SelectChoice(AddresseeKind.ORGANISATION.value, _l("Organisations")),
    ]


class CircularForm(FlaskForm):
    reference = StringField(
        _l("Reference"),
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9/.\- ]*$", message=_l("Letters, digits, / . and - only.")
            ),
        ],
    )
    issued_on = DateField(_l("Date"), validators=[InputRequired()],
                          invalid_value_message=_l("Give a date, such as 2026-07-06."))  # fmt: skip
    event_id = SelectField(_l("Event"), coerce=int, validators=[DataRequired()])
    contact_name = StringField(_l("Contact person"), validators=[Length(max=200)])
    contact_email = EmailField(
        _l("Contact email"), validators=[Optional(), Email(), Length(max=254)]
    )
    signatory_name = StringField(_l("Signatory"), validators=[DataRequired(), Length(max=200)])
    audience_kinds = MultiCheckboxField(_l("Send to"), choices=_kind_choices)
    audience_regions = MultiCheckboxField(
        _l("Only these regions (none ticked: all)"),
        choices=[SelectChoice(region, region_label(region)) for region in REGIONS],
    )
    hand_picked = BooleanField(_l("Send only to a hand-picked list"))
    picked_emails = TextAreaField(
        _l("Hand-picked addressees (their email addresses, one per line)"),
        validators=[Length(max=100000)],
    )
    submit = SubmitField(_l("Save the draft"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        complete = 0
        for code in LANGUAGES:
            texts = getattr(self, f"texts_{code}")
            subject, body = (texts.subject.data or "").strip(), (texts.body.data or "").strip()
            if subject and not body:
                texts.body.errors.append(_l("Write the body, or clear the subject."))
                valid = False
            elif body and not subject:
                texts.subject.errors.append(_l("Write the subject, or clear the body."))
                valid = False
            elif subject:
                complete += 1
        if complete == 0:
            self.texts_en.subject.errors.append(
                _l("Write the subject and body in at least one language.")
            )
            valid = False
        if self.hand_picked.data and not picked_emails(self.picked_emails.data):
            self.picked_emails.errors.append(_l("List at least one addressee's email."))
            valid = False
        if not self.hand_picked.data and not self.audience_kinds.data:
            self.audience_kinds.errors.append(_l("Choose who the circular goes to."))
            valid = False
        return valid


def picked_emails(text: str | None) -> list[str]:
    return [item.strip().lower() for item in re.split(r"[\s,;]+", text or "") if item.strip()]


for _code in LANGUAGES:
    setattr(CircularForm, f"texts_{_code}", FormField(CircularTextsForm, label=LANGUAGES[_code]))


class AnnexTextsForm(Form):
    """An annex in one language; its fields may use merge fields."""

    title = StringField(_l("Heading"), validators=[Length(max=300)])
    body = TextAreaField(_l("Text"), validators=[Length(max=30000)])
    address_block = TextAreaField(_l("Address block"), validators=[Length(max=2000)])


class AnnexForm(FlaskForm):
    position = IntegerField(_l("Position"), validators=[DataRequired(), NumberRange(1, 20)])
    submit = SubmitField(_l("Save the annex"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        known = ", ".join("{" + name + "}" for name in merge.FIELDS)
        for code in LANGUAGES:
            texts = getattr(self, f"texts_{code}")
            for field in (texts.title, texts.body, texts.address_block):
                unknown = merge.unknown_fields(field.data or "")
                if unknown:
                    names = ", ".join("{" + name + "}" for name in sorted(unknown))
                    field.errors.append(
                        _l(
                            "Unknown merge field %(names)s. Use %(known)s.",
                            names=names,
                            known=known,
                        )
                    )
                    valid = False
        return valid


for _code in LANGUAGES:
    setattr(AnnexForm, f"texts_{_code}", FormField(AnnexTextsForm, label=LANGUAGES[_code]))


class ReminderForm(FlaskForm):
    status = SelectField(
        _l("Remind"),
        choices=[
            SelectChoice("not_answered", _l("all who have not answered")),
            SelectChoice("not_opened", _l("all who have not opened their link")),
        ],
    )
    submit = SubmitField(_l("Send the reminder"))
