"""Who may reach what: role sets, the per-view declaration, and scoped loading.

Every view declares its audience with @allow(...). A request to a view that
declares nothing is refused, so a new route is closed until someone opens it.

A guest's request is limited to the guest's partnerships by the guest-scope
hook: a function of the user id that the guests package registers under
app.extensions[GUEST_SCOPE] when the app starts (crm.guests.scope.init_app).
"""
from flask import abort, current_app, request
from flask_login import current_user

from crm.roles import Role

PUBLIC = "public"  # anyone, signed in or not
#: anyone, signed in or not, reading only what the office published (crm.public.queries): the same page for
#: every reader, so a guest's request is not limited to the guest's partnerships
PUBLISHED = "published"
ADMINS = frozenset({Role.ADMIN})
EDITORS = frozenset({Role.ADMIN, Role.COORDINATOR})
STAFF = frozenset({Role.ADMIN, Role.COORDINATOR, Role.VIEWER})
GUESTS = frozenset({Role.GUEST})
# Flask's own endpoints that serve nothing from the database.
OPEN_ENDPOINTS = {"static"}
#: app.extensions key of the guest-scope hook: start_guest_scope(user_id) limits the request's queries
GUEST_SCOPE = "crm.guest_scope"
#: a statement's execution option that leaves it out of the guest scope (crm.guests.scope): for what every
#: reader may see alike, such as a published register
SKIP_GUEST_SCOPE = "skip_guest_scope"


def allow(*audiences):
    """Declare who may reach a view: PUBLIC, role sets, or single roles."""
    allowed: set = set()
    for audience in audiences:
        if isinstance(audience, (set, frozenset)):
            allowed |= audience
        else:
            allowed.add(audience)

    def decorate(view):
        view.allowed_roles = frozenset(allowed)
        return view

    return decorate


def enforce_declared_access():
    """before_request hook: apply the view's declaration, deny if it has none."""
    if request.endpoint is None or request.endpoint in OPEN_ENDPOINTS:
        return None
    view = current_app.view_functions.get(request.endpoint)
    allowed = getattr(view, "allowed_roles", None)
    if allowed is None:
        current_app.logger.error("view %s declares no access; refused", request.endpoint)
        abort(403)
    if PUBLISHED in allowed:
        return None
    if PUBLIC in allowed:
        if current_user.is_authenticated and current_user.role == Role.GUEST:
            _start_guest_scope(current_user.id)
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.role == Role.GUEST:
        # From here on every query of this request is limited to the guest's partnerships.
        _start_guest_scope(current_user.id)
        if current_user.role not in allowed:
            abort(404)  # the same answer as a missing record: nothing to probe
    elif current_user.role not in allowed:
        abort(403)
    return None


def _start_guest_scope(user_id: int) -> None:
    start = current_app.extensions.get(GUEST_SCOPE)
    if start is None:  # no scope to apply: a guest sees nothing rather than everything
        current_app.logger.error("no guest-scope hook registered; guest request refused")
        abort(403)
    start(user_id)


def can(action: str) -> bool:
    """For templates: whether to offer a control (the view still checks)."""
    if not current_user.is_authenticated:
        return False
    if action == "edit":
        return current_user.role in EDITORS
    if action == "administer":
        return current_user.role in ADMINS
    return current_user.role in STAFF
