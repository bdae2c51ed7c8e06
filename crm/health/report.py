"""The ceremonial report for the command line: table, CSV or JSON."""
import csv
import io
import json
from datetime import date

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.extensions import db
from crm.health.queries import activities
from crm.health.reasons import reason, state_label
from crm.health.rules import evaluate
from crm.health.service import sort_by_attention
from crm.partnerships.models import Partnership

COLUMNS = ("id", "partner_city", "partner_city_native", "country", "home_city", "state", "months", "threshold",
           "since", "revival_planned", "reason")


def flagged_rows(as_of: date, include_all: bool = False, language: str | None = None,
                 home_city_ids: set[int] | None = None) -> list[dict]:
    """The flagged (or all) partnerships, most urgent first; only those of the given home cities if any."""
    acts = {pid: a for pid, a in activities(as_of).items()
            if home_city_ids is None or a.home_city_id in home_city_ids}
    flags = {pid: evaluate(a, as_of) for pid, a in acts.items()}
    wanted = [pid for pid in sort_by_attention(flags) if include_all or flags[pid].needs_attention]
    partnerships = {p.id: p for p in db.session.scalars(
        select(Partnership).where(Partnership.id.in_(wanted))
        .options(joinedload(Partnership.partner_city), joinedload(Partnership.home_city)))}
    rows = []
    with current_app.test_request_context(), force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        for pid in wanted:
            p, flag = partnerships[pid], flags[pid]
            rows.append({
                "id": pid, "partner_city": p.partner_city.name, "partner_city_native": p.partner_city.native_name or "",
                "country": p.partner_city.country_code, "home_city": p.home_city.name, "state": flag.state.value,
                "state_label": state_label(flag.state), "months": flag.months, "threshold": flag.threshold_months,
                "since": flag.since.isoformat() if flag.since else None,
                "revival_planned": flag.revival_planned.isoformat() if flag.revival_planned else None,
                "reason": reason(flag, p.status.label, as_of),
            })
    return rows


def render_rows(rows: list[dict], output: str) -> str:
    if output == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if output == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()
    if not rows:
        return "No partnership needs attention.\n"
    lines = []
    for row in rows:
        city = row["partner_city"] + (f" ({row['partner_city_native']})" if row["partner_city_native"] else "")
        lines.append(f"{row['state_label']:<16} {city} — {row['home_city']}\n{'':16} {row['reason']}")
    return "\n".join(lines) + "\n"
