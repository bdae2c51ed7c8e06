"""Changes to exchanges. They flush; the request commits."""
from crm.engagements.forms import apply_cost
from crm.engagements.models import Pillar
from crm.extensions import db
from crm.forms import fill
from crm.partnerships.models import Side
from crm.programs.exchanges.forms import ExchangeForm
from crm.programs.exchanges.models import Exchange, ExchangeDirection


def apply_form(exchange: Exchange, form: ExchangeForm) -> None:
    fill(exchange, form, "title", "exchange_kind", "direction", "starts_on", "ends_on", "participants",
         "host_organization_id", "visibility", "notes")
    exchange.substantive = True
    apply_cost(exchange, form)
    exchange.pillar = Pillar.EDUCATION if form.exchange_kind.data in ("student", "youth", "academic") else (
        Pillar.CULTURE if form.exchange_kind.data in ("cultural", "sports") else Pillar.GOVERNMENT)
    exchange.initiated_by = Side.PARTNER if form.direction.data == ExchangeDirection.INCOMING.value else Side.HOME
    db.session.add(exchange)
    db.session.flush()
