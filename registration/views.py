"""Public pages of the event."""

from __future__ import annotations

from flask import abort, render_template

from . import bp, operations


@bp.get("/")
def event_home():
    event = operations.current_event()
    return render_template(
        "registration/event_home.html",
        event=event,
        registration_open=event is not None and operations.registration_is_open(event),
    )


@bp.get("/events/<slug>")
def event_show(slug: str):
    event = operations.event_by_slug(slug)
    if event is None:
        abort(404)
    return render_template(
        "registration/event_home.html",
        event=event,
        registration_open=operations.registration_is_open(event),
    )
