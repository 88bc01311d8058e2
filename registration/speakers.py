"""The speakers list of the high-level segment: by level, then date of request, or by hand.

A State is on the list when it asked to address the Dialogue, takes part, and its
delegation is neither rejected nor cancelled. Until the Secretariat moves someone the list
is ordered by the level of the head of delegation (Head of State first), then by the date
of the request. The first move writes every speaker's position; requests that come later
join after them, in the same order, until they too are placed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from plenary import audit
from plenary.extensions import db
from plenary.i18n import lazy_gettext as _l
from plenary.models import Event, User

from .models import Delegate, DelegateState, Delegation, DelegationState
from .review import level_rank
from .review_models import SpeakerMove, SpeakerSlot


class MoveRefused(Exception):
    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Speaker:
    position: int
    delegation: Delegation
    head: Delegate | None
    requested_at: datetime | None
    reason: str
    placed_by_hand: bool


def speakers(event: Event) -> list[Speaker]:
    """The list in its order, with each delegation's head (two queries)."""
    rows = db.session.execute(
        select(Delegation, SpeakerSlot)
        .outerjoin(SpeakerSlot, SpeakerSlot.delegation_id == Delegation.id)
        .where(
            Delegation.event_id == event.id,
            Delegation.speaking_request.is_(True),
            Delegation.participates.is_(True),
            Delegation.state.not_in([DelegationState.REJECTED, DelegationState.CANCELLED]),
        )
        .options(joinedload(Delegation.country), joinedload(Delegation.organisation))
        .order_by(
            SpeakerSlot.position.is_(None),
            SpeakerSlot.position,
            level_rank(),
            Delegation.speaking_requested_at.nulls_last(),
            Delegation.answered_at,
            Delegation.id,
        )
    ).all()
    heads = {
        head.delegation_id: head
        for head in db.session.scalars(
            select(Delegate).where(
                Delegate.delegation_id.in_([delegation.id for delegation, _ in rows]),
                Delegate.role == "head",
                Delegate.state.in_([DelegateState.PENDING, DelegateState.APPROVED]),
            )
        )
    }
    return [
        Speaker(
            position=number,
            delegation=delegation,
            head=heads.get(delegation.id),
            requested_at=delegation.speaking_requested_at or delegation.answered_at,
            reason=slot.reason if slot is not None else "",
            placed_by_hand=slot is not None,
        )
        for number, (delegation, slot) in enumerate(rows, start=1)
    ]


def move_speaker(event: Event, delegation_id: int, to_position: int, reason: str, user: User):
    """Put a speaker at a position (1 is first), keeping the reason; the others move along."""
    reason = reason.strip()
    if not reason:
        raise MoveRefused(_l("Give the reason for changing the order."))
    # One move at a time per event: the event's row is the lock (a no-op on SQLite).
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    order = speakers(event)
    ids = [speaker.delegation.id for speaker in order]
    if delegation_id not in ids:
        raise MoveRefused(_l("This delegation is not on the speakers list."))
    if not 1 <= to_position <= len(ids):
        raise MoveRefused(_l("Choose a position between 1 and %(count)d.", count=len(ids)))
    from_position = ids.index(delegation_id) + 1
    if from_position == to_position:
        raise MoveRefused(_l("The delegation is already at this position."))
    reasons = {speaker.delegation.id: speaker.reason for speaker in order}
    reasons[delegation_id] = reason
    ids.remove(delegation_id)
    ids.insert(to_position - 1, delegation_id)
    db.session.execute(delete(SpeakerSlot).where(SpeakerSlot.event_id == event.id))
    db.session.add_all(
        SpeakerSlot(
            event_id=event.id,
            delegation_id=identifier,
            position=number,
            reason=reasons.get(identifier, ""),
        )
        for number, identifier in enumerate(ids, start=1)
    )
    db.session.add(
        SpeakerMove(event_id=event.id, delegation_id=delegation_id, user_id=user.id,
                    from_position=from_position, to_position=to_position, reason=reason)
    )  # fmt: skip
    audit.record("speaker.move", object_type="delegation", object_id=delegation_id, user=user,
                 from_position=from_position, to_position=to_position, reason=reason)  # fmt: skip
    db.session.flush()


def reset_order(event: Event, user: User) -> None:
    """Forget the order set by hand: back to level, then date of request."""
    db.session.execute(delete(SpeakerSlot).where(SpeakerSlot.event_id == event.id))
    audit.record("speaker.reset", event, user=user)


def moves(event: Event) -> list[SpeakerMove]:
    """Every move by hand, latest first."""
    return list(
        db.session.scalars(
            select(SpeakerMove)
            .where(SpeakerMove.event_id == event.id)
            .options(joinedload(SpeakerMove.user))
            .order_by(SpeakerMove.id.desc())
        )
    )
