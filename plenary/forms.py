"""Forms of the core screens: sign-in, passwords, staff accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length

from .auth import MINIMUM_PASSWORD_LENGTH
from .i18n import lazy_gettext as _l
from .models import Role


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
