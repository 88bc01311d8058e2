"""The Secretariat's review of registrations: queue, decisions, changes, speakers, exports.

Every route is staff-only; a delegation or delegate is looked up within the event of the
URL, so that no id from another event opens anything.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from plenary.auth import staff_required
from plenary.countries import REGIONS, region_label
from plenary.extensions import db
from plenary.forms import ConfirmForm
from plenary.inputs import page_number
from plenary.models import AuditEntry, Event

from . import bp, decisions, delegations, exports, files, mailing, reminders, review, speakers
from .errors import RegistrationError
from .forms import HEAD_LEVELS
from .models import Delegate, DelegateState, Delegation, DelegationState
from .review_forms import DelegateEditForm, DelegationEditForm, RejectForm, SpeakerMoveForm
from .visa import render_visa_letter_pdf, visa_filename

PREFIX = "/secretariat/events/<int:event_id>"
DATES = ("passport_expires_on", "date_of_birth")  # left empty: None, not ""


def _event(event_id: int) -> Event:
    return db.get_or_404(Event, event_id)


def _delegation(event: Event, delegation_id: int) -> Delegation:
    delegation = db.session.scalar(
        select(Delegation)
        .where(Delegation.id == delegation_id, Delegation.event_id == event.id)
        .options(
            joinedload(Delegation.country),
            joinedload(Delegation.organisation),
            selectinload(Delegation.delegates),
            selectinload(Delegation.changes),
        )
    )
    if delegation is None:
        abort(404)
    return delegation


def _delegate(event: Event, delegate_id: int) -> Delegate:
    delegate = db.session.get(Delegate, delegate_id)
    if delegate is None or delegate.event_id != event.id:
        abort(404)
    return delegate


def _text(value):
    """A form's value, with a field left out of the post read as empty text."""
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value


@bp.get(f"{PREFIX}/delegations")
@staff_required
def review_list(event_id: int):
    event = _event(event_id)
    filters = review.ReviewFilters.from_args(request.args)
    queue = review.review_queue(event, filters, page_number())
    return render_template(
        "registration/review_list.html", event=event, queue=queue, filters=filters,
        states=list(DelegationState), levels=HEAD_LEVELS,
        regions=[(region, region_label(region)) for region in REGIONS], confirm=ConfirmForm(),
    )  # fmt: skip


def _show(event, delegation, *, reject=None, edit=None, status=200):
    audit_entries = db.session.scalars(
        select(AuditEntry)
        .where(
            or_(
                and_(
                    AuditEntry.object_type == "delegation",
                    AuditEntry.object_id == str(delegation.id),
                ),
                and_(
                    AuditEntry.object_type == "delegate",
                    AuditEntry.object_id.in_([str(person.id) for person in delegation.delegates]),
                ),
            )
        )
        .order_by(AuditEntry.id.desc())
        .limit(200)
    ).all()
    edit = edit or DelegationEditForm(
        data={
            **{name: getattr(delegation, name) for name in decisions.DELEGATION_FIELDS},
            "head_level": delegation.head_level.value if delegation.head_level else "",
        }
    )
    page = render_template(
        "registration/review_delegation.html", event=event, delegation=delegation,
        reject=reject or RejectForm(), edit=edit,
        delegate_reject=RejectForm(prefix="delegate"), delegate_cancel=RejectForm(prefix="cancel"),
        audit_entries=audit_entries,
        missing=reminders.missing_items(delegation),
    )  # fmt: skip
    return page, status


@bp.get(f"{PREFIX}/delegations/<int:delegation_id>")
@staff_required
def review_delegation(event_id: int, delegation_id: int):
    event = _event(event_id)
    return _show(event, _delegation(event, delegation_id))


def _back(event: Event, delegation_id: int):
    return redirect(
        url_for("registration.review_delegation", event_id=event.id, delegation_id=delegation_id)
    )


@bp.post(f"{PREFIX}/delegations/<int:delegation_id>/approve")
@staff_required
def review_delegation_approve(event_id: int, delegation_id: int):
    event = _event(event_id)
    delegation = _delegation(event, delegation_id)
    if ConfirmForm().validate_on_submit():
        try:
            approved = delegations.approve_delegation(delegation, current_user)
        except RegistrationError as refusal:
            db.session.rollback()
            flash(str(refusal.message), "error")
        else:
            db.session.commit()
            flash(_("The delegation is approved; %(count)d confirmations are on their way.",
                    count=len(approved)), "success")  # fmt: skip
    return _back(event, delegation_id)


@bp.post(f"{PREFIX}/delegations/<int:delegation_id>/reject")
@staff_required
def review_delegation_reject(event_id: int, delegation_id: int):
    event = _event(event_id)
    delegation = _delegation(event, delegation_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _show(event, delegation, reject=form, status=400)
    try:
        delegations.reject_delegation(delegation, current_user, form.reason.data.strip())
    except RegistrationError as refusal:
        db.session.rollback()
        flash(str(refusal.message), "error")
    else:
        db.session.commit()
        flash(_("The delegation is rejected; its focal point is told why."), "success")
    return _back(event, delegation_id)


@bp.post(f"{PREFIX}/delegations/<int:delegation_id>/edit")
@staff_required
def review_delegation_update(event_id: int, delegation_id: int):
    event = _event(event_id)
    delegation = _delegation(event, delegation_id)
    form = DelegationEditForm()
    if not form.validate_on_submit():
        return _show(event, delegation, edit=form, status=400)
    values = {name: _text(getattr(form, name).data) for name in decisions.DELEGATION_FIELDS}
    values["head_level"] = values["head_level"] or None
    values["focal_point_email"] = (values["focal_point_email"] or "").strip().lower()
    changed = decisions.update_delegation(delegation, current_user, form.reason.data, **values)
    db.session.commit()
    flash(_("Saved.") if changed else _("Nothing changed."), "success" if changed else "info")
    return _back(event, delegation_id)


@bp.post(f"{PREFIX}/delegates/<int:delegate_id>/approve")
@staff_required
def review_delegate_approve(event_id: int, delegate_id: int):
    event = _event(event_id)
    delegate = _delegate(event, delegate_id)
    if ConfirmForm().validate_on_submit():
        try:
            delegations.approve_delegate(delegate, current_user)
        except RegistrationError as refusal:
            db.session.rollback()
            flash(str(refusal.message), "error")
        else:
            db.session.commit()
            flash(_("%(name)s is approved; the confirmation is on its way.",
                    name=delegate.display_name), "success")  # fmt: skip
    return _back(event, delegate.delegation_id)


@bp.post(f"{PREFIX}/delegates/<int:delegate_id>/reject")
@staff_required
def review_delegate_reject(event_id: int, delegate_id: int):
    event = _event(event_id)
    delegate = _delegate(event, delegate_id)
    form = RejectForm(prefix="delegate")
    if not form.validate_on_submit():
        flash(_("Give the reason for the rejection."), "error")
        return _back(event, delegate.delegation_id)
    if not form.reason.data.strip():
        flash(_("Give the reason for the rejection."), "error")
        return _back(event, delegate.delegation_id)
    try:
        delegations.reject_delegate(delegate, current_user, form.reason.data.strip())
    except RegistrationError as refusal:
        db.session.rollback()
        flash(str(refusal.message), "error")
    else:
        db.session.commit()
        flash(_("%(name)s is rejected.", name=delegate.display_name), "success")
    return _back(event, delegate.delegation_id)


@bp.post(f"{PREFIX}/delegates/<int:delegate_id>/accept")
@staff_required
def review_delegate_accept(event_id: int, delegate_id: int):
    """The Secretariat takes a self-registered national into the delegation, for its focal point."""
    event = _event(event_id)
    delegate = _delegate(event, delegate_id)
    if ConfirmForm().validate_on_submit():
        try:
            delegations.accept_self_registration(delegate, actor=current_user.email,
                                                 user=current_user)  # fmt: skip
        except RegistrationError as refusal:
            db.session.rollback()
            flash(str(refusal.message), "error")
        else:
            db.session.commit()
            flash(_("%(name)s is taken into the delegation.", name=delegate.display_name),
                  "success")  # fmt: skip
    return _back(event, delegate.delegation_id)


@bp.post(f"{PREFIX}/delegates/<int:delegate_id>/cancel")
@staff_required
def review_delegate_cancel(event_id: int, delegate_id: int):
    """Cancel one person's registration (their place and side-event places are freed)."""
    event = _event(event_id)
    delegate = _delegate(event, delegate_id)
    form = RejectForm(prefix="cancel")
    if not form.validate_on_submit():
        flash(_("Give the reason."), "error")
        return _back(event, delegate.delegation_id)
    try:
        delegations.cancel_delegate(delegate, actor=current_user.email, user=current_user,
                                    reason=form.reason.data.strip())  # fmt: skip
    except RegistrationError as refusal:
        db.session.rollback()
        flash(str(refusal.message), "error")
    else:
        db.session.commit()
        flash(_("%(name)s is cancelled.", name=delegate.display_name), "success")
    return _back(event, delegate.delegation_id)


@bp.route(f"{PREFIX}/delegates/<int:delegate_id>/edit", methods=["GET", "POST"])
@staff_required
def review_delegate_edit(event_id: int, delegate_id: int):
    event = _event(event_id)
    delegate = _delegate(event, delegate_id)
    form = DelegateEditForm(
        data={name: getattr(delegate, name) for name in decisions.DELEGATE_FIELDS}
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        values = {
            name: getattr(form, name).data if name in DATES else _text(getattr(form, name).data)
            for name in decisions.DELEGATE_FIELDS
        }
        try:
            changed = decisions.update_delegate(delegate, current_user, form.reason.data, **values)
            db.session.commit()
        except decisions.DuplicateValue as refusal:
            db.session.rollback()
            form.email.errors.append(str(refusal.message))
        except IntegrityError:  # a concurrent change took the email or the head's role
            db.session.rollback()
            form.email.errors.append(_("Another registration took this email or role meanwhile."))
        else:
            flash(_("Saved.") if changed else _("Nothing changed."), "success")
            return _back(event, delegate.delegation_id)
    page = render_template("registration/review_delegate.html", event=event, delegate=delegate,
                           form=form)  # fmt: skip
    return page, 400 if form.is_submitted() else 200


@bp.post(f"{PREFIX}/delegations/<int:delegation_id>/remind")
@staff_required
def review_delegation_remind(event_id: int, delegation_id: int):
    event = _event(event_id)
    delegation = _delegation(event, delegation_id)
    if ConfirmForm().validate_on_submit():
        missing = reminders.missing_items(delegation)
        if not missing:
            flash(_("This delegation lacks nothing: no reminder sent."), "info")
        elif not reminders.not_reminded_lately([(delegation, missing)])[0]:
            db.session.rollback()
            flash(_("A reminder went to this delegation less than an hour ago."), "info")
        elif reminders.remind([(delegation, missing)], current_user.email, current_user):
            db.session.commit()
            flash(_("The reminder is on its way."), "success")
        else:
            flash(_("This delegation has no focal point's address."), "error")
    return _back(event, delegation_id)


@bp.post(f"{PREFIX}/reminders")
@staff_required
def reminders_send(event_id: int):
    """Remind every incomplete delegation among those the queue's filters show."""
    event = _event(event_id)
    filters = review.ReviewFilters.from_args(request.form)
    if ConfirmForm().validate_on_submit():
        ids = review.filtered_delegation_ids(event, filters)
        due, lately = reminders.not_reminded_lately(reminders.incomplete_delegations(event, ids))
        sent = reminders.remind(due, current_user.email, current_user)
        db.session.commit()
        flash(_("%(count)d reminders queued.", count=sent), "success")
        if lately:
            flash(_("Not sent again to the delegations reminded less than an hour ago: "
                    "%(count)d.", count=lately), "info")  # fmt: skip
    return redirect(url_for("registration.review_list", event_id=event.id, **filters.as_args()))


@bp.get(f"{PREFIX}/speakers")
@staff_required
def speaker_list(event_id: int):
    event = _event(event_id)
    return render_template(
        "registration/speaker_list.html", event=event, speakers=speakers.speakers(event),
        moves=speakers.moves(event), form=SpeakerMoveForm(),
        levels=HEAD_LEVELS,
    )  # fmt: skip


@bp.post(f"{PREFIX}/speakers/<int:delegation_id>/move")
@staff_required
def speaker_move(event_id: int, delegation_id: int):
    event = _event(event_id)
    form = SpeakerMoveForm()
    if form.validate_on_submit():
        try:
            speakers.move_speaker(event, delegation_id, form.position.data, form.reason.data,
                                  current_user)  # fmt: skip
        except speakers.MoveRefused as refusal:
            db.session.rollback()
            flash(str(refusal.message), "error")
        else:
            db.session.commit()
            flash(_("The speakers list is reordered."), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("registration.speaker_list", event_id=event.id))


@bp.post(f"{PREFIX}/speakers/reset")
@staff_required
def speaker_reset(event_id: int):
    event = _event(event_id)
    if ConfirmForm().validate_on_submit():
        speakers.reset_order(event, current_user)
        db.session.commit()
        flash(_("The speakers list is back in order of level, then date of request."), "success")
    return redirect(url_for("registration.speaker_list", event_id=event.id))


@bp.get(f"{PREFIX}/delegations/<int:delegation_id>/note-verbale")
@staff_required
def review_note_verbale(event_id: int, delegation_id: int):
    delegation = _delegation(_event(event_id), delegation_id)
    if delegation.note_verbale is None:
        abort(404)
    return files.download(delegation.note_verbale)


@bp.get(f"{PREFIX}/delegates/<int:delegate_id>/photo")
@staff_required
def review_delegate_photo(event_id: int, delegate_id: int):
    delegate = _delegate(_event(event_id), delegate_id)
    if delegate.photo is None:
        abort(404)
    return files.download(delegate.photo)


@bp.get(f"{PREFIX}/delegates/<int:delegate_id>/visa-letter.pdf")
@staff_required
def review_visa_letter(event_id: int, delegate_id: int):
    """The visa support letter as the delegate receives it, for an approved delegate."""
    delegate = _delegate(_event(event_id), delegate_id)
    if delegate.state != DelegateState.APPROVED or not delegate.badge_number:
        abort(404)
    response = Response(render_visa_letter_pdf(mailing.visa_facts(delegate)),
                        mimetype="application/pdf")  # fmt: skip
    response.headers.set("Content-Disposition", "attachment",
                         filename=visa_filename(delegate.badge_number))  # fmt: skip
    return response


@bp.get(f"{PREFIX}/exports/<kind>.<file_format>")
@staff_required
def registration_export(event_id: int, kind: str, file_format: str):
    event = _event(event_id)
    if kind not in exports.KINDS or file_format not in exports.FORMATS:
        abort(404)
    content, mimetype, filename = exports.export(event, kind, file_format)
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
