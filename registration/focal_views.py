"""The focal point's pages, reached through the personal link: one State's delegation only."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from plenary.auth import personal_link
from plenary.extensions import db, limiter
from plenary.forms import ConfirmForm
from plenary.invitations.models import Addressee
from plenary.models import EventSession
from plenary.signals import invitation_link_opened

from . import bp, delegations, files, side_events
from .access import (
    DELEGATION_LOADS,
    INVITATION_LINK,
    FocalPoint,
    LinkRefused,
    is_person_opening,
    open_link,
)
from .errors import RegistrationError, StaleAnswer, StaleDelegate
from .focal_forms import DelegateForm, IntentForm, NoteVerbaleForm, ReasonForm
from .models import Delegate, Delegation, DelegationState, SideEventPlace

FOCAL_LIMIT = "60 per minute"
# How many links' openings a browser session remembers (reloads are not new openings).
REMEMBERED_OPENINGS = 20


def link_problem_page(problem, status: int):
    return render_template("registration/link_problem.html", problem=problem.value), status


def focal_point_page(view):
    """Resolve the personal link to its focal point, or show why it no longer works."""

    @wraps(view)
    def wrapper(token: str, **kwargs):
        try:
            focal = open_link(token)
        except LinkRefused as refused:
            return link_problem_page(refused.problem, refused.status)
        return view(focal, **kwargs)

    return wrapper


def _delegation(focal: FocalPoint, *, changes: bool = False) -> Delegation | None:
    """The State's delegation with its members (and its recorded changes, for the page that
    lists them), in a fixed number of queries: none more while the one read with the link
    is fresh."""
    delegation = focal.delegation
    if not focal.fresh():
        delegation = delegations.find_delegation(
            focal.event.id, focal.country_id, focal.organisation_id, options=DELEGATION_LOADS
        )
    if delegation is not None and changes:
        # Read here, not by the template: one statement, and each change's delegate is one
        # of the members already read.
        _ = delegation.changes
    return delegation


def _ensure(focal: FocalPoint) -> Delegation:
    if focal.delegation is None or not focal.fresh():
        focal.delegation = delegations.ensure_delegation(
            focal.event, focal.country_id, focal.organisation_id
        )
    return focal.delegation


def _delegate_of(delegation: Delegation | None, delegate_id: int) -> Delegate:
    """A delegate of this delegation; any other id is not found, whoever it belongs to."""
    delegate = db.session.get(Delegate, delegate_id) if 0 < delegate_id < 2**31 else None
    if delegation is None or delegate is None or delegate.delegation_id != delegation.id:
        abort(404)
    return delegate


def _context(focal: FocalPoint, delegation: Delegation | None, **extra):
    event = focal.event
    answered_by = (
        db.session.get(Addressee, delegation.answered_by_addressee_id)
        if delegation is not None and delegation.answered_by_addressee_id
        else None
    )
    return {
        "focal": focal,
        "event": event,
        "party": focal.party_name(),
        "delegation": delegation,
        "answered_by": answered_by,
        "editable": delegations.registration_is_open(event),
        "circular": focal.invitation.circular,
        "token": focal.token,
        **extra,
    }


def _remember_opening(focal: FocalPoint) -> None:
    """Count a person's first visit in this browser session; not scanners, not reloads."""
    if not is_person_opening(request):
        return
    opened = [i for i in session.get("opened", []) if isinstance(i, int)]
    if focal.invitation.id in opened:
        return
    session["opened"] = [*opened[-(REMEMBERED_OPENINGS - 1) :], focal.invitation.id]
    invitation_link_opened.send(
        current_app._get_current_object(), payload={"invitation": focal.invitation.id}
    )
    db.session.commit()


def _refused(error: RegistrationError, form=None) -> None:
    """Roll back what the refused operation began; the message goes to its field or the page."""
    db.session.rollback()
    if form is None or not error.attach(form):
        flash(error.message, "error")


def _back(focal: FocalPoint, endpoint: str = "registration.delegation_answer"):
    return redirect(url_for(endpoint, token=focal.token))


@bp.route("/delegation/<token>", methods=["GET", "POST"])
@personal_link(INVITATION_LINK)
@limiter.limit(FOCAL_LIMIT)
@focal_point_page
def delegation_answer(focal: FocalPoint):
    """The focal point's page: the State's answer (intent), and where the registration stands."""
    if request.method == "GET":
        delegation = _delegation(focal)
        form = IntentForm.of(delegation)
        page = render_template("registration/delegation_answer.html", form=form,
                               **_context(focal, delegation))  # fmt: skip
        # Once the page is rendered: counting the opening commits, which expires what it shows.
        _remember_opening(focal)
        return page
    status = 400
    form = IntentForm()
    if form.validate_on_submit():
        try:
            delegation = _ensure(focal)
            delegations.record_intent(
                delegation, form.intent(), actor=focal.actor,
                version=form.expected_version(), addressee_id=focal.addressee.id,
            )  # fmt: skip
        except StaleAnswer as error:
            _refused(error)
            status = 409
        except RegistrationError as error:
            _refused(error, form)
        else:
            composing = delegation.participates and delegation.state == DelegationState.DRAFT
            db.session.commit()
            flash(_("Thank you. The Secretariat has received your answer."), "success")
            if composing:
                return _back(focal, "registration.delegation_composition")
            return _back(focal)
    delegation = _delegation(focal)
    if status == 409:  # the answer as it now stands, for the person to start again from
        form = IntentForm.of(delegation)
    page = render_template("registration/delegation_answer.html", form=form,
                           **_context(focal, delegation))  # fmt: skip
    return page, status


@bp.get("/delegation/<token>/delegates")
@personal_link(INVITATION_LINK)
@limiter.limit(FOCAL_LIMIT)
@focal_point_page
def delegation_composition(focal: FocalPoint):
    """The delegation's members, the note verbale, and the submission."""
    delegation = _delegation(focal, changes=True)
    return render_template(
        "registration/delegation_composition.html",
        note_form=NoteVerbaleForm(),
        reason_form=ReasonForm(),
        **_context(focal, delegation),
    )


@bp.route("/delegation/<token>/delegates/new", methods=["GET", "POST"])
@bp.route("/delegation/<token>/delegates/<int:delegate_id>", methods=["GET", "POST"])
@personal_link(INVITATION_LINK)
@limiter.limit(FOCAL_LIMIT)
@focal_point_page
def delegate_edit(focal: FocalPoint, delegate_id: int | None = None):
    delegation = _delegation(focal)
    delegate = _delegate_of(delegation, delegate_id) if delegate_id is not None else None
    status = None
    if request.method == "POST":
        form = DelegateForm(event=focal.event)
    elif delegate is not None:
        form = DelegateForm.of(delegate, focal.event)
    else:
        all_days = [day.isoformat() for day in focal.event.days()]
        form = DelegateForm(event=focal.event, data={"days": all_days})
    if form.validate_on_submit():
        try:
            delegation = _ensure(focal)
            if delegate is None:
                delegate = delegations.add_delegate(delegation, form.details(), actor=focal.actor)
            else:
                delegations.update_delegate(delegate, form.details(), actor=focal.actor,
                                            seen=form.seen.data)  # fmt: skip
            if form.photo.data:
                stored = files.store_photo(form.photo.data, focal.actor)
                delegations.attach_photo(delegate, stored, actor=focal.actor)
        except StaleDelegate as error:
            _refused(error)
            delegate = db.session.get(Delegate, delegate_id)
            form, status = DelegateForm.of(delegate, focal.event), 409
        except RegistrationError as error:
            _refused(error, form)
            delegate = db.session.get(Delegate, delegate_id) if delegate_id else None
        else:
            name = delegate.full_name  # read before the commit expires it
            db.session.commit()
            flash(_("%(name)s is saved.", name=name), "success")
            return _back(focal, "registration.delegation_composition")
    page = render_template("registration/delegate_form.html", form=form, delegate=delegate,
                           **_context(focal, _delegation(focal)))  # fmt: skip
    return page, status or (400 if form.is_submitted() else 200)


def _delegate_action(focal: FocalPoint, delegate_id: int, action) -> object:
    delegation = _delegation(focal)
    delegate = _delegate_of(delegation, delegate_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            message = action(delegate, form.reason.data or "")
        except RegistrationError as error:
            _refused(error)
        else:
            db.session.commit()
            flash(message, "success")
    else:
        flash(_("The form has expired: try again."), "error")
    return _back(focal, "registration.delegation_composition")


@bp.post("/delegation/<token>/delegates/<int:delegate_id>/remove")
@personal_link(INVITATION_LINK)
@limiter.limit(FOCAL_LIMIT)
@focal_point_page
def delegate_remove(focal: FocalPoint, delegate_id: int):
    def remove(delegate: Delegate, reason: str):
        name = delegate.full_name
        delegations.remove_delegate(delegate, actor=focal.actor)
        return _("%(name)s is no longer in the delegation.", name=name)

    return _delegate_action(focal, delegate_id, remove)


@bp.post("/delegation/<token>/delegates/<int:delegate_id>/accept")
@personal_link(INVITATION_LINK)
@limiter.limit(FOCAL_LIMIT)
@focal_point_page
def delegate_accept(focal: FocalPoint, delegate_id: int):
    def accept(delegate: Delegate, reason: str):
        delegations.accept_self_registration(delegate, actor=focal.actor)
        return _("%(name)s is now in the delegation.", name=delegate.full_name)

    return _delegate_action(focal, delegate_id, accept)


@bp.post("/delegation/<token>/delegates/<int:delegate_id>/decline")
@personal_link(INVITATION_LINK)
@limiter.limit(FOCAL_LIMIT)
@focal_point_page
def delegate_decline(focal: FocalPoint, delegate_id: int):
    def decline(delegate: Delegate, reason: str):
        delegations.decline_self_registration(delegate, actor=focal.actor, reason=reason)
        return _("The registration of %(name)s is declined.", name=delegate.full_name)

    return _delegate_action(focal, delegate_id, decline)


@bp.post("/delegation/<token>/note-verbale")
@personal_link(INVITATION_LINK)
@limiter.limit(FOCAL_LIMIT)
@focal_point_page
def note_verbale_upload(focal: FocalPoint):
    form = NoteVerbaleForm()
    if form.validate_on_submit():
        try:
            delegation = _ensure(focal)
            stored = files.store_pdf(form.note_verbale.data, focal.actor)
            delegations.attach_note_verbale(delegation, stored, actor=focal.actor)
        except RegistrationError as error:
            _refused(error)
        else:
            db.session.commit()
            flash(_("The note verbale is uploaded."), "success")
    else:
        flash(_("The form has expired: try again."), "error")
    return _back(focal, "registration.delegation_composition")


@bp.get("/delegation/<token>/files/<int:file_id>")
@personal_link(INVITATION_LINK)
@limiter.limit(FOCAL_LIMIT)
@focal_point_page
def delegation_file(focal: FocalPoint, file_id: int):
    """A file of this delegation only: its note verbale or a delegate's photograph."""
    delegation = _delegation(focal)
    if delegation is None:
        abort(404)
    own = [delegation.note_verbale, *(d.photo for d in delegation.delegates)]
    stored = next((f for f in own if f is not None and f.id == file_id), None)
    if stored is None:
        abort(404)
    return files.download(stored)


@bp.post("/delegation/<token>/submit")
@personal_link(INVITATION_LINK)
@limiter.limit(FOCAL_LIMIT)
@focal_point_page
def delegation_submit(focal: FocalPoint):
    if ConfirmForm().validate_on_submit():
        try:
            delegations.submit_delegation(_ensure(focal), actor=focal.actor)
        except RegistrationError as error:
            _refused(error)
        else:
            db.session.commit()
            flash(_("Your delegation is submitted. The Secretariat will confirm it."), "success")
    return _back(focal, "registration.delegation_composition")


@bp.post("/delegation/<token>/cancel")
@personal_link(INVITATION_LINK)
@limiter.limit(FOCAL_LIMIT)
@focal_point_page
def delegation_cancel(focal: FocalPoint):
    form = ReasonForm()
    delegation = _delegation(focal)
    if delegation is not None and form.validate_on_submit():
        try:
            delegations.cancel_delegation(delegation, actor=focal.actor,
                                          reason=form.reason.data or "")  # fmt: skip
        except RegistrationError as error:
            _refused(error)
        else:
            db.session.commit()
            flash(_("Your delegation is cancelled."), "success")
    return _back(focal, "registration.delegation_composition")


@bp.post("/delegation/<token>/reopen")
@personal_link(INVITATION_LINK)
@limiter.limit(FOCAL_LIMIT)
@focal_point_page
def delegation_reopen(focal: FocalPoint):
    delegation = _delegation(focal)
    if delegation is not None and ConfirmForm().validate_on_submit():
        try:
            delegations.reopen_delegation(delegation, actor=focal.actor)
        except RegistrationError as error:
            _refused(error)
        else:
            db.session.commit()
            flash(_("Your delegation is open again: add its members and submit it."), "success")
    return _back(focal, "registration.delegation_composition")


@bp.get("/delegation/<token>/side-events")
@personal_link(INVITATION_LINK)
@limiter.limit(FOCAL_LIMIT)
@focal_point_page
def side_event_list(focal: FocalPoint):
    delegation = _delegation(focal)
    sessions = side_events.side_events(focal.event.id)
    people = [d for d in (delegation.delegates if delegation else []) if d.counted]
    places = side_events.places_of(people)
    return render_template(
        "registration/side_events.html", sessions=sessions, people=people, places=places,
        waiting_position=side_events.waiting_position, refusal=side_events.refusal,
        **_context(focal, delegation),
    )  # fmt: skip


@bp.post("/delegation/<token>/side-events/<int:session_id>/<int:delegate_id>")
@personal_link(INVITATION_LINK)
@limiter.limit(FOCAL_LIMIT)
@focal_point_page
def side_event_place(focal: FocalPoint, session_id: int, delegate_id: int):
    """Sign a delegate up for a side event, or give up their place (the form says which)."""
    delegation = _delegation(focal)
    delegate = _delegate_of(delegation, delegate_id)
    item = db.session.get(EventSession, session_id) if 0 < session_id < 2**31 else None
    if item is None or item.event_id != focal.event.id or item.capacity is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            if request.form.get("place_action") == "cancel":
                place = db.session.scalar(
                    db.select(SideEventPlace).filter_by(session_id=item.id, delegate_id=delegate.id)
                )
                if place is None or place.state.value == "cancelled":
                    raise RegistrationError(
                        _("%(name)s has no place or turn to give up.", name=delegate.full_name)
                    )
                delegations.check_window(focal.event, None)
                side_events.cancel_place(place, actor=focal.actor)
                message = _("The place is given up.")
            else:
                place = side_events.sign_up(item, delegate, actor=focal.actor)
                message = (
                    _("%(name)s has a place.", name=delegate.full_name)
                    if place.state.value == "confirmed"
                    else _(
                        "The event is full. On the waiting list: %(name)s.",
                        name=delegate.full_name,
                    )
                )
        except RegistrationError as error:
            _refused(error)
        else:
            db.session.commit()
            flash(message, "success")
    else:
        flash(_("The form had expired. Please go back, reload it and try again."), "error")
    return _back(focal, "registration.side_event_list")
