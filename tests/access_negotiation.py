"""The permission matrix's part for negotiation (issue 21): the endpoints' audiences (see POLICY and AUDIENCES in
tests/test_access.py) and the records each partnership gets, shared ones and staff-only ones (whose text says
SECRET; a guest must never see them).

Negotiation has no staff-only rows: an agreement in negotiation is shared with the partner as a whole (its staff
notes aside, which say SECRET here and must not reach the portal). The routes taking agreement_id and text_id
get the side's signed agreement (nothing may be proposed or approved there: a refusal, never a 500); the
proposal is on the side's agreement in negotiation, proposed by the side's guest."""

POLICY: dict[str, str] = {
    "negotiation.share": "editors",
    "negotiation.approve": "editors",
    "negotiation.mark_ready": "editors",
    "negotiation.accept": "editors",
    "negotiation.decline": "editors",
    "negotiation.portal_agreement": "guests",
    "negotiation.propose": "guests",
    "negotiation.partner_approve": "guests",
    "negotiation.withdraw_proposal": "guests",
}


def build(make, session, prefix: str, world: dict) -> dict:
    """Records of negotiation for one side's partnership; returns the URL parameters they fill (name → id).
    world: the side's records so far (partnership, agreement, mission, engagement, contact, guest, and the
    ids dict). Flush, don't commit."""
    from crm.agreements.models import Agreement, AgreementApproval, AgreementText, TextProposal

    agreement = Agreement(partnership=world["partnership"], kind="sister_city", title=f"{prefix} agreement in negotiation",
                          status="in_negotiation", notes=f"{prefix} SECRET negotiation note")
    text = AgreementText(language="en", body=f"{prefix} negotiated text")
    agreement.texts.append(text)
    session.add(agreement)
    session.flush()
    proposal = TextProposal(agreement_text_id=text.id, side="partner", proposed_by_id=world["guest"].id,
                            based_on_version=text.version, body=f"{prefix} proposed text")
    approval = AgreementApproval(agreement_id=agreement.id, side="partner", user_id=world["guest"].id,
                                 fingerprint="0" * 64)
    session.add_all([proposal, approval])
    session.flush()
    return {"proposal_id": proposal.id, "negotiated_agreement_id": agreement.id}
