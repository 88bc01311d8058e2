"""Forms of the focal point's pages and of self-registration; messages next to their fields."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from babel import Locale
from babel.dates import format_date
from flask_babel import get_locale
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from plenary.forms import no_control_characters
from plenary.i18n import LANGUAGES
from plenary.i18n import lazy_gettext as _l
from plenary.models import Event

from .delegations import DelegateDetails, Intent, seen_token
from .forms import HEAD_LEVELS
from .models import Attendance, Delegate, DelegateRole, Delegation, HeadLevel

ROLES = [
    SelectChoice(DelegateRole.HEAD.value, _l("Head of delegation")),
    SelectChoice(DelegateRole.DEPUTY.value, _l("Deputy head of delegation")),
    SelectChoice(DelegateRole.MEMBER.value, _l("Member")),
    SelectChoice(DelegateRole.ADVISER.value, _l("Adviser")),
]
ATTENDANCE = [
    SelectChoice(Attendance.IN_PERSON.value, _l("In person")),
    SelectChoice(Attendance.ONLINE.value, _l("Online")),
]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _text(label, max_length: int, *, required: str | None = None, area: bool = False):
    validators = [DataRequired(required)] if required else [Optional()]
    field = TextAreaField if area else StringField
    return field(
        label,
        filters=[_strip],
        validators=[*validators, Length(max=max_length), no_control_characters],
    )


class IntentForm(FlaskForm):
    """Whether the State takes part, and how."""

    # A hidden field's label is never shown, but one left out is made by WTForms' gettext,
    # which reads its catalog from disk again in each request (Flask-WTF keeps it per request).
    version = HiddenField("")
    participation = RadioField(
        _l("Will your delegation take part?"),
        choices=[
            SelectChoice("yes", _l("Yes, we intend to take part")),
            SelectChoice("no", _l("No, we will not take part")),
        ],
        validators=[DataRequired(message=_l("Choose one of the two answers."))],
    )
    head_level = SelectField(
        _l("Expected level of the head of delegation"),
        choices=[SelectChoice("", "—"), *HEAD_LEVELS],
        validators=[Optional()],
    )
    speaking_request = BooleanField(
        _l("The head of delegation wishes to address the Dialogue (high-level segment)")
    )
    panel_interest = BooleanField(_l("Interested in the thematic panels"))
    networking_interest = BooleanField(_l("Interested in the networking events"))
    contribution_offer = BooleanField(_l("We offer to contribute to the costs of the event"))
    contribution_note = _text(_l("About the offer (optional)"), 2000, area=True)
    public_list_consent = BooleanField(
        _l("Our delegation may appear in the published list of participants")
    )
    focal_point_name = _text(_l("Focal point: full name"), 200)
    focal_point_email = EmailField(
        _l("Focal point: email"),
        filters=[_lower],
        validators=[Optional(), Email(), Length(max=254)],
    )
    comment = _text(_l("Comment for the Secretariat"), 2000, area=True)
    submit = SubmitField(_l("Save the answer"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.participation.data == "yes":
            if not self.head_level.data:
                self.head_level.errors.append(_l("Choose the expected level."))
                valid = False
            if not self.focal_point_name.data:
                self.focal_point_name.errors.append(_l("Give the focal point's name."))
                valid = False
            if not self.focal_point_email.data:
                self.focal_point_email.errors.append(_l("Give the focal point's email."))
                valid = False
        return valid

    @classmethod
    def of(cls, delegation: Delegation | None) -> IntentForm:
        # formdata=None: on a refused post, the form shows what is saved, not what was posted.
        if delegation is None:
            return cls(formdata=None, data={"version": "0"})
        return cls(
            formdata=None,
            data={
                "version": str(delegation.version),
                "participation": {True: "yes", False: "no"}.get(delegation.participates),
                "head_level": delegation.head_level.value if delegation.head_level else "",
                "speaking_request": delegation.speaking_request,
                "panel_interest": delegation.panel_interest,
                "networking_interest": delegation.networking_interest,
                "contribution_offer": delegation.contribution_offer,
                "contribution_note": delegation.contribution_note,
                "public_list_consent": delegation.public_list_consent,
                "focal_point_name": delegation.focal_point_name,
                "focal_point_email": delegation.focal_point_email,
                "comment": delegation.comment,
            },
        )

    def expected_version(self) -> int | None:
        value = (self.version.data or "").strip()
        return int(value) if value.isdigit() and len(value) < 10 else None

    def intent(self) -> Intent:
        return Intent(
            participates=self.participation.data == "yes",
            head_level=HeadLevel(self.head_level.data) if self.head_level.data else None,
            speaking_request=self.speaking_request.data,
            panel_interest=self.panel_interest.data,
            networking_interest=self.networking_interest.data,
            contribution_offer=self.contribution_offer.data,
            contribution_note=self.contribution_note.data or "",
            public_list_consent=self.public_list_consent.data,
            focal_point_name=self.focal_point_name.data or "",
            focal_point_email=self.focal_point_email.data or "",
            comment=self.comment.data or "",
        )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


@functools.lru_cache(maxsize=1024)
def _day_label(day: date, locale: Locale | None) -> str:
    """'Monday 6 July 2026' in the reader's language: Babel finds the pattern again for each
    call, and every delegate form names each day of the event."""
    return format_date(day, "full", locale=locale)


class DelegateForm(FlaskForm):
    """A person in the delegation."""

    seen = HiddenField("")  # the delegate's last change when the form was shown
    honorific = _text(_l("Honorific (H.E., Mr, Ms, Dr...)"), 60)
    given_name = _text(_l("Given name"), 100, required=_l("Give the given name."))
    family_name = _text(_l("Family name"), 100, required=_l("Give the family name."))
    function = _text(_l("Function or title"), 200)
    institution = _text(_l("Ministry or institution"), 200)
    email = EmailField(
        _l("Email"),
        filters=[_lower],
        validators=[
            DataRequired(_l("Give the email address.")),
            Email(_l("Give a valid email address.")),
            Length(max=254),
        ],
    )
    phone = _text(_l("Telephone"), 40)
    language = SelectField(
        _l("Language for emails"),
        choices=[SelectChoice(code, label) for code, label in LANGUAGES.items()],
        default="en",
    )
    role = SelectField(_l("Role in the delegation"), choices=ROLES, default="member")
    days = MultiCheckboxField(_l("Days attending"), choices=[])
    attendance = RadioField(_l("Attendance"), choices=ATTENDANCE, default="in_person")
    accessibility_needs = _text(_l("Accessibility needs"), 1000, area=True)
    visa_letter_needed = BooleanField(_l("Needs a visa support letter"))
    nationality = _text(_l("Nationality (for the visa letter)"), 100)
    passport_number = _text(_l("Passport number (for the visa letter)"), 40)
    passport_expires_on = DateField(
        _l("Passport valid until"),
        validators=[Optional()],
        invalid_value_message=_l("Give a date, such as 2026-07-06."),
    )
    date_of_birth = DateField(
        _l("Date of birth (for the visa letter)"),
        validators=[Optional()],
        invalid_value_message=_l("Give a date, such as 2026-07-06."),
    )
    photo = FileField(_l("Badge photograph (JPEG or PNG)"))
    submit = SubmitField(_l("Save the delegate"))

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        locale = get_locale()
        self.days.choices = [
            SelectChoice(day.isoformat(), _day_label(day, locale)) for day in event.days()
        ]
        self._event = event

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name in ("passport_expires_on", "date_of_birth"):
            value = getattr(self, name).data
            if value is not None and not date(1900, 1, 1) <= value <= date(2100, 12, 31):
                getattr(self, name).errors.append(_l("Give a date between 1900 and 2100."))
                valid = False
        if self.date_of_birth.data and self.date_of_birth.data > date.today():
            self.date_of_birth.errors.append(_l("The date of birth is in the future."))
            valid = False
        expires = self.passport_expires_on.data
        if expires and not self.passport_expires_on.errors and expires <= self._event.ends_on:
            self.passport_expires_on.errors.append(
                _l("The passport must still be valid after the event's last day.")
            )
            valid = False
        if self.visa_letter_needed.data and self.attendance.data == Attendance.ONLINE.value:
            self.visa_letter_needed.errors.append(
                _l("A visa support letter is for delegates who attend in person.")
            )
            valid = False
        if self.visa_letter_needed.data:
            for name, message in (
                ("nationality", _l("Give the nationality for the visa letter.")),
                ("passport_number", _l("Give the passport number for the visa letter.")),
            ):
                if not getattr(self, name).data:
                    getattr(self, name).errors.append(message)
                    valid = False
        if not self.days.data:
            self.days.errors.append(_l("Choose at least one day."))
            valid = False
        return valid

    @classmethod
    def of(cls, delegate: Delegate, event: Event) -> DelegateForm:
        data = {
            name: getattr(delegate, name)
            for name in (
                "honorific", "given_name", "family_name", "function", "institution", "email",
                "phone", "language", "accessibility_needs", "visa_letter_needed", "nationality",
                "passport_number", "passport_expires_on", "date_of_birth",
            )
        }  # fmt: skip
        data.update(role=delegate.role.value, attendance=delegate.attendance.value,
                    days=list(delegate.days), seen=seen_token(delegate))  # fmt: skip
        return cls(formdata=None, data=data, event=event)

    def details(self) -> DelegateDetails:
        return DelegateDetails(
            honorific=self.honorific.data or "",
            given_name=self.given_name.data or "",
            family_name=self.family_name.data or "",
            function=self.function.data or "",
            institution=self.institution.data or "",
            email=self.email.data or "",
            phone=self.phone.data or "",
            language=self.language.data,
            role=DelegateRole(self.role.data),
            days=list(self.days.data or []),
            attendance=Attendance(self.attendance.data),
            accessibility_needs=self.accessibility_needs.data or "",
            visa_letter_needed=self.visa_letter_needed.data,
            nationality=self.nationality.data or "",
            passport_number=self.passport_number.data or "",
            passport_expires_on=self.passport_expires_on.data,
            date_of_birth=self.date_of_birth.data,
        )


class SelfRegistrationForm(DelegateForm):
    country = SelectField(
        _l("Your country"),
        choices=[],
        validators=[DataRequired(_l("Choose your country."))],
    )
    role = SelectField(
        _l("Role in the delegation"),
        choices=[choice for choice in ROLES if choice.value != DelegateRole.HEAD.value],
        default="member",
    )
    submit = SubmitField(_l("Register"))


class NoteVerbaleForm(FlaskForm):
    note_verbale = FileField(_l("Note verbale (PDF)"))
    submit = SubmitField(_l("Upload"))


class ReasonForm(FlaskForm):
    reason = _text(_l("Reason (optional)"), 1000, area=True)
    submit = SubmitField(_l("Confirm"))


class LinkRequestForm(FlaskForm):
    email = EmailField(
        _l("Your email address"),
        filters=[_lower],
        validators=[
            DataRequired(_l("Give the email address.")),
            Email(_l("Give a valid email address.")),
            Length(max=254),
        ],
    )
    submit = SubmitField(_l("Send me a new link"))
