"""The focal point's answer to the invitation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from .models import HeadLevel

HEAD_LEVELS = [
    SelectChoice(HeadLevel.HEAD_OF_STATE.value, _l("Head of State")),
    SelectChoice(HeadLevel.HEAD_OF_GOVERNMENT.value, _l("Head of Government")),
    SelectChoice(HeadLevel.MINISTER.value, _l("Minister")),
    SelectChoice(HeadLevel.DEPUTY_MINISTER.value, _l("Deputy Minister")),
    SelectChoice(HeadLevel.AMBASSADOR.value, _l("Ambassador / Permanent Representative")),
    SelectChoice(HeadLevel.SENIOR_OFFICIAL.value, _l("Senior official")),
]


class AnswerForm(FlaskForm):
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
        _l("The Head of State or Government wishes to address the Dialogue")
    )
    focal_point_name = StringField(_l("Focal point: full name"), validators=[Length(max=200)])
    focal_point_email = EmailField(
        _l("Focal point: email"), validators=[Optional(), Email(), Length(max=254)]
    )
    comment = TextAreaField(_l("Comment for the Secretariat"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Send the answer"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.participation.data == "yes":
            if not self.head_level.data:
                self.head_level.errors.append(_l("Choose the expected level."))
                valid = False
            if not (self.focal_point_name.data or "").strip():
                self.focal_point_name.errors.append(_l("Give the focal point's name."))
                valid = False
            if not (self.focal_point_email.data or "").strip():
                self.focal_point_email.errors.append(_l("Give the focal point's email."))
                valid = False
        return valid
