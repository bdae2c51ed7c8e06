"""Staff answer the partner's comments on an itinerary: the reply sits under the comment, on the mission's page
and in the guest's portal. It flushes; the request commits."""
from flask_babel import lazy_pgettext as pgettext  # lazy, under the name extraction knows
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from crm.auth.models import User
from crm.extensions import db
from crm.forms import Form, strip_filter
from crm.programs.missions.models import ItineraryComment


class ReplyForm(Form):
    body = TextAreaField(pgettext("noun", "Reply"), validators=[DataRequired(), Length(max=5000)], filters=[strip_filter])


def add_reply(comment: ItineraryComment, form: ReplyForm, author: User) -> ItineraryComment:
    """A staff reply to a comment: on the same appointment, seen by the same partnership's guests."""
    reply = ItineraryComment(item_id=comment.item_id, partnership_id=comment.partnership_id, author=author,
                             reply_to_id=comment.reply_to_id or comment.id, body=form.body.data)
    db.session.add(reply)
    db.session.flush()
    return reply
