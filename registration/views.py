"""Public pages of the event."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from plenary.extensions import db, limiter
from plenary.links import LinkExpired, LinkInvalid, read_token
from plenary.models import Country, Event, Organisation
from plenary.signals import invitation_link_opened

from . import bp, operations
from .forms import AnswerForm

# The purpose of the personal links that circulars carry (see invitations.notifications).
INVITATION_LINK = "invitation"


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


@bp.route("/delegation/<token>", methods=["GET", "POST"])
@limiter.limit("60 per minute")
def delegation_answer(token: str):
    """The focal point's page, reached by the personal link of the circular."""
    try:
        payload = read_token(INVITATION_LINK, token)
    except LinkExpired:
        return render_template("auth/link_invalid.html", expired=True), 410
    except LinkInvalid:
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
