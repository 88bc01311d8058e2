"""Public pages of the event, and the Secretariat's screens that edit events."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from plenary.auth import admin_required, public, staff_required
from plenary.extensions import db
from plenary.forms import ConfirmForm
from plenary.models import Event, EventSession, LinkedEvent

from . import bp, events, operations
from .forms import (
    EventForm,
    LinkedEventForm,
    SessionForm,
    event_form,
    linked_event_form,
    session_form,
    session_kind_choices,
)


@bp.get("/")
@public
def event_home():
    event = operations.current_event()
    return render_template(
        "registration/event_home.html",
        event=event,
        registration_open=event is not None and operations.registration_is_open(event),
        demo_events=operations.open_demo_events(),
    )


@bp.get("/events/<slug>")
@public
def event_show(slug: str):
    event = operations.event_by_slug(slug)
    if event is None:
        abort(404)
    return render_template(
        "registration/event_home.html",
        event=event,
        registration_open=operations.registration_is_open(event),
    )


# --- the Secretariat's event editor ---------------------------------------------------------


def _event_or_404(event_id: int) -> Event:
    event = events.event_for_editing(event_id)
    if event is None:
        abort(404)
    return event


def _event_page(form: EventForm, event: Event | None):
    page = render_template(
        "registration/event_form.html",
        form=form,
        event=event,
        session_kinds={choice.value: choice.label for choice in session_kind_choices()},
    )
    return page, 400 if form.is_submitted() else 200


@bp.get("/secretariat/events")
@staff_required
def event_list():
    return render_template("registration/event_list.html", events=events.all_events())


@bp.route("/secretariat/events/new", methods=["GET", "POST"])
@admin_required
def event_create():
    form = EventForm()
    if form.validate_on_submit():
        try:
            event = events.create_event(form.details(), current_user)
        except events.EventError as error:
            error.attach(form)
        else:
            db.session.commit()
            flash(
                _("%(title)s is created; now add its programme.", title=event.title_in()), "success"
            )
            return redirect(url_for("registration.event_edit", event_id=event.id))
    return _event_page(form, None)


@bp.route("/secretariat/events/<int:event_id>/edit", methods=["GET", "POST"])
@staff_required
def event_edit(event_id: int):
    event = _event_or_404(event_id)
    form = EventForm() if request.method == "POST" else event_form(event)
    if form.validate_on_submit():
        try:
            changes = events.update_event(event, form.details(), current_user)
        except events.EventError as error:
            error.attach(form)
            event = _event_or_404(event_id)  # read afresh: a refused save may have rolled back
        else:
            db.session.commit()
            flash(_("Saved.") if changes else _("Nothing changed."), "success")
            return redirect(url_for("registration.event_list"))
    return _event_page(form, event)


@bp.post("/secretariat/events/<int:event_id>/delete")
@admin_required
def event_delete(event_id: int):
    event = _event_or_404(event_id)
    if ConfirmForm().validate_on_submit():
        title = event.title_in()
        try:
            events.delete_event(event, current_user)
        except events.EventInUse:
            message = _(
                "%(title)s has circulars or delegations: unpublish it instead.", title=title
            )
            flash(message, "error")
            return redirect(url_for("registration.event_edit", event_id=event_id))
        db.session.commit()
        flash(_("%(title)s is deleted.", title=title), "success")
    return redirect(url_for("registration.event_list"))


def _part_of(event: Event, model: type, item_id: int | None):
    """The session or linked event of this event with this id (None for a new one)."""
    if item_id is None:
        return None
    item = db.session.get(model, item_id)
    if item is None or item.event_id != event.id:
        abort(404)
    return item


def _back_to_event(event: Event):
    return redirect(url_for("registration.event_edit", event_id=event.id, _anchor="programme"))


@bp.route("/secretariat/events/<int:event_id>/sessions/new", methods=["GET", "POST"])
@bp.route("/secretariat/events/<int:event_id>/sessions/<int:session_id>", methods=["GET", "POST"])
@staff_required
def session_edit(event_id: int, session_id: int | None = None):
    event = _event_or_404(event_id)
    item = _part_of(event, EventSession, session_id)
    form = (
        SessionForm(event=event, item=item)
        if request.method == "POST"
        else session_form(event, item)
    )
    if form.validate_on_submit():
        events.save_session(event, item, form.details(), current_user)
        db.session.commit()
        flash(_("The session is saved."), "success")
        return _back_to_event(event)
    page = render_template(
        "registration/session_form.html", form=form, event=event, item=item, linked=False
    )
    return page, 400 if form.is_submitted() else 200


@bp.post("/secretariat/events/<int:event_id>/sessions/<int:session_id>/delete")
@staff_required
def session_delete(event_id: int, session_id: int):
    event = _event_or_404(event_id)
    item = _part_of(event, EventSession, session_id)
    if ConfirmForm().validate_on_submit():
        events.delete_session(event, item, current_user)
        db.session.commit()
        flash(_("The session is removed from the programme."), "success")
    return _back_to_event(event)


@bp.route("/secretariat/events/<int:event_id>/linked/new", methods=["GET", "POST"])
@bp.route("/secretariat/events/<int:event_id>/linked/<int:linked_id>", methods=["GET", "POST"])
@staff_required
def linked_event_edit(event_id: int, linked_id: int | None = None):
    event = _event_or_404(event_id)
    linked = _part_of(event, LinkedEvent, linked_id)
    form = LinkedEventForm() if request.method == "POST" else linked_event_form(linked)
    if form.validate_on_submit():
        events.save_linked_event(event, linked, form.details(), current_user)
        db.session.commit()
        flash(_("The linked event is saved."), "success")
        return _back_to_event(event)
    page = render_template(
        "registration/session_form.html", form=form, event=event, item=linked, linked=True
    )
    return page, 400 if form.is_submitted() else 200


@bp.post("/secretariat/events/<int:event_id>/linked/<int:linked_id>/delete")
@staff_required
def linked_event_delete(event_id: int, linked_id: int):
    event = _event_or_404(event_id)
    linked = _part_of(event, LinkedEvent, linked_id)
    if ConfirmForm().validate_on_submit():
        events.delete_linked_event(event, linked, current_user)
        db.session.commit()
        flash(_("The linked event is removed."), "success")
    return _back_to_event(event)
