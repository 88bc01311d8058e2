"""Plain functions over circulars: check, approve, resolve the audience, dispatch, follow up.

Callers commit, except `dispatch`, which commits batch by batch so that a circular to a
thousand addressees is resumable and shows its progress while it is being queued.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from plenary import audit
from plenary.extensions import db
from plenary.i18n import lazy_gettext as _l
from plenary.models import Country, Event, OutboxMessage, OutboxState, User, utcnow
from plenary.registration.models import Delegation

from . import letters, merge, notifications
from .directory import answered_condition
from .models import Addressee, Circular, CircularState, Invitation


class CircularNotReady(Exception):
    """The circular cannot be approved or sent yet; `problems` says why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class CircularLocked(Exception):
    """An approved or sent circular is no longer editable (a corrigendum is a new circular)."""


def find_circular(reference: str) -> Circular | None:
    return db.session.scalar(select(Circular).where(Circular.reference == reference.strip()))


def letter_language(circular: Circular, addressee: Addressee) -> str:
    """The addressee's language when the circular exists in it, else English, else the first."""
    return letters.letter_language(circular, addressee.language)


# --- checking and approving ---------------------------------------------------------------


def merge_field_problems(circular: Circular) -> dict[tuple[int, str, str], set[str]]:
    """Unknown merge fields per (annex position, field, language)."""
    found = {}
    for annex in circular.annexes:
        for field in ("title", "body", "address_block"):
            for language, text in (getattr(annex, field) or {}).items():
                unknown = merge.unknown_fields(text)
                if unknown:
                    found[(annex.position, field, language)] = unknown
    return found


# The annex's fields as the editor labels them.
_ANNEX_FIELD_LABELS = {
    "title": _l("heading"),
    "body": _l("text"),
    "address_block": _l("address block"),
}


# The letter's texts in each language, as the editor labels them.
_LETTER_FIELD_LABELS = {
    "sender_unit": _l("Issuing unit"),
    "place": _l("Place"),
    "addressed_to": _l("To (one audience per line)"),
    "salutation": _l("Salutation"),
    "closing": _l("Closing"),
    "signatory_title": _l("Signatory's title"),
}


def readiness_problems(circular: Circular) -> list[str]:
    """What stands between this circular and its approval, in words for the editor."""
    problems = []
    languages = circular.languages
    if not languages:
        problems.append(_("The circular has no language with both a subject and a body."))
    known = ", ".join("{" + name + "}" for name in merge.FIELDS)
    for (position, field, language), unknown in sorted(merge_field_problems(circular).items()):
        problems.append(
            _(
                "Annex %(position)d, %(field)s (%(language)s): unknown merge field %(names)s. "
                "Known fields: %(known)s.",
                position=position,
                field=_ANNEX_FIELD_LABELS.get(field, field),
                language=language,
                names=", ".join("{" + name + "}" for name in sorted(unknown)),
                known=known,
            )
        )
    # A text given in one language of the letter but not in another would come out in English
    # in the other, in the middle of its letter.
    for name, label in _LETTER_FIELD_LABELS.items():
        texts = getattr(circular, name) or {}
        missing = [code for code in languages if any(texts.values()) and not texts.get(code)]
        if missing:
            problems.append(
                _("%(field)s has no text in: %(languages)s.", field=label,
                  languages=", ".join(missing))
            )  # fmt: skip
    for annex in circular.annexes:
        missing = [code for code in languages if not (annex.body or {}).get(code)]
        if missing:
            problems.append(
                _(
                    "Annex %(position)d has no text in: %(languages)s.",
                    position=annex.position,
                    languages=", ".join(missing),
                )
            )
    if not circular.signatory_name:
        problems.append(_("The circular has no signatory."))
    if (
        db.session.scalar(select(func.count()).select_from(audience_query(circular).subquery()))
        == 0
    ):
        problems.append(_("The audience is empty: no active addressee matches it."))
    return problems


def approve(circular: Circular, user: User | None, *, actor: str | None = None) -> bool:
    """Approve a draft; False when it was already approved (a no-op). Raises CircularNotReady."""
    if circular.state != CircularState.DRAFT:
        return False
    problems = readiness_problems(circular)
    if problems:
        raise CircularNotReady(problems)
    circular.state = CircularState.APPROVED
    circular.approved_at = utcnow()
    circular.approved_by_id = user.id if user is not None else None
    audit.record("circular.approve", circular, user=user, actor=actor, reference=circular.reference)
    return True


def ensure_editable(circular: Circular) -> None:
    if not circular.editable:
        raise CircularLocked(circular.reference)


# --- audience -----------------------------------------------------------------------------


def audience_query(circular: Circular) -> Select:
    """The active addressees this circular goes to, resolved now (so later imports count)."""
    query = select(Addressee).where(Addressee.active)
    if circular.hand_picked:
        picked = [addressee.id for addressee in circular.picked_addressees]
        return query.where(Addressee.id.in_(picked))
    if circular.audience_kinds:
        query = query.where(Addressee.kind.in_(circular.audience_kinds))
    if circular.audience_regions:
        in_region = Addressee.country_id.in_(
            select(Country.id).where(Country.region.in_(circular.audience_regions))
        )
        query = query.where(in_region)
    return query


def pending_audience(circular: Circular) -> Select:
    """The audience members who have no invitation to this circular yet."""
    already = exists().where(
        Invitation.circular_id == circular.id, Invitation.addressee_id == Addressee.id
    )
    return audience_query(circular).where(~already).order_by(Addressee.id)


# --- dispatch -----------------------------------------------------------------------------


@dataclass
class DispatchResult:
    queued: int = 0
    unreachable: int = 0
    already_invited: int = 0


def start_sending(circular: Circular, user: User | None, *, actor: str | None = None) -> None:
    """Mark an approved (or sent, for newcomers to its audience) circular as sending."""
    if circular.state == CircularState.DRAFT:
        raise CircularNotReady(["The circular must be approved before it is sent."])
    if circular.state != CircularState.SENDING:
        circular.state = CircularState.SENDING
        audit.record("circular.send", circular, user=user, actor=actor)


def dispatch(
    circular_id: int,
    *,
    batch_size: int = 100,
    progress: Callable[[int], None] | None = None,
) -> DispatchResult:
    """Invite every audience member not yet invited: an invitation and an email each.

    Commits after each batch. The unique (circular, addressee) constraint guarantees that
    a second dispatch running at the same time cannot invite anyone twice: its batch fails,
    rolls back (with its outbox rows) and is read again.
    """
    result = DispatchResult()
    rate = float(current_app.config["INVITATIONS_SEND_RATE"])
    first_slot = utcnow()
    position = 0
    while True:
        circular = db.session.execute(
            select(Circular)
            .where(Circular.id == circular_id)
            .options(selectinload(Circular.annexes), selectinload(Circular.picked_addressees))
            .with_for_update()
        ).scalar_one()
        if circular.state != CircularState.SENDING:
            db.session.rollback()
            raise CircularNotReady(["The circular is not being sent."])
        batch = db.session.scalars(
            pending_audience(circular)
            .options(selectinload(Addressee.country), selectinload(Addressee.organisation))
            .limit(batch_size)
        ).all()
        if not batch:
            circular.state = CircularState.SENT
            circular.sent_at = utcnow()
            audit.record("circular.sent", circular, actor="dispatch", **result.__dict__)
            db.session.commit()
            return result
        try:
            for addressee in batch:
                not_before = first_slot + timedelta(seconds=position / rate) if rate > 0 else None
                invitation = invite(circular, addressee, not_before=not_before)
                if invitation.unreachable:
                    result.unreachable += 1
                else:
                    result.queued += 1
                    position += 1
            db.session.commit()
        except IntegrityError:
            # Another dispatch invited some of them first: forget this batch, read again.
            db.session.rollback()
            result.already_invited += len(batch)
            continue
        if progress is not None:
            progress(len(batch))


def invite(circular: Circular, addressee: Addressee, *, not_before=None) -> Invitation:
    """One invitation, and its email in the transaction (none when there is no address)."""
    invitation = Invitation(
        circular=circular,
        addressee=addressee,
        language=letter_language(circular, addressee),
        unreachable=not addressee.reachable,
    )
    db.session.add(invitation)
    db.session.flush()
    if addressee.reachable:
        invitation.outbox_message = notifications.enqueue_circular(
            invitation, not_before=not_before
        )
    return invitation


# --- follow-up ----------------------------------------------------------------------------


FOLLOW_UP_FILTERS = ("queued", "sent", "failed", "unreachable", "opened", "not_opened",
                     "answered", "not_answered")  # fmt: skip


def _follow_up_condition(circular: Circular, status: str | None):
    answered = answered_condition(circular.event_id)
    return {
        "queued": OutboxMessage.state.in_([OutboxState.PENDING, OutboxState.SENDING]),
        "sent": OutboxMessage.state == OutboxState.SENT,
        "failed": OutboxMessage.state == OutboxState.FAILED,
        "unreachable": Invitation.unreachable,
        "opened": Invitation.first_opened_at.is_not(None),
        "not_opened": Invitation.first_opened_at.is_(None),
        "answered": answered,
        "not_answered": ~answered,
    }.get(status or "")


def _invitations_of(query: Select, circular: Circular, status: str | None, search: str) -> Select:
    query = (
        query.join(Addressee, Invitation.addressee_id == Addressee.id)
        .outerjoin(OutboxMessage, Invitation.outbox_message_id == OutboxMessage.id)
        .outerjoin(Country, Addressee.country_id == Country.id)
        .where(Invitation.circular_id == circular.id)
    )
    condition = _follow_up_condition(circular, status)
    if condition is not None:
        query = query.where(condition)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Addressee.full_name).like(pattern),
                func.lower(Addressee.email).like(pattern),
                func.lower(Country.code) == search.strip().lower(),
            )
        )
    return query


def invitations_query(circular: Circular, status: str | None = None, search: str = "") -> Select:
    """The circular's invitations with what the follow-up page shows, filtered by status."""
    columns = select(
        Invitation,
        Addressee,
        OutboxMessage.state,
        OutboxMessage.last_error,
        answered_condition(circular.event_id).label("answered"),
    )
    return (
        _invitations_of(columns, circular, status, search)
        .options(selectinload(Addressee.country), selectinload(Addressee.organisation))
        .order_by(Country.code, Addressee.kind, Addressee.id)
    )


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def invitation_page(
    circular: Circular, status: str | None, search: str, *, page: int, per_page: int
) -> Page:
    """One page of the follow-up table: invitation, addressee, mail state, error, answered."""
    query = invitations_query(circular, status, search)
    total = db.session.scalar(
        _invitations_of(select(func.count(Invitation.id)), circular, status, search)
    )
    page = max(page, 1)
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=rows, page=page, per_page=per_page, total=total)


def invitations_to_remind(circular: Circular, status: str) -> list[Invitation]:
    """The reachable invitations a reminder by hand goes to, for a follow-up filter."""
    query = _invitations_of(select(Invitation), circular, status, "").where(
        ~Invitation.unreachable, OutboxMessage.state == OutboxState.SENT, Addressee.active
    )
    return list(
        db.session.scalars(
            query.options(
                selectinload(Invitation.addressee).selectinload(Addressee.country),
                selectinload(Invitation.addressee).selectinload(Addressee.organisation),
                selectinload(Invitation.circular),
            )
        )
    )


@dataclass
class StateFollowUp:
    country: Country
    invitations: list[Invitation]
    mail_states: list[str]
    opened: bool
    answered: bool
    # The State's delegation for the event: its answer, level, wishes and focal point.
    delegation: Delegation | None = None


def follow_up_by_state(circular: Circular) -> list[StateFollowUp]:
    """Per Member State: its invitations, their mail states, opened, answered."""
    rows = db.session.execute(
        select(Invitation, OutboxMessage.state, answered_condition(circular.event_id))
        .join(Addressee, Invitation.addressee_id == Addressee.id)
        .outerjoin(OutboxMessage, Invitation.outbox_message_id == OutboxMessage.id)
        .where(Invitation.circular_id == circular.id, Addressee.country_id.is_not(None))
        .options(selectinload(Invitation.addressee).selectinload(Addressee.country))
    ).all()
    by_country: dict[int, StateFollowUp] = {}
    for invitation, mail_state, answered in rows:
        country = invitation.addressee.country
        entry = by_country.setdefault(country.id, StateFollowUp(country, [], [], False, False))
        entry.invitations.append(invitation)
        entry.mail_states.append("unreachable" if invitation.unreachable else str(mail_state))
        entry.opened = entry.opened or invitation.first_opened_at is not None
        entry.answered = entry.answered or bool(answered)
    delegations = db.session.scalars(
        select(Delegation).where(
            Delegation.event_id == circular.event_id, Delegation.country_id.in_(list(by_country))
        )
    )
    for delegation in delegations:
        by_country[delegation.country_id].delegation = delegation
    return sorted(by_country.values(), key=lambda entry: entry.country.name())


@dataclass
class Progress:
    audience: int
    invited: int
    queued: int
    sent: int
    failed: int
    unreachable: int
    opened: int
    answered: int

    @property
    def remaining(self) -> int:
        """Not yet invited, plus invited and still waiting to be sent."""
        return max(self.audience - self.invited, 0) + self.queued

    def as_dict(self) -> dict[str, int]:
        return {**self.__dict__, "remaining": self.remaining}


def progress(circular: Circular) -> Progress:
    """The counts of the circular's page, in three queries whatever the audience size."""
    by_state = dict(
        db.session.execute(
            select(OutboxMessage.state, func.count())
            .join(Invitation, Invitation.outbox_message_id == OutboxMessage.id)
            .where(Invitation.circular_id == circular.id)
            .group_by(OutboxMessage.state)
        ).all()
    )
    invited, unreachable, opened, answered = db.session.execute(
        select(
            func.count(Invitation.id),
            func.count(Invitation.id).filter(Invitation.unreachable),
            func.count(Invitation.id).filter(Invitation.first_opened_at.is_not(None)),
            func.count(Invitation.id).filter(answered_condition(circular.event_id)),
        )
        .join(Addressee, Invitation.addressee_id == Addressee.id)
        .where(Invitation.circular_id == circular.id)
    ).one()
    if circular.state in (CircularState.DRAFT, CircularState.APPROVED, CircularState.SENDING):
        audience = db.session.scalar(
            select(func.count()).select_from(audience_query(circular).subquery())
        )
    else:
        audience = invited
    return Progress(
        audience=max(audience, invited),
        invited=invited,
        queued=by_state.get(OutboxState.PENDING, 0) + by_state.get(OutboxState.SENDING, 0),
        sent=by_state.get(OutboxState.SENT, 0),
        failed=by_state.get(OutboxState.FAILED, 0),
        unreachable=unreachable,
        opened=opened,
        answered=answered,
    )


def record_opening(invitation: Invitation) -> None:
    """The personal link was opened: count it, and note the first time."""
    now = utcnow()
    invitation.first_opened_at = invitation.first_opened_at or now
    invitation.last_opened_at = now
    invitation.open_count += 1


# --- reminders ----------------------------------------------------------------------------


def remind(
    invitations: Iterable[Invitation], user: User | None, *, actor: str | None = None
) -> int:
    """Send a reminder to each reachable invitation given; returns how many were written.

    Each invitation is claimed with a conditional UPDATE: one reminded less than
    REMINDER_MIN_INTERVAL_HOURS ago (the same form submitted twice, two colleagues at
    once) is skipped.
    """
    count = 0
    now = utcnow()
    recent = now - timedelta(hours=current_app.config["REMINDER_MIN_INTERVAL_HOURS"])
    for invitation in invitations:
        if invitation.unreachable:
            continue
        claimed = db.session.execute(
            update(Invitation)
            .where(
                Invitation.id == invitation.id,
                or_(Invitation.last_reminded_at.is_(None), Invitation.last_reminded_at < recent),
            )
            .values(reminder_count=Invitation.reminder_count + 1, last_reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            continue
        db.session.refresh(invitation)
        notifications.enqueue_reminder(invitation)
        audit.record("invitation.remind", invitation, user=user, actor=actor)
        count += 1
    return count


def due_for_automatic_reminder(now=None) -> Select:
    """Invitations never reminded, unanswered, whose registration closes within N days."""
    now = now or utcnow()
    days = current_app.config["REMINDER_DAYS_BEFORE_DEADLINE"]
    return (
        select(Invitation.id)
        .join(Circular, Invitation.circular_id == Circular.id)
        .join(Event, Circular.event_id == Event.id)
        .join(Addressee, Invitation.addressee_id == Addressee.id)
        .join(OutboxMessage, Invitation.outbox_message_id == OutboxMessage.id)
        .where(
            Circular.state == CircularState.SENT,
            Invitation.reminder_count == 0,
            ~Invitation.unreachable,
            OutboxMessage.state == OutboxState.SENT,
            Event.registration_closes_at.is_not(None),
            Event.registration_closes_at > now,
            Event.registration_closes_at <= now + timedelta(days=days),
            Addressee.active,
            ~answered_condition(Circular.event_id),
        )
        .order_by(Invitation.id)
    )


def send_automatic_reminders(now=None, limit: int = 500) -> int:
    """Write the one automatic reminder to each invitation that is due; safe to run twice.

    Each invitation is claimed with a conditional UPDATE, so two runs at once (two beats,
    a re-run) never remind anyone twice.
    """
    sent = 0
    for invitation_id in db.session.scalars(due_for_automatic_reminder(now).limit(limit)).all():
        claimed = db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation_id, Invitation.reminder_count == 0)
            .values(reminder_count=1, last_reminded_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            continue
        invitation = db.session.get(Invitation, invitation_id)
        db.session.refresh(invitation)
        notifications.enqueue_reminder(invitation)
        audit.record("invitation.remind", invitation, actor="automatic reminder")
        db.session.commit()
        sent += 1
    return sent


def circulars_being_sent() -> list[int]:
    return list(
        db.session.scalars(select(Circular.id).where(Circular.state == CircularState.SENDING))
    )
