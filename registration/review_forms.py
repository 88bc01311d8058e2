"""The Secretariat's forms on registrations: decisions with reasons, changes, the speakers list."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from plenary.i18n import LANGUAGES
from plenary.i18n import lazy_gettext as _l

from .forms import HEAD_LEVELS, NOT_A_DATE
from .models import Attendance, DelegateRole

ROLES = [
    SelectChoice(DelegateRole.HEAD.value, _l("head of delegation")),
    SelectChoice(DelegateRole.DEPUTY.value, _l("deputy head")),
    SelectChoice(DelegateRole.MEMBER.value, _l("member")),
    SelectChoice(DelegateRole.ADVISER.value, _l("adviser")),
]
ATTENDANCES = [
    SelectChoice(Attendance.IN_PERSON.value, _l("in person")),
    SelectChoice(Attendance.ONLINE.value, _l("online")),
]


def _reason(label) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            DataRequired(message=_l("Give the reason.")),
            Length(max=2000, message=_l("At most %(max)d characters.", max=2000)),
        ],
    )


class RejectForm(FlaskForm):
    reason = _reason(_l("Reason for the rejection (sent to the focal point)"))
    submit = SubmitField(_l("Reject"))


class DelegationEditForm(FlaskForm):
    head_level = SelectField(
        _l("Level of the head of delegation"),
        choices=[SelectChoice("", "—"), *HEAD_LEVELS],
        validators=[Optional()],
    )
    speaking_request = BooleanField(_l("Asks to address the high-level segment"))
    panel_interest = BooleanField(_l("Interested in the thematic panels"))
    networking_interest = BooleanField(_l("Interested in the networking events"))
    contribution_offer = BooleanField(_l("Offers to contribute to the costs"))
    public_list_consent = BooleanField(_l("Agrees to appear on the public list"))
    focal_point_name = StringField(_l("Focal point"), validators=[Length(max=200)])
    focal_point_email = EmailField(
        _l("Focal point's email"), validators=[Optional(), Email(), Length(max=254)]
    )
    comment = TextAreaField(_l("Comment"), validators=[Length(max=5000)])
    reason = _reason(_l("Why this change (kept in the audit trail)"))
    submit = SubmitField(_l("Save the changes"))


class DelegateEditForm(FlaskForm):
    honorific = StringField(_l("Honorific"), validators=[Length(max=60)])
    given_name = StringField(_l("Given name"), validators=[DataRequired(), Length(max=100)])
    family_name = StringField(_l("Family name"), validators=[DataRequired(), Length(max=100)])
    function = StringField(_l("Function"), validators=[Length(max=200)])
    institution = StringField(_l("Ministry or institution"), validators=[Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    language = SelectField(
        _l("Language"), choices=[SelectChoice(code, label) for code, label in LANGUAGES.items()]
    )
    role = SelectField(_l("Role"), choices=ROLES)
    attendance = SelectField(_l("Attendance"), choices=ATTENDANCES)
    accessibility_needs = TextAreaField(_l("Accessibility needs"), validators=[Length(max=2000)])
    visa_letter_needed = BooleanField(_l("Needs a visa support letter"))
    nationality = StringField(_l("Nationality (for the visa letter)"), validators=[Length(max=100)])
    passport_number = StringField(_l("Passport number (for the visa letter)"),
                                  validators=[Length(max=40)])  # fmt: skip
    passport_expires_on = DateField(_l("Passport valid until"), validators=[Optional()],
                                    invalid_value_message=NOT_A_DATE)  # fmt: skip
    date_of_birth = DateField(_l("Date of birth (for the visa letter)"), validators=[Optional()],
                              invalid_value_message=NOT_A_DATE)  # fmt: skip
    reason = _reason(_l("Why this change (kept in the audit trail)"))
    submit = SubmitField(_l("Save the changes"))


class SpeakerMoveForm(FlaskForm):
    position = IntegerField(
        _l("New position"),
        validators=[
            DataRequired(message=_l("Give a position.")),
            NumberRange(min=1, max=10000, message=_l("Give a position from 1.")),
        ],
    )
    reason = _reason(_l("Reason for the change of order"))
    submit = SubmitField(_l("Move"))
