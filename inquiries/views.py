"""The public contact form and the Secretariat's helpdesk."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from plenary.auth import public, staff_required
from plenary.extensions import db, limiter
from plenary.forms import ConfirmForm
from plenary.i18n import LANGUAGES, current_language
from plenary.inputs import id_number, page_number
from plenary.models import AuditEntry, Country, User, utcnow

from . import bp, canned, operations
from .delegations import delegation_for_sender, delegation_url
from .forms import (
    AssignForm,
    CannedAnswerForm,
    CategoryForm,
    ContactForm,
    MergeForm,
    NoteForm,
    ReplyForm,
    category_labels,
)
from .mime import sanitise_html
from .models import (
    CannedAnswer,
    Category,
    CategoryRoute,
    Inquiry,
    InquiryState,
    StoredFile,
    inquiry_message_file,
)

PAGE_SIZE = 50


def _sender_key() -> str:
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"inquiry-sender:{email}" if email else get_remote_address()


def _countries(language: str) -> list[tuple[str, str]]:
    countries = db.session.scalars(select(Country)).all()
    return sorted(((c.code, c.name(language)) for c in countries), key=lambda item: item[1])


@bp.route("/contact", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["INQUIRY_RATE_LIMIT_ADDRESS"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["INQUIRY_RATE_LIMIT_SENDER"], key_func=_sender_key, methods=["POST"]
)
def contact():
    language = current_language()
    form = ContactForm(countries=_countries(language))
    if form.validate_on_submit():
        if form.website.data:  # the honeypot: answer as if accepted, keep nothing
            return redirect(url_for("inquiries.contact_sent"))
        inquiry = operations.submit_form(
            name=form.name.data.strip(),
            email=form.email.data,
            organisation=(form.organisation.data or "").strip(),
            country_code=form.country.data or "",
            category=Category(form.category.data),
            subject=form.subject.data.strip(),
            message=form.message.data,
            language=language,
            uploads=[operations.Upload(*upload) for upload in form.uploads],
        )
        db.session.commit()
        session["inquiry_reference"] = inquiry.reference
        return redirect(url_for("inquiries.contact_sent"))
    page = render_template("inquiries/contact.html", form=form)
    return page, 400 if form.is_submitted() else 200


@bp.get("/contact/sent")
@public
def contact_sent():
    return render_template(
        "inquiries/contact_sent.html", reference=session.pop("inquiry_reference", None)
    )


# --- the helpdesk -------------------------------------------------------------------------


def _inquiry_or_404(inquiry_id: int) -> Inquiry:
    inquiry = db.session.get(Inquiry, inquiry_id)
    if inquiry is None:
        abort(404)
    return inquiry


def _staff_choices() -> list[tuple[str, str]]:
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.email)).all()
    return [("", _("Nobody"))] + [(str(u.id), u.full_name or u.email) for u in users]


AGES = ("1", "7", "30", "older7")


@bp.get("/helpdesk")
@staff_required
def helpdesk():
    args = request.args
    state = args.get("state") if args.get("state") in set(InquiryState) else None
    category = args.get("category") if args.get("category") in set(Category) else None
    language = args.get("language") if args.get("language") in LANGUAGES else None
    age = args.get("age") if args.get("age") in AGES else None
    assignee = args.get("assignee", "")
    page = page_number()

    query = select(Inquiry)
    if state:
        query = query.where(Inquiry.state == state)
    else:
        query = query.where(Inquiry.state != InquiryState.MERGED)
    if category:
        query = query.where(Inquiry.category == category)
    if language:
        query = query.where(Inquiry.language == language)
    if assignee == "none":
        query = query.where(Inquiry.assignee_id.is_(None))
    elif assignee == "me":
        query = query.where(Inquiry.assignee_id == current_user.id)
    elif id_number("assignee") is not None:
        query = query.where(Inquiry.assignee_id == id_number("assignee"))
    else:
        assignee = ""
    if age == "older7":
        query = query.where(Inquiry.created_at < utcnow() - timedelta(days=7))
    elif age:
        query = query.where(Inquiry.created_at >= operations.age_filter_start(age))
    counts = dict(
        db.session.execute(select(Inquiry.state, func.count()).group_by(Inquiry.state)).all()
    )
    inquiries = db.paginate(
        query.order_by(Inquiry.updated_at.desc(), Inquiry.id.desc()),
        page=page, per_page=PAGE_SIZE, error_out=False,
    )  # fmt: skip
    filters = {"state": state, "category": category, "language": language, "age": age,
               "assignee": assignee}  # fmt: skip
    return render_template(
        "inquiries/helpdesk.html", inquiries=inquiries, counts=counts, filters=filters,
        categories=category_labels(), states=list(InquiryState), staff=_staff_choices(),
        ages=AGES,
    )  # fmt: skip


@bp.get("/helpdesk/<int:inquiry_id>")
@staff_required
def inquiry_show(inquiry_id: int):
    inquiry = _inquiry_or_404(inquiry_id)
    if inquiry.state == InquiryState.MERGED and inquiry.merged_into_id:
        flash(_("This inquiry was merged into another one."), "info")
        return redirect(url_for("inquiries.inquiry_show", inquiry_id=inquiry.merged_into_id))
    reply = ReplyForm()
    canned_id = id_number("canned")
    answer = db.session.get(CannedAnswer, canned_id) if canned_id is not None else None
    if answer is not None:
        reply.body.data = canned.fill(answer.body, inquiry, current_user)
    return _show(inquiry, reply)


def _show(inquiry: Inquiry, reply: ReplyForm, status: int = 200):
    assign = AssignForm(assignee=str(inquiry.assignee_id or ""))
    assign.assignee.choices = _staff_choices()
    delegation = delegation_for_sender(inquiry.sender_email, inquiry.event_id)
    answers = db.session.scalars(
        select(CannedAnswer).order_by(CannedAnswer.language != inquiry.language, CannedAnswer.title)
    ).all()
    history = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "inquiry", AuditEntry.object_id == str(inquiry.id))
        .order_by(AuditEntry.at)
    ).all()
    return render_template(
        "inquiries/inquiry_show.html", inquiry=inquiry, reply=reply, note=NoteForm(),
        assign=assign, category=CategoryForm(category=inquiry.category.value), merge=MergeForm(),
        delegation=delegation,
        delegation_link=delegation_url(delegation) if delegation else None,
        answers=answers, history=history, categories=category_labels(), sanitise_html=sanitise_html,
    ), status  # fmt: skip


def _back(inquiry: Inquiry) -> Response:
    return redirect(url_for("inquiries.inquiry_show", inquiry_id=inquiry.id))


@bp.post("/helpdesk/<int:inquiry_id>/reply")
@staff_required
def inquiry_reply(inquiry_id: int):
    inquiry = _inquiry_or_404(inquiry_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors or form.key.errors:
            flash(_("The form had expired. Please go back, reload it and try again."), "error")
            return _back(inquiry)
        # The answer stays in the form, its message next to it.
        return _show(inquiry, form, 400)
    try:
        operations.reply(inquiry, form.body.data, current_user, form.key.data)
        db.session.commit()
    except operations.InquiryError as refusal:
        if str(refusal) == "sent":
            flash(_("This answer has already been sent."), "error")
        else:
            flash(_("This inquiry was merged; answer it in the thread it was merged into."),
                  "error")  # fmt: skip
        return _back(inquiry)
    except IntegrityError:
        db.session.rollback()  # the same form, posted twice at once: the other post sent it
        flash(_("This answer has already been sent."), "error")
        return _back(inquiry)
    flash(_("The answer is on its way to %(email)s.", email=inquiry.sender_email), "success")
    return _back(inquiry)


@bp.post("/helpdesk/<int:inquiry_id>/note")
@staff_required
def inquiry_note(inquiry_id: int):
    inquiry = _inquiry_or_404(inquiry_id)
    form = NoteForm()
    if form.validate_on_submit():
        operations.add_note(inquiry, form.body.data, current_user)
        db.session.commit()
        flash(_("Note added."), "success")
    else:
        flash(_("Write the note before adding it."), "error")
    return _back(inquiry)


@bp.post("/helpdesk/<int:inquiry_id>/assign")
@staff_required
def inquiry_assign(inquiry_id: int):
    inquiry = _inquiry_or_404(inquiry_id)
    form = AssignForm()
    form.assignee.choices = _staff_choices()
    if form.validate_on_submit():
        assignee = db.session.get(User, int(form.assignee.data)) if form.assignee.data else None
        operations.assign(inquiry, assignee, current_user)
        db.session.commit()
        flash(_("Assignment saved."), "success")
    else:
        flash(_("Choose a member of the Secretariat."), "error")
    return _back(inquiry)


@bp.post("/helpdesk/<int:inquiry_id>/category")
@staff_required
def inquiry_category(inquiry_id: int):
    inquiry = _inquiry_or_404(inquiry_id)
    form = CategoryForm()
    if form.validate_on_submit():
        operations.set_category(inquiry, Category(form.category.data), current_user)
        db.session.commit()
        flash(_("Category saved."), "success")
    else:
        flash(_("Choose a category."), "error")
    return _back(inquiry)


@bp.post("/helpdesk/<int:inquiry_id>/close")
@staff_required
def inquiry_close(inquiry_id: int):
    return _change_state(inquiry_id, operations.close, _("Inquiry closed."))


@bp.post("/helpdesk/<int:inquiry_id>/reopen")
@staff_required
def inquiry_reopen(inquiry_id: int):
    return _change_state(inquiry_id, operations.reopen, _("Inquiry reopened."))


def _change_state(inquiry_id: int, operation, done: str) -> Response:
    inquiry = _inquiry_or_404(inquiry_id)
    if ConfirmForm().validate_on_submit():
        try:
            operation(inquiry, current_user)
        except operations.InquiryError:
            flash(_("This cannot be done in the inquiry's present state."), "error")
            return _back(inquiry)
        db.session.commit()
        flash(done, "success")
    return _back(inquiry)


@bp.post("/helpdesk/<int:inquiry_id>/merge")
@staff_required
def inquiry_merge(inquiry_id: int):
    inquiry = _inquiry_or_404(inquiry_id)
    form = MergeForm()
    if not form.validate_on_submit():
        flash(_("Give the reference of the inquiry to merge into."), "error")
        return _back(inquiry)
    target = db.session.scalar(
        select(Inquiry).where(Inquiry.reference == form.reference.data.strip().upper())
    )
    if target is None:
        flash(
            _("No inquiry has the reference %(reference)s.", reference=form.reference.data), "error"
        )
        return _back(inquiry)
    try:
        operations.merge(inquiry, target, current_user)
    except operations.InquiryError:
        flash(_("These two inquiries cannot be merged."), "error")
        return _back(inquiry)
    db.session.commit()
    flash(_("Merged into %(reference)s.", reference=target.reference), "success")
    return _back(target)


@bp.get("/helpdesk/files/<int:file_id>")
@staff_required
def file_download(file_id: int):
    stored = db.session.get(StoredFile, file_id)
    linked = db.session.scalar(
        select(inquiry_message_file.c.message_id).where(inquiry_message_file.c.file_id == file_id)
    )
    if stored is None or linked is None:
        abort(404)
    response = current_app.response_class(stored.data, mimetype="application/octet-stream")
    response.headers.set("Content-Disposition", "attachment", filename=stored.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- canned answers and routing ------------------------------------------------------------


@bp.get("/helpdesk/answers")
@staff_required
def canned_list():
    answers = db.session.scalars(
        select(CannedAnswer).order_by(CannedAnswer.language, CannedAnswer.title)
    ).all()
    return render_template("inquiries/canned_list.html", answers=answers)


@bp.route("/helpdesk/answers/new", methods=["GET", "POST"])
@bp.route("/helpdesk/answers/<int:answer_id>", methods=["GET", "POST"])
@staff_required
def canned_edit(answer_id: int | None = None):
    answer = db.session.get(CannedAnswer, answer_id) if answer_id else None
    if answer_id and answer is None:
        abort(404)
    form = CannedAnswerForm(obj=answer)
    valid = form.validate_on_submit()
    if valid and db.session.scalar(
        select(CannedAnswer.id).where(
            func.lower(CannedAnswer.title) == form.title.data.strip().lower(),
            CannedAnswer.language == form.language.data,
            CannedAnswer.id != (answer.id if answer else 0),
        )
    ):
        form.title.errors.append(_("Another canned answer in this language has this title."))
        valid = False
    if valid:
        from plenary import audit

        if answer is None:
            answer = CannedAnswer()
            db.session.add(answer)
        form.populate_obj(answer)
        db.session.flush()
        audit.record("canned_answer.save", answer)
        db.session.commit()
        flash(_("Canned answer saved."), "success")
        return redirect(url_for("inquiries.canned_list"))
    page = render_template("inquiries/canned_form.html", form=form, answer=answer)
    return page, 400 if form.is_submitted() else 200


@bp.post("/helpdesk/answers/<int:answer_id>/delete")
@staff_required
def canned_delete(answer_id: int):
    from plenary import audit

    answer = db.session.get(CannedAnswer, answer_id)
    if answer is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        audit.record("canned_answer.delete", answer, title=answer.title)
        db.session.delete(answer)
        db.session.commit()
        flash(_("Canned answer deleted."), "success")
    return redirect(url_for("inquiries.canned_list"))


@bp.route("/helpdesk/routing", methods=["GET", "POST"])
@staff_required
def routing():
    from plenary import audit

    routes = {route.category: route for route in db.session.scalars(select(CategoryRoute))}
    staff = _staff_choices()
    form = ConfirmForm()
    if form.validate_on_submit():
        valid = {value for value, _label in staff}
        for category in Category:
            chosen = request.form.get(f"assignee_{category.value}", "")
            if chosen not in valid:
                continue
            route = routes.get(category) or CategoryRoute(category=category)
            db.session.add(route)
            route.assignee_id = int(chosen) if chosen else None
        audit.record("inquiry.routing", object_type="inquiry_category_route")
        db.session.commit()
        flash(_("Routing saved."), "success")
        return redirect(url_for("inquiries.routing"))
    return render_template(
        "inquiries/routing.html", routes=routes, staff=staff, categories=category_labels(),
        form=form,
    )  # fmt: skip
