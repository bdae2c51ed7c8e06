"""The permission matrix's part for privacy (issue 22 §7): the endpoints' audiences (see POLICY and AUDIENCES in
tests/test_access.py) and the records each partnership gets. Each side's shared contact carries sensitive values
that say SECRET: the matrix then checks that no guest ever reads them (tests/test_privacy_leaks.py checks every
other reader without the permission)."""
from datetime import date

POLICY: dict[str, str] = {
    "privacy.retention": "admins",
    "privacy.save_retention": "admins",
    "privacy.purge_now": "admins",
    "privacy.protocol_access": "admins",
}


def sensitive_values(prefix: str) -> dict:
    """The sensitive values of a side's shared contact: each one distinctive, so a test can look for it."""
    return {"passport_number": f"ZX{prefix.upper()}SECRET9981", "date_of_birth": date(1931, 7, 29),
            "dietary_needs": f"{prefix} SECRET-DIET-3 no peanuts", "medical_notes": f"{prefix} SECRET-MED-7 insulin"}


def build(make, session, prefix: str, world: dict) -> dict:
    """Sensitive values on the side's shared contact (the guest's own contact, shown on the portal). Flush, don't
    commit."""
    for name, value in sensitive_values(prefix).items():
        setattr(world["contact"], name, value)
    session.flush()
    return {}
