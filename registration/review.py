"""What the Secretariat's review queue shows: delegations filtered, counted and paged.

Each page costs a fixed number of queries whatever the number of delegations: one for the
counts by state, one for the page of delegations (with their country or organisation), one
for the page's delegates counted by state.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import joinedload

from plenary.countries import REGIONS, member_states
from plenary.extensions import db
from plenary.models import Country, Event, Organisation

from .models import Delegate, DelegateState, Delegation, DelegationState, HeadLevel

PAGE_SIZE = 100


@dataclass(frozen=True)
class ReviewFilters:
    """The queue's filters, as read from the query string; unknown values are ignored."""

    country: str = ""
    region: str = ""
    state: str = ""
    level: str = ""
    search: str = ""

    @classmethod
    def from_args(cls, args) -> ReviewFilters:
        def one_of(name: str, allowed: set[str]) -> str:
            value = (args.get(name) or "").strip()
            return value if value in allowed else ""

        code = (args.get("country") or "").strip().upper()
        return cls(
            country=code if len(code) == 2 and code.isascii() and code.isalpha() else "",
            region=one_of("region", set(REGIONS)),
            state=one_of("state", {state.value for state in DelegationState}),
            level=one_of("level", {level.value for level in HeadLevel}),
            search=(args.get("q") or "").strip()[:100],
        )

    def as_args(self, **changes: str) -> dict[str, str]:
        values = {"country": self.country, "region": self.region, "state": self.state,
                  "level": self.level, "q": self.search, **changes}  # fmt: skip
        return {key: value for key, value in values.items() if value}


@dataclass
class QueueRow:
    delegation: Delegation
    delegates: dict[str, int] = field(default_factory=dict)

    @property
    def to_review(self) -> int:
        return self.delegates.get(DelegateState.PENDING.value, 0)


@dataclass
class ReviewQueue:
    rows: list[QueueRow]
    counts: dict[str, int]
    total: int
    page: int
    pages: int
    delegates_to_review: int


def level_rank():
    """An SQL expression ordering head levels from Head of State down (no level last)."""
    return case(
        {level.value: rank for rank, level in enumerate(HeadLevel)},
        value=Delegation.head_level,
        else_=len(HeadLevel),
    )


def states_named(text: str) -> list[str]:
    """The codes of the Member States whose code is the text, or whose name in one of the six
    languages holds it: "Estonie", "эстон", "EE"."""
    wanted = text.strip().casefold()
    if not wanted:
        return []
    return [
        state.code
        for state in member_states()
        if state.code.casefold() == wanted
        or any(wanted in name.casefold() for name in state.names.values())
    ]


def _filtered(query: Select, event: Event, filters: ReviewFilters, *, with_state: bool) -> Select:
    query = query.where(Delegation.event_id == event.id)
    if filters.country:
        query = query.where(Country.code == filters.country)
    if filters.region:
        query = query.where(Country.region == filters.region)
    if filters.level:
        query = query.where(Delegation.head_level == filters.level)
    if filters.search:
        term = filters.search.lower()

        def has(column):  # % and _ are searched for as themselves
            return func.lower(column).contains(term, autoescape=True)

        query = query.where(
            or_(
                Country.code.in_(states_named(filters.search)),
                has(Delegation.focal_point_name),
                has(Delegation.focal_point_email),
                has(Organisation.acronym),
                Delegation.id.in_(
                    select(Delegate.delegation_id).where(
                        Delegate.event_id == event.id,
                        or_(
                            has(Delegate.family_name), has(Delegate.given_name), has(Delegate.email)
                        ),
                    )
                ),
            )
        )
    if with_state and filters.state:
        query = query.where(Delegation.state == filters.state)
    return query


def _joined(query: Select) -> Select:
    return query.outerjoin(Country, Delegation.country_id == Country.id).outerjoin(
        Organisation, Delegation.organisation_id == Organisation.id
    )


def review_queue(event: Event, filters: ReviewFilters, page: int = 1) -> ReviewQueue:
    """The page of delegations to review, submitted first, with the counts per state."""
    counts = {
        str(state): number
        for state, number in db.session.execute(
            _filtered(
                _joined(select(Delegation.state, func.count(Delegation.id))),
                event,
                filters,
                with_state=False,
            ).group_by(Delegation.state)
        )
    }
    total = counts.get(filters.state, 0) if filters.state else sum(counts.values())
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 1), pages)
    # Submitted (waiting for the Secretariat) first, then by level and date of submission.
    waiting_first = case((Delegation.state == DelegationState.SUBMITTED.value, 0), else_=1)
    delegations = db.session.scalars(
        _filtered(_joined(select(Delegation)), event, filters, with_state=True)
        .options(joinedload(Delegation.country), joinedload(Delegation.organisation))
        .order_by(
            waiting_first,
            level_rank(),
            Delegation.submitted_at.nulls_last(),
            Country.code,
            Delegation.id,
        )
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    by_delegation: dict[int, dict[str, int]] = defaultdict(dict)
    if delegations:
        for delegation_id, state, number in db.session.execute(
            select(Delegate.delegation_id, Delegate.state, func.count(Delegate.id))
            .where(Delegate.delegation_id.in_([delegation.id for delegation in delegations]))
            .group_by(Delegate.delegation_id, Delegate.state)
        ):
            by_delegation[delegation_id][str(state)] = number
    rows = [QueueRow(delegation, by_delegation[delegation.id]) for delegation in delegations]
    delegates_to_review = db.session.scalar(
        select(func.count(Delegate.id)).where(
            Delegate.event_id == event.id, Delegate.state == DelegateState.PENDING
        )
    )
    return ReviewQueue(rows, counts, total, page, pages, delegates_to_review or 0)


def filtered_delegation_ids(event: Event, filters: ReviewFilters) -> list[int]:
    """The ids of the delegations the filters select, whatever the page."""
    query = _filtered(_joined(select(Delegation.id)), event, filters, with_state=True)
    return list(db.session.scalars(query))
