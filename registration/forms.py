"""Forms of the registration area: the focal point's answer; the Secretariat's event editor."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import available_timezones

import pycountry
from flask_babel import format_date
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
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
    ValidationError,
)

from plenary.forms import DateField, DateTimeLocalField, IntegerField, WebAddress
from plenary.i18n import LANGUAGES
from plenary.i18n import lazy_gettext as _l
from plenary.models import Event, EventSession, LinkedEvent, SessionKind

from . import events
from .models import HeadLevel

HEAD_LEVELS = [
    SelectChoice(HeadLevel.HEAD_OF_STATE.value, _l("Head of State")),
    SelectChoice(HeadLevel.HEAD_OF_GOVERNMENT.value, _l("Head of Government")),
    SelectChoice(HeadLevel.VICE_PRESIDENT.value, _l("Vice-President")),
    SelectChoice(HeadLevel.MINISTER.value, _l("Minister")),
    SelectChoice(HeadLevel.VICE_MINISTER.value, _l("Vice-Minister")),
    SelectChoice(HeadLevel.PERMANENT_REPRESENTATIVE.value, _l("Permanent Representative")),
    SelectChoice(HeadLevel.SENIOR_OFFICIAL.value, _l("Senior official")),
]


# --- the Secretariat's event editor ---------------------------------------------------------

LOCAL_TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
NOT_A_DATE = _l("Give a date, such as 2026-07-06.")
NOT_A_TIME = _l("Give a date and a time, such as 2026-06-26 23:59.")
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# The delegate form offers each day to tick: a meeting, not a season.
MAX_EVENT_DAYS = 31
# Names that zoneinfo knows but that are no place's time: the server's own zone, and none.
NOT_PLACES = frozenset({"localtime", "Factory"})


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(available_timezones()) - NOT_PLACES


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _strip_upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _day_field(label: Any) -> DateField:
    return DateField(label, validators=[InputRequired()], invalid_value_message=NOT_A_DATE)


def _local_time_field(label: Any, *, required: bool = False) -> DateTimeLocalField:
    """A wall-clock time in the event's zone; the form converts it to UTC."""
    return DateTimeLocalField(
        label,
        format=LOCAL_TIME_FORMATS,
        invalid_value_message=NOT_A_TIME,
        validators=[InputRequired() if required else Optional()],
    )


def _per_language(form: FlaskForm, field: str) -> dict[str, str]:
    """One field's text in each language that has it, from the form's sub-forms."""
    values = {}
    for code in LANGUAGES:
        value = (getattr(form, f"texts_{code}")[field].data or "").strip()
        if value:
            values[code] = value.replace("\r\n", "\n")
    return values


def _texts_data(fields: dict[str, dict[str, str] | None]) -> dict[str, dict[str, str]]:
    """The sub-forms' data from the record's per-language values."""
    return {
        f"texts_{code}": {name: (values or {}).get(code, "") for name, values in fields.items()}
        for code in LANGUAGES
    }


def _title_given(form: FlaskForm) -> bool:
    if _per_language(form, "title"):
        return True
    form.texts_en["title"].errors.append(_l("Give the title in at least one language."))
    return False


def _to_utc(field: DateTimeLocalField, timezone: str) -> datetime | None:
    """The field's wall-clock time in the zone as UTC; None (and an error) if it has none."""
    try:
        return events.local_to_utc(field.data, timezone)
    except events.NonexistentLocalTime:
        field.errors.append(
            _l("This time does not exist in %(zone)s: the clocks move forward then.", zone=timezone)
        )
        return None


class EventTextsForm(Form):
    """The event's title and description in one language."""

    title = StringField(_l("Title of the event"), validators=[Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    venue = StringField(_l("Venue"), validators=[Length(max=200)])
    city = StringField(_l("City"), validators=[Length(max=100)])


class EventForm(FlaskForm):
    slug = StringField(
        _l("Short name"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Give the short name.")),
            Length(max=80),
            Regexp(SLUG_PATTERN, message=_l("Use lowercase letters, digits and hyphens only.")),
        ],
    )
    venue = StringField(_l("Venue"), validators=[Length(max=200)])
    city = StringField(_l("City"), validators=[Length(max=100)])
    country_code = StringField(_l("Country code"), filters=[_strip_upper], validators=[Optional()])
    starts_on = _day_field(_l("First day"))
    ends_on = _day_field(_l("Last day"))
    timezone = StringField(
        _l("Time zone"),
        default=events.DEFAULT_TIMEZONE,
        filters=[_strip],
        validators=[DataRequired(_l("Give the time zone."))],
    )
    registration_opens_at = _local_time_field(_l("Registration opens"))
    registration_closes_at = _local_time_field(_l("Registration closes"))
    max_delegation_size = IntegerField(_l("Maximum delegation size"), validators=[Optional()])
    inquiry_email = EmailField(
        _l("Email for inquiries"),
        filters=[_strip],
        validators=[Optional(), Email(), Length(max=254)],
    )
    contributions_email = EmailField(
        _l("Email for offers to contribute to the costs"),
        filters=[_strip],
        validators=[Optional(), Email(), Length(max=254)],
    )
    published = BooleanField(_l("Published on the public pages"))
    submit = SubmitField(_l("Save the event"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.utc_times: dict[str, datetime | None] = {}

    def validate_country_code(self, field: StringField) -> None:
        if pycountry.countries.get(alpha_2=field.data) is None:
            raise ValidationError(
                _l("Unknown country code: give the two letters of ISO 3166, such as CH.")
            )

    def validate_timezone(self, field: StringField) -> None:
        if field.data not in known_timezones():
            raise ValidationError(
                _l("Unknown time zone: give a name such as Europe/Zurich or America/New_York.")
            )

    def validate_max_delegation_size(self, field: IntegerField) -> None:
        if field.data is not None and field.data < 1:
            raise ValidationError(_l("Give a positive number, or nothing for no limit."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        valid = _title_given(self) and valid
        first, last = self.starts_on.data, self.ends_on.data
        if first and last and last < first:
            self.ends_on.errors.append(_l("The last day cannot be before the first day."))
            valid = False
        elif first and last and (last - first).days >= MAX_EVENT_DAYS:
            self.ends_on.errors.append(
                _l("An event lasts %(days)d days at most.", days=MAX_EVENT_DAYS)
            )
            valid = False
        if not self.timezone.errors:
            valid = self._registration_window() and valid
        return valid

    def _registration_window(self) -> bool:
        valid = True
        for field in (self.registration_opens_at, self.registration_closes_at):
            if field.data is not None and not field.errors:
                self.utc_times[field.name] = _to_utc(field, self.timezone.data)
                valid = valid and not field.errors
        opens = self.utc_times.get("registration_opens_at")
        closes = self.utc_times.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.registration_closes_at.errors.append(_l("Registration must close after it opens."))
            valid = False
        last = self.ends_on.data if not self.ends_on.errors else None
        # Local times, as typed: the event's own days.
        for field, message in (
            (self.registration_opens_at, _l("Registration must open before the event ends.")),
            (self.registration_closes_at, _l("Registration must close by the event's last day.")),
        ):
            if last and field.data is not None and not field.errors and field.data.date() > last:
                field.errors.append(message)
                valid = False
        return valid

    def details(self) -> events.EventDetails:
        return events.EventDetails(
            slug=self.slug.data,
            title=_per_language(self, "title"),
            description=_per_language(self, "description"),
            venue=(self.venue.data or "").strip(),
            city=(self.city.data or "").strip(),
            country_code=self.country_code.data or "",
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            timezone=self.timezone.data,
            registration_opens_at=self.utc_times.get("registration_opens_at"),
            registration_closes_at=self.utc_times.get("registration_closes_at"),
            max_delegation_size=self.max_delegation_size.data,
            inquiry_email=self.inquiry_email.data or "",
            contributions_email=self.contributions_email.data or "",
            published=bool(self.published.data),
            venues=_per_language(self, "venue"),
            cities=_per_language(self, "city"),
        )


for _code in LANGUAGES:
    setattr(EventForm, f"texts_{_code}", FormField(EventTextsForm, label=LANGUAGES[_code]))


def event_form(event: Event) -> EventForm:
    """The event form filled with an event's details, its times in its own zone."""
    return EventForm(
        data={
            "slug": event.slug,
            "venue": event.venue,
            "city": event.city,
            "country_code": event.country_code,
            "starts_on": event.starts_on,
            "ends_on": event.ends_on,
            "timezone": event.timezone,
            "registration_opens_at": events.utc_to_local(
                event.registration_opens_at, event.timezone
            ),
            "registration_closes_at": events.utc_to_local(
                event.registration_closes_at, event.timezone
            ),
            "max_delegation_size": event.max_delegation_size,
            "inquiry_email": event.inquiry_email,
            "contributions_email": event.contributions_email,
            "published": event.published,
            **_texts_data(
                {
                    "title": event.title,
                    "description": event.description,
                    "venue": event.venues or {},
                    "city": event.cities or {},
                }
            ),
        }
    )


class SessionTextsForm(Form):
    """A session's title in one language."""

    title = StringField(_l("Title of the session"), validators=[Length(max=300)])


def session_kind_choices() -> list[SelectChoice]:
    return [
        SelectChoice(SessionKind.HIGH_LEVEL.value, _l("High-level segment")),
        SelectChoice(SessionKind.PANEL.value, _l("Thematic panel")),
        SelectChoice(SessionKind.NETWORKING.value, _l("Networking event")),
        SelectChoice(SessionKind.CEREMONY.value, _l("Ceremony")),
    ]


class SessionForm(FlaskForm):
    """A session of the programme, its times in the event's zone and within its days."""

    kind = SelectField(_l("Kind"), choices=session_kind_choices)
    starts_at = _local_time_field(_l("Starts"), required=True)
    ends_at = _local_time_field(_l("Ends"), required=True)
    room = StringField(_l("Room"), validators=[Length(max=100)])
    capacity = IntegerField(
        _l("Places (panels and networking events that delegates sign up for)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=100000, message=_l("Give a number from 1 to 100,000.")),
        ],
    )
    submit = SubmitField(_l("Save the session"))

    def __init__(
        self, *args: Any, event: Event, item: EventSession | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.item = item
        self.utc_times: dict[str, datetime | None] = {}

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        valid = _title_given(self) and valid
        taken = self.item.places_taken if self.item is not None else 0
        if (
            self.capacity.data is not None
            and not self.capacity.errors
            and self.capacity.data < taken
        ):
            self.capacity.errors.append(
                _l("%(count)d places are already taken: give at least that many.", count=taken)
            )
            valid = False
        if self.capacity.data is None and taken:
            self.capacity.errors.append(
                _l("%(count)d places are already taken: give at least that many.", count=taken)
            )
            valid = False
        starts, ends = self.starts_at.data, self.ends_at.data
        if starts is None or ends is None or self.starts_at.errors or self.ends_at.errors:
            return False
        event = self.event
        days = {"first": format_date(event.starts_on, "long"),
                "last": format_date(event.ends_on, "long")}  # fmt: skip
        if starts.date() < event.starts_on:
            self.starts_at.errors.append(
                _l("The session must lie within the event's days, %(first)s to %(last)s.", **days)
            )
            return False
        if ends.date() > event.ends_on:
            self.ends_at.errors.append(
                _l("The session must lie within the event's days, %(first)s to %(last)s.", **days)
            )
            return False
        if ends <= starts:
            self.ends_at.errors.append(_l("The session must end after it starts."))
            return False
        for field in (self.starts_at, self.ends_at):
            self.utc_times[field.name] = _to_utc(field, event.timezone)
        return valid and not (self.starts_at.errors or self.ends_at.errors)

    def details(self) -> events.SessionDetails:
        return events.SessionDetails(
            kind=SessionKind(self.kind.data),
            title=_per_language(self, "title"),
            starts_at=self.utc_times["starts_at"],
            ends_at=self.utc_times["ends_at"],
            room=(self.room.data or "").strip(),
            capacity=self.capacity.data,
        )


for _code in LANGUAGES:
    setattr(SessionForm, f"texts_{_code}", FormField(SessionTextsForm, label=LANGUAGES[_code]))


def session_form(event: Event, item: EventSession | None) -> SessionForm:
    """The session form, filled with a session's details when there is one."""
    if item is None:
        return SessionForm(event=event)
    return SessionForm(
        event=event,
        item=item,
        data={
            "capacity": item.capacity,
            "kind": item.kind.value,
            "starts_at": events.utc_to_local(item.starts_at, event.timezone),
            "ends_at": events.utc_to_local(item.ends_at, event.timezone),
            "room": item.room,
            **_texts_data({"title": item.title}),
        },
    )


class LinkedEventTextsForm(Form):
    """A linked event's title in one language."""

    title = StringField(_l("Title of the linked event"), validators=[Length(max=300)])


class LinkedEventForm(FlaskForm):
    """An event held alongside, such as the AI for Good Global Summit."""

    starts_on = _day_field(_l("First day"))
    ends_on = _day_field(_l("Last day"))
    url = URLField(
        _l("Web address"), filters=[_strip], validators=[Optional(), Length(max=500), WebAddress()]
    )
    submit = SubmitField(_l("Save the linked event"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        valid = _title_given(self) and valid
        first, last = self.starts_on.data, self.ends_on.data
        if first and last and last < first:
            self.ends_on.errors.append(_l("The last day cannot be before the first day."))
            valid = False
        return valid

    def details(self) -> events.LinkedEventDetails:
        return events.LinkedEventDetails(
            title=_per_language(self, "title"),
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            url=self.url.data or "",
        )


for _code in LANGUAGES:
    setattr(
        LinkedEventForm, f"texts_{_code}", FormField(LinkedEventTextsForm, label=LANGUAGES[_code])
    )


def linked_event_form(linked: LinkedEvent | None) -> LinkedEventForm:
    """The linked event form, filled with a linked event's details when there is one."""
    if linked is None:
        return LinkedEventForm()
    return LinkedEventForm(
        data={
            "starts_on": linked.starts_on,
            "ends_on": linked.ends_on,
            "url": linked.url,
            **_texts_data({"title": linked.title}),
        }
    )
