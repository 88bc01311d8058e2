"""The directory of addressees: who circulars go to, kept by the Secretariat.

Plain functions over the session: they write the audit entry and leave the commit to
the caller, so that a request or a command is one transaction.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import Select, and_, exists, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from plenary import audit
from plenary.countries import REGIONS
from plenary.extensions import db
from plenary.i18n import LANGUAGES
from plenary.models import Country, Organisation, User
from plenary.registration.models import Delegation

from .models import Addressee, AddresseeKind

STATE_KINDS = frozenset({AddresseeKind.ADMINISTRATION, AddresseeKind.MISSION})


class EmailTaken(Exception):
    """Another addressee already receives circulars at this address."""

    def __init__(self, email: str) -> None:
        super().__init__(email)
        self.email = email


class InvalidEmails(ValueError):
    """Some of the addresses given are not email addresses."""

    def __init__(self, addresses: list[str]) -> None:
        super().__init__(", ".join(addresses))
        self.addresses = addresses


def email_taken_message(email: str) -> str:
    return _("%(email)s is already the address of another addressee.", email=email)


def invalid_emails_message(error: InvalidEmails) -> str:
    return _("Not a valid email address: %(addresses)s.", addresses=", ".join(error.addresses))


# --- email addresses ------------------------------------------------------------------------

_EMAIL_SEPARATORS = re.compile(r"[,;\s]+")


def parse_emails(text: str | None) -> list[str]:
    """The addresses in a text (separated by commas, semicolons or lines), checked and in order."""
    addresses: list[str] = []
    invalid: list[str] = []
    for item in _EMAIL_SEPARATORS.split(text or ""):
        if not item:
            continue
        try:
            address = validate_email(item, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            invalid.append(item)
            continue
        if address not in addresses:
            addresses.append(address)
    if invalid:
        raise InvalidEmails(invalid)
    return addresses


def _email_owner(email: str | None, other_than: int | None = None) -> Addressee | None:
    if not email:
        return None
    query = select(Addressee).where(func.lower(Addressee.email) == email.lower())
    if other_than is not None:
        query = query.where(Addressee.id != other_than)
    return db.session.scalar(query)


def flush_or_email_taken(email: str | None) -> None:
    """Flush; if the database's unique email constraint refuses, undo everything and say so."""
    try:
        db.session.flush()
    except IntegrityError as error:
        # The check before the flush missed a concurrent insert: nothing is kept half-saved.
        db.session.rollback()
        if "email" in str(error.orig).lower():
            raise EmailTaken(email or "") from error
        raise


# --- one addressee --------------------------------------------------------------------------


@dataclass
class AddresseeDetails:
    """What the Secretariat writes about one addressee, as the form or a CSV row gives it."""

    kind: AddresseeKind
    country_id: int | None = None
    organisation_id: int | None = None
    honorific: str = ""
    full_name: str = ""
    title: str = ""
    emails: list[str] = field(default_factory=list)
    language: str = "en"
    city: str = ""
    institution: str = ""
    # {"title": {"ar": "..."}}: the fields in other languages; None leaves them as they are.
    localised: dict[str, dict[str, str]] | None = None

    def column_values(self) -> dict[str, Any]:
        """The Addressee columns; a State's addressee names no organisation and vice versa."""
        is_organisation = self.kind == AddresseeKind.ORGANISATION
        return {
            "kind": self.kind,
            "country_id": None if is_organisation else self.country_id,
            "organisation_id": self.organisation_id if is_organisation else None,
            "honorific": self.honorific.strip(),
            "full_name": self.full_name.strip(),
            "title": self.title.strip(),
            "email": self.emails[0] if self.emails else None,
            "other_emails": list(self.emails[1:]),
            "language": self.language,
            "city": self.city.strip(),
            "institution": self.institution.strip(),
            **({} if self.localised is None else {"localised": self.localised}),
        }


def changes_of(addressee: Addressee, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Each column whose value would change, with its old and new values."""
    return {
        name: (getattr(addressee, name), value)
        for name, value in values.items()
        if getattr(addressee, name) != value
    }


def create_addressee(
    details: AddresseeDetails, *, user: User | None = None, actor: str | None = None
) -> Addressee:
    """A new active addressee; EmailTaken when another one already has its first address."""
    values = details.column_values()
    if _email_owner(values["email"]) is not None:
        raise EmailTaken(values["email"])
    addressee = Addressee(active=True, **values)
    db.session.add(addressee)
    flush_or_email_taken(values["email"])
    audit.record("addressee.create", addressee, user=user, actor=actor, email=addressee.email)
    return addressee


def update_addressee(
    addressee: Addressee,
    details: AddresseeDetails,
    *,
    user: User | None = None,
    actor: str | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Change an addressee; returns what changed. EmailTaken leaves it as it was."""
    values = details.column_values()
    if _email_owner(values["email"], other_than=addressee.id) is not None:
        raise EmailTaken(values["email"])
    changes = changes_of(addressee, values)
    for name, (_old, new) in changes.items():
        setattr(addressee, name, new)
    flush_or_email_taken(values["email"])
    if changes:
        audit.record(
            "addressee.update",
            addressee,
            user=user,
            actor=actor,
            changes={name: [str(old), str(new)] for name, (old, new) in changes.items()},
        )
    return changes


def set_active(
    addressee: Addressee, active: bool, *, user: User | None = None, actor: str | None = None
) -> bool:
    """Deactivate (no more circulars) or reactivate; False when it already was so."""
    if addressee.active == active:
        return False
    addressee.active = active
    action = "addressee.activate" if active else "addressee.deactivate"
    audit.record(action, addressee, user=user, actor=actor)
    return True


def sort_key(text: str) -> str:
    """Accents ignored, so that Côte d'Ivoire sorts among the Cs."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def country_choices(language: str, also_id: int | None = None) -> list[tuple[int, str]]:
    """The Member States (and the one already chosen) as (id, name), by name in the language."""
    countries = db.session.scalars(
        select(Country).where(or_(Country.member_state, Country.id == also_id))
    ).all()
    named = [(country.id, country.name(language)) for country in countries]
    return sorted(named, key=lambda item: sort_key(item[1]))


def organisation_choices(language: str) -> list[tuple[int, str]]:
    organisations = db.session.scalars(select(Organisation)).all()
    named = [(item.id, f"{item.acronym} — {item.name(language)}") for item in organisations]
    return sorted(named, key=lambda item: sort_key(item[1]))


# --- the list -------------------------------------------------------------------------------


@dataclass
class DirectoryFilters:
    """The list's search and filters; an empty value means no filter."""

    search: str = ""
    kind: str = ""
    region: str = ""
    language: str = ""
    status: str = ""  # active | inactive
    reach: str = ""  # reachable | unreachable
    answered: str = ""  # answered | not_answered

    def as_args(self) -> dict[str, str]:
        """The non-empty filters, as query-string arguments."""
        names = {"search": "q"}
        return {
            names.get(f.name, f.name): getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name)
        }


def answered_condition(event_id: int | None):
    """A SQL condition: the addressee's State or organisation has answered for the event."""
    if event_id is None:
        return false()
    return exists().where(
        Delegation.event_id == event_id,
        Delegation.participates.is_not(None),
        or_(
            and_(Addressee.country_id.is_not(None), Delegation.country_id == Addressee.country_id),
            and_(
                Addressee.organisation_id.is_not(None),
                Delegation.organisation_id == Addressee.organisation_id,
            ),
        ),
    )


def reachable_condition():
    return and_(Addressee.email.is_not(None), Addressee.email != "")


def _conditions(filters: DirectoryFilters, event_id: int | None) -> list[Any]:
    conditions: list[Any] = []
    if filters.search.strip():
        term = filters.search.strip()
        searched = [
            Addressee.full_name,
            Addressee.honorific,
            Addressee.title,
            Addressee.email,
            Organisation.acronym,
            *(Country.names[code].as_string() for code in LANGUAGES),
            *(Organisation.names[code].as_string() for code in LANGUAGES),
        ]
        conditions.append(or_(*(column.icontains(term, autoescape=True) for column in searched)))
    if filters.kind in set(AddresseeKind):
        conditions.append(Addressee.kind == filters.kind)
    if filters.region in REGIONS:
        conditions.append(Country.region == filters.region)
    if filters.language in LANGUAGES:
        conditions.append(Addressee.language == filters.language)
    if filters.status in ("active", "inactive"):
        conditions.append(Addressee.active.is_(filters.status == "active"))
    if filters.reach == "reachable":
        conditions.append(reachable_condition())
    elif filters.reach == "unreachable":
        conditions.append(~reachable_condition())
    if filters.answered in ("answered", "not_answered"):
        answered = answered_condition(event_id)
        conditions.append(answered if filters.answered == "answered" else ~answered)
    return conditions


def directory_query(
    filters: DirectoryFilters, event_id: int | None, language: str = "en"
) -> Select:
    """The addressees that pass the filters, with their State or organisation loaded,
    by country name (in the language) and then kind."""
    country_name = func.coalesce(
        Country.names[language].as_string(), Country.names["en"].as_string()
    )
    return (
        select(Addressee)
        .outerjoin(Addressee.country)
        .outerjoin(Addressee.organisation)
        .options(contains_eager(Addressee.country), contains_eager(Addressee.organisation))
        .where(*_conditions(filters, event_id))
        .order_by(
            Addressee.country_id.is_(None),
            country_name,
            Addressee.kind,
            Organisation.acronym,
            Addressee.id,
        )
    )


def answered_ids(addressee_ids: list[int], event_id: int | None) -> set[int]:
    """Which of these addressees have answered for the event (one query for a page)."""
    if event_id is None or not addressee_ids:
        return set()
    query = select(Addressee.id).where(
        Addressee.id.in_(addressee_ids), answered_condition(event_id)
    )
    return set(db.session.scalars(query))


@dataclass
class DirectoryCounts:
    by_kind: dict[str, int]
    unreachable: int
    inactive: int

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def directory_counts(filters: DirectoryFilters, event_id: int | None) -> DirectoryCounts:
    """How many addressees pass the filters, by kind, and how many of them cannot be reached."""
    reachable = reachable_condition()
    query = (
        select(Addressee.kind, reachable, Addressee.active, func.count())
        .select_from(Addressee)
        .outerjoin(Addressee.country)
        .outerjoin(Addressee.organisation)
        .where(*_conditions(filters, event_id))
        .group_by(Addressee.kind, reachable, Addressee.active)
    )
    by_kind: Counter[str] = Counter()
    unreachable = inactive = 0
    for kind, is_reachable, active, count in db.session.execute(query):
        by_kind[str(kind)] += count
        unreachable += 0 if is_reachable else count
        inactive += 0 if active else count
    return DirectoryCounts(dict(by_kind), unreachable, inactive)
