"""The directory screens: list, create, edit, deactivate, import and export addressees."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from plenary import temporary_files
from plenary.auth import staff_required
from plenary.extensions import db
from plenary.forms import ConfirmForm
from plenary.i18n import LANGUAGES, current_language
from plenary.inputs import page_number
from plenary.links import LinkExpired, LinkInvalid, make_token, read_token
from plenary.models import User, utcnow
from plenary.registration.operations import current_event

from . import bp, directory, directory_csv, honorifics
from .directory_forms import (
    AddresseeForm,
    DirectoryFilterForm,
    ImportConfirmForm,
    ImportUploadForm,
    kind_choices,
    localised_data,
)
from .models import Addressee

PAGE_SIZE = 50


def _addressee_form(addressee: Addressee | None = None) -> AddresseeForm:
    language = current_language()
    choices = {
        "countries": directory.country_choices(language, addressee and addressee.country_id),
        "organisations": directory.organisation_choices(language),
    }
    if addressee is None:
        return AddresseeForm(**choices)
    return AddresseeForm(
        obj=addressee,
        data=localised_data(addressee),
        emails="\n".join(addressee.recipients),
        **choices,
    )


def _form_context(form: AddresseeForm, addressee: Addressee | None) -> dict[str, Any]:
    return {
        "form": form,
        "addressee": addressee,
        "languages": LANGUAGES,
        "honorific_choices": ", ".join(honorifics.CHOICES),
    }


def _back_to_list() -> str:
    """The list page the button was pressed on (filters kept), never another site."""
    target = request.form.get("next", "")
    list_path = url_for("invitations.addressee_list")
    try:
        parts = urlsplit(target)
    except ValueError:  # "https://[::1": not an address at all
        return list_path
    if not parts.scheme and not parts.netloc and parts.path == list_path:
        return target
    return list_path


@bp.get("/addressees")
@staff_required
def addressee_list():
    filter_form = DirectoryFilterForm(formdata=request.args)
    filters = filter_form.filters()
    event = current_event()
    event_id = event.id if event is not None else None
    query = directory.directory_query(filters, event_id, current_language())
    page = page_number()
    addressees = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template(
        "invitations/addressee_list.html",
        addressees=addressees,
        answered=directory.answered_ids([item.id for item in addressees.items], event_id),
        counts=directory.directory_counts(filters, event_id),
        event=event,
        filter_form=filter_form,
        filter_args=filters.as_args(),
        kinds={choice.value: choice.label for choice in kind_choices()},
    )


@bp.route("/addressees/new", methods=["GET", "POST"])
@staff_required
def addressee_create():
    form = _addressee_form()
    if form.validate_on_submit():
        try:
            addressee = directory.create_addressee(form.details(), user=current_user)
        except directory.EmailTaken as error:
            form.emails.errors.append(directory.email_taken_message(error.email))
        else:
            db.session.commit()
            flash(_("%(name)s is in the directory.", name=addressee.full_name), "success")
            return redirect(url_for("invitations.addressee_list"))
    page = render_template("invitations/addressee_form.html", **_form_context(form, None))
    return page, 400 if form.is_submitted() else 200


@bp.route("/addressees/<int:addressee_id>/edit", methods=["GET", "POST"])
@staff_required
def addressee_edit(addressee_id: int):
    addressee = db.get_or_404(Addressee, addressee_id)
    form = _addressee_form(addressee)
    if form.validate_on_submit():
        try:
            changes = directory.update_addressee(addressee, form.details(), user=current_user)
        except directory.EmailTaken as error:
            form.emails.errors.append(directory.email_taken_message(error.email))
        else:
            db.session.commit()
            message = _("Saved.") if changes else _("Nothing changed.")
            flash(message, "success")
            return redirect(url_for("invitations.addressee_list"))
    page = render_template(
        "invitations/addressee_form.html",
        **_form_context(form, addressee),
    )
    return page, 400 if form.is_submitted() else 200


@bp.post("/addressees/<int:addressee_id>/deactivate")
@staff_required
def addressee_deactivate(addressee_id: int):
    addressee = db.get_or_404(Addressee, addressee_id)
    if ConfirmForm().validate_on_submit():
        directory.set_active(addressee, False, user=current_user)
        db.session.commit()
        flash(_("%(name)s will receive no more circulars.", name=addressee.full_name), "success")
    return redirect(_back_to_list())


@bp.post("/addressees/<int:addressee_id>/activate")
@staff_required
def addressee_activate(addressee_id: int):
    addressee = db.get_or_404(Addressee, addressee_id)
    if ConfirmForm().validate_on_submit():
        directory.set_active(addressee, True, user=current_user)
        db.session.commit()
        flash(_("%(name)s is active again.", name=addressee.full_name), "success")
    return redirect(_back_to_list())


@bp.get("/addressees/export")
@staff_required
def addressee_export():
    filters = DirectoryFilterForm(formdata=request.args).filters()
    event = current_event() if filters.answered else None
    query = directory.directory_query(filters, event and event.id, current_language())
    text = directory_csv.export_csv(db.session.scalars(query))
    filename = f"addressees-{utcnow():%Y-%m-%d}.csv"
    return Response(
        text.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/addressees/import", methods=["GET", "POST"])
@staff_required
def addressee_import():
    form = ImportUploadForm()
    if form.validate_on_submit():
        data = form.file.data.read(directory_csv.MAX_IMPORT_BYTES + 1)
        report = directory_csv.read_import(data)
        if report.ok:
            confirm = ImportConfirmForm(formdata=None, token=_stash_upload(data, current_user))
            db.session.commit()
            return render_template("invitations/import_preview.html", report=report, form=confirm)
        return render_template("invitations/import_upload.html", form=form, report=report), 400
    page = render_template("invitations/import_upload.html", form=form, report=None)
    return page, 400 if form.is_submitted() else 200


@bp.post("/addressees/import/confirm")
@staff_required
def addressee_import_confirm():
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        return _upload_again(_("The form had expired. Upload the file again."))
    try:
        data = _stashed_upload(form.token.data, current_user)
    except LinkExpired:
        return _upload_again(_("The file was checked more than an hour ago. Upload it again."))
    except LinkInvalid:
        return _upload_again(_("This import cannot be confirmed. Upload the file again."))
    # Read and checked again: the browser is not trusted, and the directory may have changed.
    report = directory_csv.import_addressees(data, user=current_user)
    if not report.imported:
        return _upload_again(report=report)
    _discard_upload(form.token.data, current_user)
    db.session.commit()
    counts = report.counts
    message = _(
        "Imported: %(new)d new, %(updated)d updated, %(unchanged)d unchanged.",
        new=counts["new"],
        updated=counts["update"],
        unchanged=counts["unchanged"],
    )
    flash(message, "success")
    return redirect(url_for("invitations.addressee_list"))


def _upload_again(message: str | None = None, report: directory_csv.ImportReport | None = None):
    """The upload page, with why the import did not happen."""
    report = report or directory_csv.ImportReport().refuse(message or "")
    form = ImportUploadForm(formdata=None)
    return render_template("invitations/import_upload.html", form=form, report=report), 400


# --- the uploaded file, kept between the preview and the confirmation ---------------------
# Not in a form field: Flask refuses fields over 500 kB (MAX_FORM_MEMORY_SIZE) and an import
# may be 2 MB. In the database, not on this host's disk: the confirmation may reach another
# web host. The signed token names the file, its digest and who uploaded it.

IMPORT_PURPOSE = "addressee-import"
IMPORT_MAX_AGE_SECONDS = 3600
_UPLOAD_NAME = re.compile(r"[0-9a-f]{32}")


def _stash_upload(data: bytes, user: User) -> str:
    """Keep the file (the caller commits) and return the token that names it."""
    stored = temporary_files.store(
        data,
        purpose=IMPORT_PURPOSE,
        owner_id=user.id,
        max_age=timedelta(seconds=IMPORT_MAX_AGE_SECONDS),
        filename="addressees.csv",
        content_type="text/csv",
    )
    payload = {"file": stored.key, "sha256": stored.sha256, "user": user.id}
    return make_token(IMPORT_PURPOSE, payload)


def _upload_key(token: str, user: User) -> tuple[str, str]:
    payload = read_token(IMPORT_PURPOSE, token, max_age_seconds=IMPORT_MAX_AGE_SECONDS)
    name = payload.get("file")
    if not isinstance(name, str) or not _UPLOAD_NAME.fullmatch(name):
        raise LinkInvalid("no file named")
    if payload.get("user") != user.id:
        raise LinkInvalid("uploaded by someone else")
    return name, str(payload.get("sha256"))


def _stashed_upload(token: str, user: User) -> bytes:
    """The file exactly as uploaded; LinkInvalid if it is gone (already imported) or changed."""
    key, digest = _upload_key(token, user)
    try:
        data = temporary_files.fetch(key, purpose=IMPORT_PURPOSE, owner_id=user.id).data
    except temporary_files.TemporaryFileGone as error:
        raise LinkInvalid("already imported or discarded") from error
    if hashlib.sha256(data).hexdigest() != digest:
        raise LinkInvalid("the file changed")
    return data


def _discard_upload(token: str, user: User) -> None:
    """Forget the file once imported, so that the same confirmation cannot import it twice."""
    key, _digest = _upload_key(token, user)
    temporary_files.discard(key)
