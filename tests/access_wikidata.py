"""The permission matrix's part for the Wikidata comparison (issue 23 §3): coordinators and admins only."""

POLICY: dict[str, str] = {
    "wikidata.upload": "editors",
    "wikidata.report": "editors",
    "wikidata.start_import": "editors",
}


def build(make, session, prefix: str, world: dict) -> dict:
    """A comparison per side with a small report of its partnership: one twinning Wikidata has that the office
    lacks, the partnership itself missing on Wikidata, and a difference of start date."""
    from crm.wikidata.models import DONE, WikidataComparison

    partnership = world["partnership"]
    home, partner = partnership.home_city, partnership.partner_city

    def city(c) -> dict:
        return {"name": c.name, "native": c.native_name or "", "cc": c.country_code, "gn": c.geonames_id,
                "q": c.wikidata_id or "", "lat": c.latitude, "lng": c.longitude}

    report = {
        "counts": {"statements": 2, "not_home": 0, "home_unmatched": 0, "twins_matched": 1, "agreeing": 0,
                   "missing_here": 1, "missing_there": 1, "differences": 1, "wikidata_ids_recorded": 0},
        "cities": {str(home.id): city(home), str(partner.id): city(partner)},
        "missing_here": [{"home": home.id, "twin_city": None, "q": "Q37951", "label": f"{prefix} Sapporo",
                          "cc": "JP", "gn": 2128295, "lat": 43.06667, "lng": 141.35, "start": "1959-01-01",
                          "end": ""}],
        "missing_there": [{"partnership": partnership.id, "home": home.id, "partner": partner.id,
                           "since": "2001-01-01", "status": "active"}],
        "differences": [{"partnership": partnership.id, "home": home.id, "partner": partner.id, "kind": "start",
                         "wikidata": "1999", "ours": "2001-01-01"}],
    }
    comparison = WikidataComparison(filename=f"{prefix}-wikidata.json", status=DONE, rows_read=2, report=report)
    session.add(comparison)
    session.flush()
    return {"comparison_id": comparison.id}
