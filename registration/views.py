"""Public pages of the event, and the Secretariat's screens that edit events."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from plenary.auth import admin_required, personal_link, public, staff_required
from plenary.extensions import db, limiter
from plenary.forms import ConfirmForm
from plenary.links import LinkExpired, LinkInvalid, read_token
from plenary.models import Country, Event, EventSession, LinkedEvent, Organisation
from plenary.signals import invitation_link_opened

from . import bp, events, operations
from .forms import (
    AnswerForm,
    EventForm,
    LinkedEventForm,
    SessionForm,
    event_form,
    linked_event_form,
    session_form,
    session_kind_choices,
)

# The purpose of the personal links that circulars carry (see invitations.notifications).
INVITATION_LINK = "invitation"


@bp.get("/")
@public
def event_home():
    event = operations.current_event()
    return render_template(
        "registration/event_home.html",
        event=event,
        registration_open=event is not None and operations.registration_is_open(event),
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


@bp.route("/delegation/<token>", methods=["GET", "POST"])
@personal_link(INVITATION_LINK)
@limiter.limit("60 per minute")
def delegation_answer(token: str):
    """The focal point's page, reached by the personal link of the circular."""
    try:
        payload = read_token(INVITATION_LINK, token)
    except LinkExpired:
        return render_template("auth/link_invalid.html", expired=True), 410
    except LinkInvalid:
        return render_template("auth/link_invalid.html", expired=False), 404
    if not payload.get("invitation"):  # previews once signed links for invitation 0
        return render_template("auth/link_invalid.html", expired=False), 404
    event = db.session.get(Event, payload.get("event"))
    country = db.session.get(Country, payload["country"]) if payload.get("country") else None
    organisation = (
        db.session.get(Organisation, payload["organisation"])
        if payload.get("organisation")
        else None
    )
    if event is None or (country is None) == (organisation is None):
        return render_template("auth/link_invalid.html", expired=False), 404
    party = country.name() if country is not None else organisation.name()
    actor = f"focal point ({country.code if country is not None else organisation.acronym})"
    delegation = operations.delegation_for(
        event, country.id if country else None, organisation.id if organisation else None
    )
    form = AnswerForm()
    if request.method == "GET":
        invitation_link_opened.send(current_app._get_current_object(), payload=payload)
        db.session.commit()
        form = AnswerForm(
            data={
                "participation": {"declined": "no"}.get(delegation.state.value)
                or ("yes" if delegation.answered else None),
                "head_level": delegation.head_level.value if delegation.head_level else "",
                "speaking_request": delegation.speaking_request,
                "focal_point_name": delegation.focal_point_name,
                "focal_point_email": delegation.focal_point_email,
                "comment": delegation.comment,
            }
        )
    elif form.validate_on_submit():
        operations.record_answer(
            delegation,
            participates=form.participation.data == "yes",
            actor=actor,
            head_level=form.head_level.data,
            speaking_request=form.speaking_request.data,
            focal_point_name=form.focal_point_name.data,
            focal_point_email=form.focal_point_email.data or "",
            comment=form.comment.data,
        )
        db.session.commit()
        flash(_("Thank you. The Secretariat has received your answer."), "success")
        return redirect(url_for("registration.delegation_answer", token=token))
    status = 400 if request.method == "POST" else 200
    page = render_template(
        "registration/delegation_answer.html", form=form, event=event, party=party,
        delegation=delegation,
    )  # fmt: skip
    return page, status


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
        confirm=ConfirmForm(),
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
    form = SessionForm(event=event) if request.method == "POST" else session_form(event, item)
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
