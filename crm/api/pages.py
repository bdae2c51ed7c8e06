"""The pages where people create and revoke their API tokens, and admins revoke anyone's."""
from flask import Blueprint, abort, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from crm.access import ADMINS, GUESTS, STAFF, allow
from crm.api.forms import ApiTokenFilterForm, ApiTokenForm
from crm.api.models import ApiToken
from crm.api.tokens import issue_token, revoke_token, tokens_of
from crm.auth.models import User
from crm.confirm import confirm_then
from crm.database import like_escape
from crm.extensions import db
from crm.guests.limits import write_limit
from crm.links import public_url_for
from crm.pagination import paginate

bp = Blueprint("api_tokens", __name__)
#: more live tokens than anyone needs is more secrets to leak
MAX_LIVE_TOKENS = 20


def _live_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(ApiToken)
                             .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))


@bp.route("/account/api-tokens", methods=["GET", "POST"])
@allow(STAFF, GUESTS)
@write_limit("API_TOKEN_CREATE_LIMIT")
def account():
    user = current_user._get_current_object()
    form = ApiTokenForm()
    new_secret = new_token = None
    if form.validate_on_submit():
        if _live_count(user) >= MAX_LIVE_TOKENS:
            form.name.errors.append(_("You already have %(num)d working tokens. Revoke one you no longer use "
                                      "first.", num=MAX_LIVE_TOKENS))
        else:
            new_token, new_secret = issue_token(user, form.name.data)
            db.session.commit()
            current_app.logger.info("API token %s… created by %s", new_token.prefix, user.email)
            form = ApiTokenForm(formdata=None)
    response = current_app.make_response((render_template(
        "api/account.html", form=form, tokens=tokens_of(user), new_secret=new_secret, new_token=new_token,
        example_url=public_url_for("api.partnerships"),
        openapi_url=public_url_for("api.openapi")), 422 if form.errors else 200))
    # The secret is on this page once: keep it out of every cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/account/api-tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@allow(STAFF, GUESTS)
def revoke_own(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id or token.revoked_at is not None:
        abort(404)
    return confirm_then(
        lambda: revoke_token(token),
        title=_("Revoke the API token “%(name)s”?", name=token.name),
        message=_("Programs using it get no more answers from the API. This cannot be undone; you can "
                  "create a new token at any time."),
        button=_("Revoke token"),
        cancel_url=url_for(".account"), done_url=url_for(".account"),
        done_message=_("The API token “%(name)s” was revoked.", name=token.name))


@bp.get("/admin/api-tokens")
@allow(ADMINS)
def admin_index():
    form = ApiTokenFilterForm()
    query = (select(ApiToken).join(User, User.id == ApiToken.user_id).options(joinedload(ApiToken.user))
             .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    state = form.value("state")
    if state == "revoked":
        query = query.where(ApiToken.revoked_at.is_not(None))
    elif state != "all":
        query = query.where(ApiToken.revoked_at.is_(None))
    if q := form.value("q"):
        pattern = f"%{like_escape(q.lower())}%"
        query = query.where(or_(func.lower(User.name).like(pattern, escape="\\"),
                                func.lower(User.email).like(pattern, escape="\\"),
                                func.lower(ApiToken.name).like(pattern, escape="\\"),
                                ApiToken.prefix.like(f"{like_escape(q)}%", escape="\\")))
    return render_template("api/admin.html", form=form, page=paginate(query),
                           filtered=bool(q) or state is not None)


@bp.route("/admin/api-tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@allow(ADMINS)
def admin_revoke(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.revoked_at is not None:
        abort(404)
    owner = token.user

    def revoke():
        revoke_token(token)
        current_app.logger.info("API token %s… of %s revoked by an administrator", token.prefix, owner.email)

    return confirm_then(
        revoke,
        title=_("Revoke %(owner)s’s API token “%(name)s”?", owner=owner.name, name=token.name),
        message=_("Programs using it get no more answers from the API. %(owner)s can create a new token "
                  "unless their account is deactivated.", owner=owner.name),
        button=_("Revoke token"),
        cancel_url=url_for(".admin_index"), done_url=url_for(".admin_index"),
        done_message=_("The API token “%(name)s” of %(owner)s was revoked.", name=token.name, owner=owner.name))
