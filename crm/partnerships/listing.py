"""The partnership list as the reader filtered and sorted it: one definition for the page and its export."""
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select

from crm.extensions import db
from crm.health.rules import Flag
from crm.health.service import sort_by_attention
from crm.health.snapshot import portfolio_snapshot
from crm.pagination import ListPage, paginate_list
from crm.partnerships.forms import PartnershipFilterForm
from crm.partnerships.models import Partnership
from crm.partnerships.queries import in_order, partnership_list

FILTERS = ("q", "status", "country", "priority", "liaison", "home")


@dataclass(frozen=True)
class ListChoice:
    """What the reader asked the list for."""

    filters: dict
    archived: bool
    sort: str
    health: str | None

    @classmethod
    def from_form(cls, form: PartnershipFilterForm) -> "ListChoice":
        """The choice the form holds; the form's sort control then shows the order actually applied (by partner
        city when none or an unknown one was asked for, not the control's first option)."""
        sort = form.value("sort") or "partner"
        form.sort.data = sort
        return cls(filters={name: form.value(name) for name in FILTERS}, archived=form.value("archived") == "only",
                   sort=sort, health=form.value("health"))

    @property
    def filtered(self) -> bool:
        return bool(any(self.filters.values()) or self.archived or self.health)

    @property
    def by_health(self) -> bool:
        """Health is decided by the rule in Python, so sorting or filtering by it orders ids in Python."""
        return self.sort == "health" or bool(self.health)

    def query(self) -> Select:
        return partnership_list(**self.filters, archived=self.archived, sort=self.sort)


def matches_health(flag: Flag, wanted: str | None) -> bool:
    if not wanted:
        return True
    if wanted == "attention":
        return flag.needs_attention
    return flag.state.value == wanted


def portfolio_flags(query: Select, today: date) -> dict[int, Flag]:
    """The flag of every partnership the query matches, from the cached portfolio aggregate (archived ones have
    none)."""
    matching = set(db.session.scalars(query.with_only_columns(Partnership.id).order_by(None)))
    snapshot = portfolio_snapshot(today)
    return {pid: flag for pid, flag in snapshot.flags.items() if pid in matching}


def page_flags(partnerships, today: date) -> dict[int, Flag]:
    """The flags of a page of partnerships, from the cached portfolio aggregate (archived ones have none)."""
    flags = portfolio_snapshot(today).flags
    return {p.id: flags[p.id] for p in partnerships if p.id in flags}


def health_order(choice: ListChoice, query: Select, today: date) -> tuple[list[int], dict[int, Flag]]:
    """The matching ids in list order, keeping only the wanted health, and every matching flag."""
    flags = portfolio_flags(query, today)
    if choice.sort == "health":
        ordered = sort_by_attention(flags)
    else:
        ordered = [pid for pid in db.session.scalars(query.with_only_columns(Partnership.id)) if pid in flags]
    return [pid for pid in ordered if matches_health(flags[pid], choice.health)], flags


def health_page(choice: ListChoice, query: Select, today: date) -> tuple[ListPage, dict[int, Flag]]:
    """One page of the list when health sorts or filters it (see health_order), and every matching flag."""
    ordered, flags = health_order(choice, query, today)
    page = paginate_list(ordered)
    page.items = in_order(query, page.items)
    return page, flags


def every_row(choice: ListChoice, today: date) -> Iterator[tuple[Partnership, Flag | None]]:
    """Every partnership the list shows across all its pages, in its order, with its flag (for exports)."""
    query = choice.query()
    if choice.by_health:
        ordered, flags = health_order(choice, query, today)
        rows = {p.id: p for p in db.session.scalars(query)}
        yield from ((rows[pid], flags[pid]) for pid in ordered if pid in rows)
        return
    flags = portfolio_flags(query, today)
    for partnership in db.session.scalars(query.execution_options(yield_per=1000)):
        yield partnership, flags.get(partnership.id)
