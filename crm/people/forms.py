"""The forms of people: a link to a partnership, and the choices of a merge."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy, under the name extraction knows
from sqlalchemy import select
from wtforms import HiddenField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from crm.contacts.links_queries import organization_choices_by_partnership
from crm.contacts.models import Organization
from crm.enums import Side, Visibility
from crm.extensions import db
from crm.forms import Form, enum_choices, none_if_empty
from crm.partnerships.choices import partnership_choices
from crm.partnerships.models import Partnership
from crm.partnerships.queries import visible_partnership_ids
from crm.versioning import VersionField


class LinkForm(Form):
    """A person's part in one partnership, once made: the partnership stays (partnership_id says which)."""

    version = VersionField()
    side = RadioField(_l("Side"), choices=enum_choices(Side), default=Side.HOME.value, validators=[InputRequired()])
    organization_id = SelectField(_l("Organization"), coerce=int, validators=[Optional()],
                                  description=_l("One of that partnership's organizations, if any."))
    role = StringField(pgettext("participant", "Role"), validators=[Optional(), Length(max=200)], filters=[none_if_empty],
                       description=_l("For example: interpreter, host family, school principal."))
    visibility = RadioField(_l("Visible to"), choices=enum_choices(Visibility), default=Visibility.SHARED.value,
                            validators=[InputRequired()],
                            description=_l("Shared: the partner city's guests see this person on that partnership."))

    #: the partnership of the link (a new link's is chosen on the form)
    fixed_partnership_id: int | None = None

    def chosen_partnership(self) -> int | None:
        return self.fixed_partnership_id

    def validate(self, extra_validators=None):
        """Besides each field's own checks: the organization belongs to the link's partnership."""
        valid = super().validate(extra_validators)
        if valid and self.organization_id.data:
            owner = db.session.scalar(select(Organization.partnership_id)
                                      .where(Organization.id == self.organization_id.data))
            if owner != self.chosen_partnership():
                self.organization_id.errors = [*self.organization_id.errors,
                                               _("Choose an organization of that partnership.")]
                valid = False
        return valid


class NewLinkForm(LinkForm):
    """A new link: the partnership is chosen among those the reader sees."""

    partnership_id = SelectField(_l("Partnership"), coerce=int, validators=[InputRequired()])

    def chosen_partnership(self) -> int | None:
        return self.partnership_id.data

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.partnership_id.data:
            self.partnership_id.errors = [*self.partnership_id.errors, _("Choose a partnership.")]
            valid = False
        return valid


def make_link_form(link=None, partnership_id: int | None = None) -> LinkForm:
    """The link form with its choices: the partnerships the reader sees and their organizations; an existing
    link keeps its partnership."""
    if link is not None:
        form = LinkForm(obj=link)
        form.fixed_partnership_id = link.partnership_id
        form.organization_id.choices = organization_choices_by_partnership(
            visible_partnership_ids().where(Partnership.id == link.partnership_id), _l("No organization"))
    else:
        form = NewLinkForm()
        form.partnership_id.choices = partnership_choices(_l("Choose a partnership"))
        form.organization_id.choices = organization_choices_by_partnership(visible_partnership_ids(),
                                                                           _l("No organization"))
        if not form.is_submitted() and partnership_id:
            form.partnership_id.data = partnership_id
    if not form.is_submitted():
        form.organization_id.data = (link.organization_id if link is not None else None) or 0
    return form


class MergeForm(Form):
    """The versions both people were shown at (a change meanwhile stops the merge), and per differing field
    which one's value to keep (fields added by merge_form)."""

    keep_version = HiddenField()
    drop_version = HiddenField()
