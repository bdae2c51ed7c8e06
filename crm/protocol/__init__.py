"""Delegations and protocol (issue 22 §2–§6): rosters and certified lists, trip costs and approvals, the gift
register, letters (visa invitations, thanks, placements) and host families and volunteers. Each capability is a
subpackage; crm.protocol.page gathers what they show on an engagement's "People and protocol" page."""
