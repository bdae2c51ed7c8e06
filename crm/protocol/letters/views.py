"""The letters of a visit (issue 22 §5): a visa invitation letter for each incoming participant, and after the
visit a thank-you letter to each host, official and person met, drafted in their language, edited on the page
and printed. Staff only: the partner's guests see none of it. Nothing here is stored: a PDF is made from the
records and the choices sent with the request."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import STAFF, allow
from crm.cities.emblems import folder_for
from crm.clock import office_today
from crm.downloads import pdf_response
from crm.engagements.pages import program_url
from crm.engagements.queries import get_engagement_or_404
from crm.errors import render_error
from crm.pagination import paginate, paginate_list
from crm.pdf import RenderError, renderer
from crm.pdf_pool import RenderBusy
from crm.privacy import can_see_sensitive
from crm.protocol.letters import documents, queries
from crm.protocol.letters.forms import ThanksForm, ThanksOptionsForm, VisaLetterForm
from crm.protocol.letters.rules import engagement_days, letter_language, stay_days, visit_is_over

bp = Blueprint("letters", __name__)


def _render_pdf(html: str):
    """The PDF, or an error page (429 while another of the user's documents renders, 503 when it failed)."""
    try:
        pdf, _refused = renderer(current_app).render(html, owner=current_user.id, guest=False,
                                                     emblems_root=folder_for(html))
    except RenderBusy:
        return None, render_error(429)
    except RenderError:
        current_app.logger.exception("letter render failed")
        return None, render_error(503)
    return pdf, None


def _signatory(form) -> documents.Signatory:
    return documents.Signatory(form.signatory_name.data, form.signatory_title.data)


def _visa_page(engagement, form, status: int = 200):
    return render_template("letters/visa_letters.html", engagement=engagement, partnership=engagement.partnership,
                           record_url=program_url(engagement.record_type, engagement.id),
                           page=paginate(queries.incoming(engagement)), form=form,
                           may_print_passport=can_see_sensitive()), status


@bp.get("/engagements/<int:engagement_id>/visa-letters")
@allow(STAFF)
def visa_letters(engagement_id: int):
    """Every incoming participant, a page at a time, with the letters' language and signatory."""
    engagement = get_engagement_or_404(engagement_id)
    return _visa_page(engagement, VisaLetterForm(request.args))


@bp.get("/engagements/<int:engagement_id>/participants/<int:visa_entry_id>/visa-letter.pdf")
@allow(STAFF)
def visa_letter(engagement_id: int, visa_entry_id: int):
    """?lang= (else the participant's language), ?signatory_name=, ?signatory_title=, ?passport=y (printed only
    for a user with protocol access)."""
    engagement = get_engagement_or_404(engagement_id)
    entry = queries.get_incoming_or_404(engagement, visa_entry_id)
    form = VisaLetterForm(request.args)
    if not form.validate():
        return _visa_page(engagement, form, 400)
    language = letter_language(entry.contact, engagement.partnership, form.lang.data)
    html = documents.visa_letter_html(engagement, entry, language, _signatory(form),
                                      with_passport=bool(form.passport.data) and can_see_sensitive())
    pdf, error = _render_pdf(html)
    if error:
        return error
    name, ascii_name = documents.visa_file_name(entry)
    return pdf_response(pdf, name, ascii_name)


def _thanks_page(engagement, options, failed=None, failed_form=None, status: int = 200):
    """The thank-you page: each recipient's draft in a form of its own; failed_form: the one that came back
    invalid from its PDF, shown as it was typed, with its error."""
    today = office_today()
    over = visit_is_over(engagement, today)
    recipients = queries.thank_you_recipients(engagement) if over else []
    page = paginate_list(recipients)
    drafts = []
    for recipient in page.items:
        language = letter_language(recipient.contact, engagement.partnership, options.lang.data)
        if failed_form is not None and recipient.contact.id == failed:
            form = failed_form
        else:
            form = ThanksForm(formdata=None, data={"body": documents.draft_text(engagement, recipient, language)})
        drafts.append((recipient, language, form))
    return render_template("letters/thanks_page.html", engagement=engagement, partnership=engagement.partnership,
                           record_url=program_url(engagement.record_type, engagement.id), options=options,
                           over=over, thanks_from=engagement_days(engagement)[1] + timedelta(days=1), page=page, drafts=drafts), status


@bp.get("/engagements/<int:engagement_id>/thanks")
@allow(STAFF)
def thanks(engagement_id: int):
    """?lang= (else each one's own language), ?signatory_name=, ?signatory_title=: the drafts' choices."""
    engagement = get_engagement_or_404(engagement_id)
    options = ThanksOptionsForm(request.args)
    if not options.validate():
        return _thanks_page(engagement, options, status=400)
    return _thanks_page(engagement, options)


@bp.route("/engagements/<int:engagement_id>/thanks/<int:thanks_contact_id>.pdf", methods=["GET", "POST"])
@allow(STAFF)
def thanks_letter(engagement_id: int, thanks_contact_id: int):
    """GET: the draft as written; POST: the text as the user edited it (body), in its language (lang) and with
    its signatory. Printing changes nothing, so viewers print too."""
    engagement = get_engagement_or_404(engagement_id)
    back = url_for(".thanks", engagement_id=engagement.id)
    if not visit_is_over(engagement, office_today()):
        flash(_("Thank-you letters are written once the visit is over."), "error")
        return redirect(back)
    recipient = next((r for r in queries.thank_you_recipients(engagement) if r.contact.id == thanks_contact_id),
                     None)
    if recipient is None:
        abort(404)
    if request.method == "POST":
        form = ThanksForm()
        if not form.validate():
            options = ThanksOptionsForm(request.form)
            options.validate()
            return _thanks_page(engagement, options, failed=recipient.contact.id, failed_form=form, status=400)
        language = letter_language(recipient.contact, engagement.partnership, form.lang.data)
        text, signatory = form.body.data, _signatory(form)
    else:
        options = ThanksOptionsForm(request.args)
        if not options.validate():
            return _thanks_page(engagement, options, status=400)
        language = letter_language(recipient.contact, engagement.partnership, options.lang.data)
        text, signatory = documents.draft_text(engagement, recipient, language), _signatory(options)
    pdf, error = _render_pdf(documents.thanks_html(engagement, recipient.contact, text, language, signatory))
    if error:
        return error
    name, ascii_name = documents.thanks_file_name(recipient.contact, office_today())
    return pdf_response(pdf, name, ascii_name)


@bp.app_template_global()
def letter_stay(entry):
    """A roster entry's first and last day of stay (its own, else its engagement's)."""
    return stay_days(entry, entry.engagement)


@bp.app_template_global()
def letter_language_of(entry, chosen=None) -> str:
    """The language a participant's letter is written in (the one chosen, else theirs, else their city's)."""
    return letter_language(entry.contact, entry.engagement.partnership, chosen)
