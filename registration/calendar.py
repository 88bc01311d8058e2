"""The calendar file sent with a confirmation: one entry per day of the event attended."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import current_app
from icalendar import Calendar
from icalendar import Event as CalendarEntry

from plenary.i18n import babel_locale
from plenary.models import Event

ICS_MIMETYPE = "text/calendar"


def long_date_range(start: date, end: date, language: str) -> str:
    """'6 July 2026 – 7 July 2026' (months in full: CLDR's intervals abbreviate them)."""
    locale = babel_locale(language)
    first = format_date(start, "long", locale=locale)
    return first if start == end else f"{first} – {format_date(end, 'long', locale=locale)}"


def _day_hours(event: Event, day: date) -> tuple[datetime, datetime] | None:
    """The first start and last end of the day's sessions, in the event's time zone."""
    zone = ZoneInfo(event.timezone)
    times = [
        (session.starts_at.astimezone(zone), session.ends_at.astimezone(zone))
        for session in event.sessions
        if session.starts_at.astimezone(zone).date() == day
    ]
    if not times:
        return None
    return min(start for start, _ in times), max(end for _, end in times)


def event_calendar(
    event: Event,
    language: str,
    *,
    days: Iterable[date] | None = None,
    badge_number: str | None = None,
) -> bytes:
    """An iCalendar file of the event's days (or those given), timed by the day's sessions.

    Days with sessions are timed in the event's own time zone (with its VTIMEZONE); days
    without are whole-day entries, so a calendar in another zone still shows the right date.
    """
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "plenary.localhost"
    wanted = sorted(set(days)) if days else event.days()
    wanted = [day for day in wanted if event.starts_on <= day <= event.ends_on] or event.days()
    title = event.title_in(language)
    location = event.place_in(language)
    calendar = Calendar()
    calendar.add("prodid", "-//Plenary//Registration//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", title)
    for day in wanted:
        entry = CalendarEntry()
        who = badge_number or "event"
        entry.add("uid", f"{event.slug}-{day.isoformat()}-{who}@{domain}")
        entry.add("summary", title)
        if location:
            entry.add("location", location)
        hours = _day_hours(event, day)
        if hours is None:
            entry.add("dtstart", day)
            entry.add("dtend", day + timedelta(days=1))
        else:
            entry.add("dtstart", hours[0])
            entry.add("dtend", hours[1])
        entry.add("dtstamp", datetime.now(ZoneInfo("UTC")))
        if badge_number:
            entry.add("description", f"Badge {badge_number}")
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
