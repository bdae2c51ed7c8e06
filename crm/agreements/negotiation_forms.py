"""The forms of negotiating an agreement: a partner's proposed change to one text."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from crm.forms import Form, none_if_empty


class ProposalForm(Form):
    """A change to one text, written over a copy of it: the text itself is not touched until staff accept."""

    title = StringField(_l("Title in this language"), validators=[Optional(), Length(max=300)],
                        filters=[none_if_empty], render_kw={"dir": "auto"})
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=200_000)], render_kw={"dir": "auto"})
    comment = TextAreaField(_l("Why this change (optional)"), validators=[Optional(), Length(max=5000)],
                            filters=[none_if_empty], render_kw={"dir": "auto"})


def proposal_form_for(text, formdata=None) -> ProposalForm:
    """The form for one text, filled with the text as it is (a blank POST-less form unless formdata is given);
    its fields are prefixed with the text's id: one page has a form per text."""
    if formdata is not None:
        return ProposalForm(prefix=f"t{text.id}")
    return ProposalForm(formdata=None, prefix=f"t{text.id}", data={"title": text.title, "body": text.body})
