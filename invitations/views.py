"""The Secretariat's circular screens: list, editor, preview, approval, sending, follow-up."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from flask_login import current_user
from kombu.exceptions import OperationalError as BrokerUnavailable
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from plenary import audit, jobs, outbox, outbox_gate
from plenary.auth import staff_required
from plenary.extensions import db
from plenary.forms import ConfirmForm
from plenary.i18n import LANGUAGES, current_language
from plenary.inputs import id_number, page_number
from plenary.models import Event

from . import bp, directory, editor, letters, operations
from .forms import AnnexForm, CircularForm, ReminderForm
from .models import Addressee, Annex, Circular, CircularState, Invitation

PAGE_SIZE = 50
DISPATCH_TASK = "invitations.dispatch"


def _circular_or_404(circular_id: int) -> Circular:
    circular = db.session.get(
        Circular,
        circular_id,
        options=[selectinload(Circular.annexes), selectinload(Circular.event)],
    )
    if circular is None:
        abort(404)
    return circular


def _event_choices(form: CircularForm) -> None:
    events = db.session.scalars(select(Event).order_by(Event.starts_on.desc())).all()
    form.event_id.choices = [SelectChoice(event.id, event.title_in()) for event in events]


@bp.get("/circulars")
@staff_required
def circular_list():
    circulars = db.session.scalars(
        select(Circular).options(selectinload(Circular.event)).order_by(Circular.issued_on.desc())
    ).all()
    counts = dict(
        db.session.execute(
            select(Invitation.circular_id, func.count()).group_by(Invitation.circular_id)
        ).all()
    )
    return render_template("invitations/circular_list.html", circulars=circulars, counts=counts)


@bp.route("/circulars/new", methods=["GET", "POST"])
@staff_required
def circular_create():
    form = CircularForm()
    _event_choices(form)
    if form.validate_on_submit():
        try:
            circular = editor.create_circular(form, current_user)
        except editor.EditorError as error:
            error.attach(form)
        else:
            db.session.commit()
            flash(_("Draft %(reference)s saved.", reference=circular.reference), "success")
            return redirect(url_for("invitations.circular_show", circular_id=circular.id))
    status = 400 if request.method == "POST" else 200
    return render_template("invitations/circular_form.html", form=form, circular=None), status


@bp.route("/circulars/<int:circular_id>/edit", methods=["GET", "POST"])
@staff_required
def circular_edit(circular_id: int):
    circular = _circular_or_404(circular_id)
    if not circular.editable:
        flash(_("An approved circular can no longer be changed; write a corrigendum."), "error")
        return redirect(url_for("invitations.circular_show", circular_id=circular.id))
    form = CircularForm(obj=None) if request.method == "POST" else editor.form_for(circular)
    _event_choices(form)
    if form.validate_on_submit():
        try:
            editor.update_circular(circular, form, current_user)
        except editor.EditorError as error:
            error.attach(form)
        else:
            db.session.commit()
            flash(_("Draft saved."), "success")
            return redirect(url_for("invitations.circular_show", circular_id=circular.id))
    status = 400 if request.method == "POST" else 200
    return render_template("invitations/circular_form.html", form=form, circular=circular), status


@bp.route("/circulars/<int:circular_id>/annexes/new", methods=["GET", "POST"])
@bp.route("/circulars/<int:circular_id>/annexes/<int:annex_id>", methods=["GET", "POST"])
@staff_required
def annex_edit(circular_id: int, annex_id: int | None = None):
    circular = _circular_or_404(circular_id)
    annex = None
    if annex_id is not None:
        annex = db.session.get(Annex, annex_id)
        if annex is None or annex.circular_id != circular.id:
            abort(404)
    if not circular.editable:
        flash(_("An approved circular can no longer be changed; write a corrigendum."), "error")
        return redirect(url_for("invitations.circular_show", circular_id=circular.id))
    if request.method == "POST":
        form = AnnexForm()
    else:
        form = editor.annex_form_for(annex, default_position=len(circular.annexes) + 1)
    if form.validate_on_submit():
        editor.save_annex(circular, annex, form, current_user)
        db.session.commit()
        flash(_("Annex saved."), "success")
        return redirect(url_for("invitations.circular_show", circular_id=circular.id))
    status = 400 if request.method == "POST" else 200
    page = render_template(
        "invitations/annex_form.html", form=form, circular=circular, annex=annex,
        merge_fields=editor.MERGE_FIELD_HELP,
    )  # fmt: skip
    return page, status


@bp.post("/circulars/<int:circular_id>/annexes/<int:annex_id>/delete")
@staff_required
def annex_delete(circular_id: int, annex_id: int):
    circular = _circular_or_404(circular_id)
    annex = db.session.get(Annex, annex_id)
    if annex is None or annex.circular_id != circular.id:
        abort(404)
    if ConfirmForm().validate_on_submit() and circular.editable:
        db.session.delete(annex)
        audit.record("annex.delete", circular, position=annex.position)
        db.session.commit()
        flash(_("Annex removed."), "success")
    return redirect(url_for("invitations.circular_show", circular_id=circular.id))


@bp.get("/circulars/<int:circular_id>")
@staff_required
def circular_show(circular_id: int):
    circular = _circular_or_404(circular_id)
    status = request.args.get("status")
    search = request.args.get("q", "").strip()
    rows = operations.invitation_page(
        circular, status, search, page=page_number(), per_page=PAGE_SIZE
    )
    problems = operations.readiness_problems(circular) if circular.editable else []
    return render_template(
        "invitations/circular_show.html",
        circular=circular,
        progress=operations.progress(circular),
        problems=problems,
        rows=rows,
        status=status,
        search=search,
        filters=operations.FOLLOW_UP_FILTERS,
        reminder=ReminderForm(),
        bulk_gate=outbox_gate.status(),
    )


@bp.get("/circulars/<int:circular_id>/progress")
@staff_required
def circular_progress(circular_id: int):
    circular = _circular_or_404(circular_id)
    return jsonify(state=circular.state.value, **operations.progress(circular).as_dict())


@bp.get("/circulars/<int:circular_id>/states")
@staff_required
def circular_states(circular_id: int):
    circular = _circular_or_404(circular_id)
    return render_template(
        "invitations/circular_states.html",
        circular=circular,
        states=operations.follow_up_by_state(circular),
    )


@bp.get("/circulars/<int:circular_id>/preview")
@staff_required
def circular_preview(circular_id: int):
    circular = _circular_or_404(circular_id)
    # Not "lang", which switches the whole interface: the letter's language is the preview's.
    language = request.args.get("letter_language")
    if language not in LANGUAGES:
        language = circular.languages[0] if circular.languages else "en"
    addressee = None
    if id_number("addressee"):
        addressee = db.session.get(Addressee, id_number("addressee"))
    if request.args.get("format") == "pdf":
        pdf = letters.render_circular_pdf(circular, addressee, language)
        filename = letters.pdf_filename(circular, language)
        headers = {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'inline; filename="{filename}"',
        }
        return pdf, 200, headers
    email = editor.preview_email(circular, addressee, language)
    return render_template(
        "invitations/circular_preview.html",
        circular=circular,
        addressee=addressee,
        language=language,
        email=email,
        candidates=sorted(
            db.session.scalars(
                operations.audience_query(circular)
                .options(selectinload(Addressee.country), selectinload(Addressee.organisation))
                .order_by(Addressee.id)
                .limit(500)
            ),
            # By the State's or organisation's name in the interface's language.
            key=lambda candidate: directory.sort_key(candidate.party_name(current_language())),
        ),
    )


@bp.post("/circulars/<int:circular_id>/approve")
@staff_required
def circular_approve(circular_id: int):
    circular = _circular_or_404(circular_id)
    if ConfirmForm().validate_on_submit():
        try:
            approved = operations.approve(circular, current_user)
        except operations.CircularNotReady as error:
            for problem in error.problems:
                flash(problem, "error")
        else:
            db.session.commit()
            if approved:
                flash(_("%(reference)s is approved.", reference=circular.reference), "success")
            else:
                flash(_("%(reference)s was already approved.", reference=circular.reference))
    return redirect(url_for("invitations.circular_show", circular_id=circular.id))


@bp.post("/circulars/<int:circular_id>/send")
@staff_required
def circular_send(circular_id: int):
    circular = _circular_or_404(circular_id)
    if ConfirmForm().validate_on_submit():
        if circular.state == CircularState.SENT and not db.session.scalar(
            select(func.count()).select_from(operations.pending_audience(circular).subquery())
        ):
            flash(_("No one has joined the audience since %(reference)s was sent: nothing to "
                    "send.", reference=circular.reference), "info")  # fmt: skip
            return redirect(url_for("invitations.circular_show", circular_id=circular.id))
        try:
            operations.start_sending(circular, current_user)
        except operations.CircularNotReady as error:
            for problem in error.problems:
                flash(problem, "error")
        else:
            db.session.commit()
            try:
                jobs.enqueue(DISPATCH_TASK, circular.id)
            except BrokerUnavailable:
                # The circular is marked as sending: beat's resume_dispatch starts it later.
                flash(_("%(reference)s is queued. The task queue is unavailable at the moment; "
                        "the messages will go as soon as it is back.",
                        reference=circular.reference), "warning")  # fmt: skip
            else:
                flash(_("Sending %(reference)s.", reference=circular.reference), "success")
    return redirect(url_for("invitations.circular_show", circular_id=circular.id))


@bp.post("/circulars/<int:circular_id>/resume-sending")
@staff_required
def circular_resume_sending(circular_id: int):
    circular = _circular_or_404(circular_id)
    if ConfirmForm().validate_on_submit():
        if outbox.resume_bulk_sending():
            audit.record("outbox.resume", circular)
            db.session.commit()
            flash(_("Sending resumed."), "success")
        else:
            flash(_("Sending was not paused."))
    return redirect(url_for("invitations.circular_show", circular_id=circular.id))


@bp.post("/circulars/<int:circular_id>/remind")
@staff_required
def circular_remind(circular_id: int):
    circular = _circular_or_404(circular_id)
    form = ReminderForm()
    if form.validate_on_submit() and circular.state == CircularState.SENT:
        invitations = operations.invitations_to_remind(circular, form.status.data)
        count = operations.remind(invitations, current_user)
        db.session.commit()
        flash(ngettext("%(num)d reminder queued.", "%(num)d reminders queued.", count), "success")
    return redirect(url_for("invitations.circular_show", circular_id=circular.id))


@bp.app_template_global()
def circular_state_label(state: str) -> str:
    # In the context of the circular, whose gender the adjectives take (carta circular enviada).
    return {
        "draft": pgettext("circular", "draft"),
        "approved": pgettext("circular", "approved"),
        "sending": pgettext("circular", "sending"),
        "sent": pgettext("circular", "sent"),
    }.get(str(state), str(state))


@bp.app_template_filter()
def audience_kind_label(kind: str) -> str:
    return {
        "administration": _("Administrations"),
        "mission": _("Permanent Missions"),
        "organisation": _("Organisations"),
    }.get(str(kind), str(kind))


@bp.app_template_global()
def follow_up_label(status: str) -> str:
    return {
        "queued": _("queued"),
        "sent": _("sent"),
        "failed": _("failed"),
        "unreachable": _("not reachable"),
        "opened": _("link opened"),
        "not_opened": _("link not opened"),
        "answered": _("answered"),
        "not_answered": _("not answered"),
    }.get(status, status)
