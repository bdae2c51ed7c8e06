"""Changes to exchanges. They flush; the request commits."""
from sqlalchemy.orm import joinedload

from crm.engagements.models import Pillar
from crm.extensions import db
from crm.partnerships.models import Side
from crm.programs.exchanges.forms import ExchangeForm
from crm.programs.exchanges.models import Exchange, ExchangeDirection

LOADS = (joinedload(Exchange.host_organization),)


def apply_form(exchange: Exchange, form: ExchangeForm) -> None:
    exchange.title = form.title.data
    exchange.exchange_kind = form.exchange_kind.data
    exchange.direction = form.direction.data
    exchange.starts_on = form.starts_on.data
    exchange.ends_on = form.ends_on.data
    exchange.participants = form.participants.data
    exchange.host_organization_id = form.host_organization_id.data or None
    exchange.visibility = form.visibility.data
    exchange.notes = form.notes.data
    exchange.substantive = True
    exchange.pillar = Pillar.EDUCATION if form.exchange_kind.data in ("student", "youth", "academic") else (
        Pillar.CULTURE if form.exchange_kind.data in ("cultural", "sports") else Pillar.GOVERNMENT)
    exchange.initiated_by = Side.PARTNER if form.direction.data == ExchangeDirection.INCOMING.value else Side.HOME
    db.session.add(exchange)
    db.session.flush()
