"""The permission matrix's part for the Wikidata comparison (issue 23 §3): coordinators and admins only."""

POLICY: dict[str, str] = {
    "wikidata.upload": "editors",
    "wikidata.report": "editors",
    "wikidata.start_import": "editors",
}


def build(make, session, prefix: str, world: dict) -> dict:
    from crm.wikidata.models import DONE, WikidataComparison

    comparison = WikidataComparison(filename=f"{prefix}-wikidata.json", status=DONE, rows_read=0,
                                    report={})
    session.add(comparison)
    session.flush()
    return {"comparison_id": comparison.id}
