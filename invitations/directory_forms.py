"""Forms of the directory: an addressee, the list's filters, a CSV file to import."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    Form,
    FormField,
    HiddenField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from plenary.countries import REGIONS, region_label
from plenary.i18n import LANGUAGES
from plenary.i18n import lazy_gettext as _l

from . import directory
from .merge import LOCALISED_FIELDS
from .models import Addressee, AddresseeKind


def kind_choices() -> list[SelectChoice]:
    return [
        SelectChoice(AddresseeKind.ADMINISTRATION.value, _l("Administration of a Member State")),
        SelectChoice(AddresseeKind.MISSION.value, _l("Permanent Mission or Embassy in Geneva")),
        SelectChoice(AddresseeKind.ORGANISATION.value, _l("Organisation")),
    ]


REGION_CHOICES = [SelectChoice(region, region_label(region)) for region in REGIONS]

LANGUAGE_CHOICES = [SelectChoice(code, name) for code, name in LANGUAGES.items()]


def _with_none(named: list[tuple[int, str]]) -> list[SelectChoice]:
    """The (id, name) pairs as choices, after an empty one that means none."""
    return [SelectChoice("", _l("— none —")), *(SelectChoice(value, name) for value, name in named)]


def _optional_id(value: Any) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class AddresseeTextsForm(Form):
    """An addressee's name, title, institution and city as one language writes them."""

    full_name = StringField(_l("Name"), validators=[Length(max=200)])
    title = StringField(_l("Title"), validators=[Length(max=300)])
    institution = StringField(_l("Institution"), validators=[Length(max=300)])
    city = StringField(_l("City"), validators=[Length(max=120)])


class AddresseeForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=kind_choices, default=AddresseeKind.ADMINISTRATION)
    country_id = SelectField(_l("Member State"), coerce=_optional_id)
    organisation_id = SelectField(_l("Organisation"), coerce=_optional_id)
    honorific = StringField(_l("Honorific"), validators=[Length(max=120)])
    full_name = StringField(
        _l("Name or function"),
        validators=[DataRequired(_l("Write the name, or the function.")), Length(max=200)],
    )
    title = StringField(_l("Title"), validators=[Length(max=300)])
    institution = StringField(_l("Institution"), validators=[Length(max=300)])
    emails = TextAreaField(_l("Email addresses"), validators=[Length(max=5000)])
    language = SelectField(_l("Language of correspondence"), choices=LANGUAGE_CHOICES, default="en")
    city = StringField(_l("City"), validators=[Length(max=120)])
    submit = SubmitField(_l("Save"))

    def __init__(
        self,
        *args: Any,
        countries: list[tuple[int, str]],
        organisations: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.country_id.choices = _with_none(countries)
        self.organisation_id.choices = _with_none(organisations)
        self.parsed_emails: list[str] = []

    def validate_emails(self, field: TextAreaField) -> None:
        try:
            self.parsed_emails = directory.parse_emails(field.data)
        except directory.InvalidEmails as error:
            raise ValidationError(directory.invalid_emails_message(error)) from error

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.kind.data in directory.STATE_KINDS and self.country_id.data is None:
            self.country_id.errors.append(_l("Choose the Member State."))
            valid = False
        if self.kind.data == AddresseeKind.ORGANISATION and self.organisation_id.data is None:
            self.organisation_id.errors.append(_l("Choose the organisation."))
            valid = False
        return valid

    def details(self) -> directory.AddresseeDetails:
        return directory.AddresseeDetails(
            kind=AddresseeKind(self.kind.data),
            country_id=self.country_id.data,
            organisation_id=self.organisation_id.data,
            honorific=self.honorific.data or "",
            full_name=self.full_name.data or "",
            title=self.title.data or "",
            emails=self.parsed_emails,
            language=self.language.data,
            city=self.city.data or "",
            institution=self.institution.data or "",
            localised=self.localised(),
        )

    def localised(self) -> dict[str, dict[str, str]]:
        """The per-language values filled in, by field then language."""
        values: dict[str, dict[str, str]] = {}
        for code in LANGUAGES:
            texts = getattr(self, f"texts_{code}")
            for name in LOCALISED_FIELDS:
                value = (getattr(texts, name).data or "").strip()
                if value:
                    values.setdefault(name, {})[code] = value
        return values


for _code in LANGUAGES:
    setattr(AddresseeForm, f"texts_{_code}", FormField(AddresseeTextsForm, label=LANGUAGES[_code]))


def localised_data(addressee: Addressee) -> dict[str, dict[str, str]]:
    """An addressee's per-language values as the form's sub-forms take them."""
    localised = addressee.localised or {}
    return {
        f"texts_{code}": {name: localised.get(name, {}).get(code, "") for name in LOCALISED_FIELDS}
        for code in LANGUAGES
    }


class DirectoryFilterForm(FlaskForm):
    """The list's search and filters, read from the query string."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Length(max=200)])
    kind = SelectField(
        _l("Kind"), choices=lambda: [SelectChoice("", _l("All kinds")), *kind_choices()]
    )
    region = SelectField(
        _l("Region"), choices=[SelectChoice("", _l("All regions")), *REGION_CHOICES]
    )
    language = SelectField(
        _l("Language"), choices=[SelectChoice("", _l("All languages")), *LANGUAGE_CHOICES]
    )
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("Active and inactive")),
            SelectChoice("active", _l("Active")),
            SelectChoice("inactive", _l("Inactive")),
        ],
    )
    reach = SelectField(
        _l("Email"),
        choices=[
            SelectChoice("", _l("Reachable or not")),
            SelectChoice("reachable", _l("Reachable")),
            SelectChoice("unreachable", _l("Not reachable")),
        ],
    )
    answered = SelectField(
        _l("Answer"),
        choices=[
            SelectChoice("", _l("Answered or not")),
            SelectChoice("answered", _l("Answered")),
            SelectChoice("not_answered", _l("Not answered")),
        ],
    )

    def filters(self) -> directory.DirectoryFilters:
        """The filters asked for; a value that is not one of the choices is no filter."""
        self.validate()
        # A missing or unknown value is no filter, and no reason for a message on the page.
        for field in self:
            if field.errors:
                field.data, field.errors = "", []

        def value(field: Any) -> str:
            return field.data or ""

        return directory.DirectoryFilters(
            search=value(self.q),
            kind=value(self.kind),
            region=value(self.region),
            language=value(self.language),
            status=value(self.status),
            reach=value(self.reach),
            answered=value(self.answered),
        )


class ImportUploadForm(FlaskForm):
    file = FileField(
        _l("CSV file"), validators=[FileRequired(_l("Choose the CSV file to import."))]
    )
    submit = SubmitField(_l("Check the file"))


class ImportConfirmForm(FlaskForm):
    token = HiddenField("", validators=[DataRequired()])
    submit = SubmitField(_l("Import"))
