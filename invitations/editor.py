"""Between the circular editor's forms and the circular: load, save, preview."""

from __future__ import annotations

from sqlalchemy import select

from plenary import audit, outbox
from plenary.extensions import db
from plenary.i18n import LANGUAGES
from plenary.i18n import lazy_gettext as _l
from plenary.links import external_url
from plenary.models import User

from . import notifications, operations
from .forms import TEXT_FIELDS, AnnexForm, CircularForm, picked_emails
from .models import Addressee, Annex, Circular, Invitation

MERGE_FIELD_HELP = {
    "addressee": _l("the honorific and the name, in the letter's language and order"),
    "honorific": _l("His/Her Excellency, Mr, Ms…"),
    "full_name": _l("the addressee's full name"),
    "title": _l("the addressee's title or function"),
    "institution": _l("the ministry or Permanent Mission"),
    "country": _l("the State or organisation, in the letter's language"),
    "city": _l("the addressee's city"),
}
ANNEX_FIELDS = ("title", "body", "address_block")


class EditorError(Exception):
    """A problem found while saving, to be shown next to one field of the form."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def attach(self, form: CircularForm) -> None:
        getattr(form, self.field).errors.append(self.message)


def form_for(circular: Circular) -> CircularForm:
    """The editor form filled with a circular's current content."""
    form = CircularForm(
        data={
            "reference": circular.reference,
            "issued_on": circular.issued_on,
            "event_id": circular.event_id,
            "contact_name": circular.contact_name,
            "contact_email": circular.contact_email,
            "signatory_name": circular.signatory_name,
            "audience_kinds": list(circular.audience_kinds),
            "audience_regions": list(circular.audience_regions),
            "hand_picked": circular.hand_picked,
            "picked_emails": "\n".join(
                addressee.email or "" for addressee in circular.picked_addressees
            ),
            **{
                f"texts_{code}": {
                    field: (getattr(circular, field) or {}).get(code, "") for field in TEXT_FIELDS
                }
                for code in LANGUAGES
            },
        }
    )
    return form


def per_language(form: CircularForm | AnnexForm, field: str) -> dict[str, str]:
    """One field's text in each language that has it, from the form's sub-forms."""
    values = {}
    for code in LANGUAGES:
        value = (getattr(getattr(form, f"texts_{code}"), field).data or "").strip()
        if value:
            values[code] = value.replace("\r\n", "\n")
    return values


def _apply(circular: Circular, form: CircularForm) -> None:
    reference = form.reference.data.strip()
    clash = db.session.scalar(
        select(Circular.id).where(Circular.reference == reference, Circular.id != circular.id)
    )
    if clash is not None:
        raise EditorError("reference", str(_l("Another circular has this reference.")))
    picked: list[Addressee] = []
    if form.hand_picked.data:
        emails = picked_emails(form.picked_emails.data)
        picked = list(db.session.scalars(select(Addressee).where(Addressee.email.in_(emails))))
        unknown = sorted(set(emails) - {addressee.email for addressee in picked})
        if unknown:
            raise EditorError(
                "picked_emails",
                str(_l("Not in the directory: %(emails)s", emails=", ".join(unknown))),
            )
    circular.reference = reference
    circular.issued_on = form.issued_on.data
    circular.event_id = form.event_id.data
    circular.contact_name = (form.contact_name.data or "").strip()
    circular.contact_email = (form.contact_email.data or "").strip()
    circular.signatory_name = form.signatory_name.data.strip()
    circular.audience_kinds = list(form.audience_kinds.data or [])
    circular.audience_regions = list(form.audience_regions.data or [])
    circular.hand_picked = bool(form.hand_picked.data)
    circular.picked_addressees = picked
    for field in TEXT_FIELDS:
        setattr(circular, field, per_language(form, field))


def create_circular(form: CircularForm, user: User) -> Circular:
    """A new draft from the editor form."""
    circular = Circular(created_by_id=user.id)
    _apply(circular, form)
    db.session.add(circular)
    db.session.flush()
    audit.record("circular.create", circular, user=user, reference=circular.reference)
    return circular


def update_circular(circular: Circular, form: CircularForm, user: User) -> None:
    """Save the editor form into a draft."""
    operations.ensure_editable(circular)
    _apply(circular, form)
    audit.record("circular.edit", circular, user=user)


def annex_form_for(annex: Annex | None, default_position: int) -> AnnexForm:
    if annex is None:
        return AnnexForm(data={"position": default_position})
    return AnnexForm(
        data={
            "position": annex.position,
            **{
                f"texts_{code}": {
                    field: (getattr(annex, field) or {}).get(code, "") for field in ANNEX_FIELDS
                }
                for code in LANGUAGES
            },
        }
    )


def save_annex(circular: Circular, annex: Annex | None, form: AnnexForm, user: User) -> Annex:
    operations.ensure_editable(circular)
    if annex is None:
        annex = Annex(circular=circular)
        db.session.add(annex)
    annex.position = form.position.data
    for field in ANNEX_FIELDS:
        setattr(annex, field, per_language(form, field))
    db.session.flush()
    audit.record("annex.save", circular, user=user, position=annex.position)
    return annex


def preview_email(circular: Circular, addressee: Addressee | None, language: str):
    """The exact email an addressee would receive, rendered without saving anything."""
    if addressee is None:
        addressee = Addressee(
            full_name="{full_name}", honorific="{honorific}", title="{title}", city="{city}",
            institution="{institution}", language=language,
        )  # fmt: skip
    invitation = Invitation(id=0, circular=circular, addressee=addressee, language=language)
    # Never a working personal link: the preview's link leads to a page saying it is one.
    context = notifications.email_context(invitation, url=external_url("site.preview_link"))
    return outbox.render_email("invitations/circular", language, **context)
