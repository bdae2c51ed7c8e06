"""The permission matrix's part for an engagement's "People and protocol" page (issue 22)."""

POLICY: dict[str, str] = {
    "protocol.engagement": "staff",
}


def build(make, session, prefix: str, world: dict) -> dict:
    """The page needs only the engagement the matrix already has (engagement_id)."""
    return {}
