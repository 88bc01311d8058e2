"""Pages anyone may open: ask for a new personal link, register oneself under one's country;
and the Secretariat's control of a personal link (reissue, withdraw)."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from plenary import audit
from plenary.auth import public, staff_required
from plenary.extensions import db, limiter
from plenary.forms import ConfirmForm
from plenary.i18n import current_language
from plenary.invitations.models import Addressee, Circular, Invitation
from plenary.models import Country, Event, OutboxMessage, utcnow

from . import bp, delegations, files, notifications, operations
from .errors import RegistrationError
from .focal_forms import LinkRequestForm, SelfRegistrationForm

# One new link per invitation in this time, however often it is asked for.
NEW_LINK_INTERVAL = timedelta(minutes=10)


def _live_invitations_for(email: str) -> list[Invitation]:
    """The latest live invitation of each active addressee using this email, for events to come."""
    addressees = db.session.scalars(
        select(Addressee).where(Addressee.active.is_(True), Addressee.email.is_not(None))
        .where(or_(Addressee.email == email, Addressee.other_emails.is_not(None)))
    ).all()  # fmt: skip
    found = []
    for addressee in addressees:
        if email not in [address.lower() for address in addressee.recipients]:
            continue
        invitation = db.session.scalar(
            select(Invitation)
            .join(Invitation.circular)
            .join(Circular.event)
            .where(
                Invitation.addressee_id == addressee.id,
                Invitation.withdrawn_at.is_(None),
                Event.published.is_(True),
                Event.ends_on >= utcnow().date(),
            )
            .order_by(Invitation.id.desc())
            .limit(1)
        )
        if invitation is not None:
            found.append(invitation)
    return found


def _recently_sent(invitation: Invitation) -> bool:
    return (
        db.session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.kind == "registration.new_link",
                OutboxMessage.subject_ref == f"invitation:{invitation.id}",
                OutboxMessage.created_at > utcnow() - NEW_LINK_INTERVAL,
            )
        )
        is not None
    )


@bp.route("/delegation/new-link", methods=["GET", "POST"])
@public
@limiter.limit("5 per minute; 30 per hour", methods=["POST"])
def link_request():
    """Ask for a new personal link; the answer never tells whether the address is known."""
    form = LinkRequestForm()
    if form.validate_on_submit():
        for invitation in _live_invitations_for(form.email.data):
            if not _recently_sent(invitation):
                notifications.enqueue_new_link(invitation, reissued=False)
                audit.record("invitation.link_requested", invitation, actor="site")
        db.session.commit()
        return render_template("registration/link_request.html", form=None, sent=True)
    page = render_template("registration/link_request.html", form=form, sent=False)
    return page, 400 if form.is_submitted() else 200


# --- self-registration -------------------------------------------------------------------------


def _country_choices() -> list[tuple[str, str]]:
    countries = db.session.scalars(select(Country).where(Country.member_state.is_(True))).all()
    return sorted(((str(c.id), c.name()) for c in countries), key=lambda choice: choice[1])


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@public
@limiter.limit("20 per minute", methods=["POST"])
def self_register(slug: str):
    """A person registers under their country; the country's focal point then decides."""
    event = operations.event_by_slug(slug)
    if event is None:
        abort(404)
    open_now = delegations.registration_is_open(event)
    days = [day.isoformat() for day in event.days()]
    form = SelfRegistrationForm(event=event)
    form.country.choices = [("", "—"), *_country_choices()]
    if not form.is_submitted():
        form.days.data = days
        form.language.data = current_language()  # the emails, in the language of the page
    if open_now and form.validate_on_submit():
        country_id = int(form.country.data) if form.country.data.isdigit() else None
        if country_id is None or db.session.get(Country, country_id) is None:
            form.country.errors.append(_("Choose your country."))
        else:
            try:
                delegate = delegations.self_register(event, country_id, form.details())
                if form.photo.data:
                    stored = files.store_photo(form.photo.data, "self-registration")
                    delegations.attach_photo(delegate, stored, actor="self-registration")
            except RegistrationError as error:
                db.session.rollback()
                if not error.attach(form):
                    flash(error.message, "error")
            else:
                db.session.commit()
                return redirect(url_for("registration.self_register_done", slug=event.slug))
    page = render_template("registration/self_register.html", form=form, event=event,
                           open_now=open_now)  # fmt: skip
    return page, 400 if form.is_submitted() else 200


@bp.get("/events/<slug>/register/done")
@public
def self_register_done(slug: str):
    event = operations.event_by_slug(slug)
    if event is None:
        abort(404)
    return render_template("registration/self_register_done.html", event=event)


# --- the Secretariat's control of a personal link ------------------------------------------------


def _invitation_or_404(invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id) if 0 < invitation_id < 2**31 else None
    if invitation is None:
        abort(404)
    return invitation


@bp.get("/secretariat/invitations/<int:invitation_id>/link")
@staff_required
def invitation_link(invitation_id: int):
    invitation = _invitation_or_404(invitation_id)
    return render_template("registration/invitation_link.html", invitation=invitation)


@bp.post("/secretariat/invitations/<int:invitation_id>/link/reissue")
@staff_required
def invitation_link_reissue(invitation_id: int):
    """A new link for the addressee; the old one stops working. It is emailed to them."""
    invitation = _invitation_or_404(invitation_id)
    if ConfirmForm().validate_on_submit():
        invitation.link_version += 1
        invitation.withdrawn_at = None
        notifications.enqueue_new_link(invitation, reissued=True)
        audit.record("invitation.link_reissue", invitation, user=current_user,
                     version=invitation.link_version)  # fmt: skip
        db.session.commit()
        flash(_("A new link is sent to the addressee; the earlier one no longer works."), "success")
    return redirect(url_for("registration.invitation_link", invitation_id=invitation.id))


@bp.post("/secretariat/invitations/<int:invitation_id>/link/withdraw")
@staff_required
def invitation_link_withdraw(invitation_id: int):
    invitation = _invitation_or_404(invitation_id)
    if ConfirmForm().validate_on_submit() and invitation.withdrawn_at is None:
        invitation.withdrawn_at = utcnow()
        audit.record("invitation.link_withdraw", invitation, user=current_user)
        db.session.commit()
        flash(_("The link no longer works."), "success")
    return redirect(url_for("registration.invitation_link", invitation_id=invitation.id))
