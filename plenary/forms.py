"""Forms of the core screens: sign-in, passwords, staff accounts."""

from __future__ import annotations

from urllib.parse import urlsplit

import wtforms
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from .auth import MINIMUM_PASSWORD_LENGTH
from .i18n import lazy_gettext as _l
from .models import Role

# --- fields every form uses instead of WTForms' own: they refuse what no column can hold ---

# Years a meeting, a deadline or a circular can fall in; beyond them a time zone's offset
# overflows Python's datetime and a typo would be saved as a date no one meant.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
# INTEGER columns hold 32 bits on PostgreSQL.
LARGEST_INTEGER = 2**31 - 1


# Overrides and isolates of the text's direction: in a name, "Paul Martin" can be made to read
# as another (U+202E). The marks U+200E and U+200F, which right-to-left names need, are kept.
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def no_control_characters(form, field) -> None:
    """Refuse NUL and other control characters (line breaks only where text has lines), and,
    on a line, the controls that reorder the text around them."""
    value = field.data if isinstance(field.data, str) else ""
    lines = field.type == "TextAreaField"
    allowed = "\n\r\t" if lines else ""
    if any(
        (ord(c) < 32 and c not in allowed)
        or ord(c) == 127
        or (not lines and c in DIRECTION_CONTROLS)
        for c in value
    ):
        raise ValidationError(_l("Remove the control characters from this field."))


class IntegerField(wtforms.IntegerField):
    """A whole number that fits an INTEGER column; a larger one is an error for the field."""

    def process_formdata(self, valuelist: list) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > LARGEST_INTEGER:
            self.data = None
            raise ValueError(_l("Give a smaller number."))


def _check_year(field: wtforms.Field) -> None:
    if field.data is not None and not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR:
        field.data = None
        raise ValueError(
            _l("Give a date between %(first)d and %(last)d.", first=EARLIEST_YEAR, last=LATEST_YEAR)
        )


class DateField(wtforms.DateField):
    """A date between EARLIEST_YEAR and LATEST_YEAR."""

    def process_formdata(self, valuelist: list) -> None:
        super().process_formdata(valuelist)
        _check_year(self)


class DateTimeLocalField(wtforms.DateTimeLocalField):
    """A wall-clock date and time between EARLIEST_YEAR and LATEST_YEAR."""

    def process_formdata(self, valuelist: list) -> None:
        super().process_formdata(valuelist)
        _check_year(self)


class WebAddress:
    """An http(s) address with a host; a malformed one is an error, never an exception."""

    def __call__(self, form: wtforms.Form, field: wtforms.Field) -> None:
        if not field.data:
            return
        try:
            parts = urlsplit(field.data)
            parts.port  # noqa: B018  (reading it checks it)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationError(_l("Give a web address that starts with https:// or http://."))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Sign in"))


class PasswordSetForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(),
            Length(
                min=MINIMUM_PASSWORD_LENGTH,
                max=200,
                message=_l("Use at least %(count)d characters.", count=MINIMUM_PASSWORD_LENGTH),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Save the password"))


class PasswordChangeForm(PasswordSetForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Change the password"))


class UserCreateForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice(Role.STAFF.value, _l("Staff")),
            SelectChoice(Role.ADMIN.value, _l("Administrator")),
        ],
        default=Role.STAFF.value,
    )
    submit = SubmitField(_l("Create and send the sign-in link"))


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change state."""

    submit = SubmitField(_l("Confirm"))
