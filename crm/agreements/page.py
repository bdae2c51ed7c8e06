"""What an agreement's page shows beside the agreement: its lifecycle moves, whether its terms are still open, and
the forms of its moves and signatories (blank unless the signatory form comes back invalid from its POST)."""
from crm.agreements import lifecycle
from crm.agreements.forms import MoveForm, SignatoryForm
from crm.agreements.models import Agreement
from crm.agreements.negotiation import negotiation_state
from crm.clock import office_today


def agreement_page(agreement: Agreement, signatory_form: SignatoryForm | None = None) -> dict:
    today = office_today()
    return {
        "moves": lifecycle.allowed_moves(agreement.status), "move_form": MoveForm(formdata=None),
        "signatory_form": signatory_form or SignatoryForm(formdata=None),
        "can_edit_terms": lifecycle.can_edit_terms(agreement.status), "today": today,
        "expiring": lifecycle.is_expiring(agreement.status, agreement.expires_on, today),
        "negotiation": negotiation_state(agreement),  # its card: templates/negotiation/_agreement.html
    }
