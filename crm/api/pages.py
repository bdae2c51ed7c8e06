"""The pages where people create and revoke their API tokens, and admins revoke anyone's."""
from flask import Blueprint, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from crm.access import ADMINS, GUESTS, STAFF, allow
from crm.api.forms import ApiTokenFilterForm, ApiTokenForm
from crm.api.queries import live_token_count, live_token_or_404, token_list
from crm.api.tokens import issue_token, revoke_token, tokens_of
from crm.confirm import confirm_then
from crm.extensions import db
from crm.links import public_url_for
from crm.pagination import paginate
from crm.write_limits import write_limit

bp = Blueprint("api_tokens", __name__)
#: more live tokens than anyone needs is more secrets to leak
MAX_LIVE_TOKENS = 20


@bp.route("/account/api-tokens", methods=["GET", "POST"])
@allow(STAFF, GUESTS)
@write_limit("API_TOKEN_CREATE_LIMIT")
def account():
    user = current_user._get_current_object()
    form = ApiTokenForm()
    new_secret = new_token = None
    if form.validate_on_submit():
        if live_token_count(user) >= MAX_LIVE_TOKENS:
            form.name.errors.append(ngettext("You already have %(num)d working token. Revoke it first if you no "
                                             "longer use it.", "You already have %(num)d working tokens. Revoke "
                                             "one you no longer use first.", MAX_LIVE_TOKENS))
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
    token = live_token_or_404(token_id, owner=current_user)
    back = url_for(".account")
    return confirm_then(
        lambda: revoke_token(token),
        title=_("Revoke the API token “%(name)s”?", name=token.name),
        message=_("Programs using it get no more answers from the API. This cannot be undone; you can "
                  "create a new token at any time."),
        button=_("Revoke token"),
        cancel_url=back, done_url=back, done_message=_("The API token “%(name)s” was revoked.", name=token.name))


@bp.get("/admin/api-tokens")
@allow(ADMINS)
def admin_index():
    form = ApiTokenFilterForm()
    state, q = form.value("state"), form.value("q")
    return render_template("api/admin.html", form=form, page=paginate(token_list(state=state, q=q)),
                           filtered=bool(q) or state is not None)


@bp.route("/admin/api-tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@allow(ADMINS)
def admin_revoke(token_id: int):
    token = live_token_or_404(token_id)
    owner, back = token.user, url_for(".admin_index")

    def revoke():
        revoke_token(token)
        current_app.logger.info("API token %s… of %s revoked by an administrator", token.prefix, owner.email)

    return confirm_then(
        revoke,
        title=_("Revoke %(owner)s’s API token “%(name)s”?", owner=owner.name, name=token.name),
        message=_("Programs using it get no more answers from the API. %(owner)s can create a new token "
                  "unless their account is deactivated.", owner=owner.name),
        button=_("Revoke token"),
        cancel_url=back, done_url=back,
        done_message=_("The API token “%(name)s” of %(owner)s was revoked.", name=token.name, owner=owner.name))
