"""The pages of exchanges: the skeleton's, nothing of their own."""
from crm.programs.registry import EXCHANGES
from crm.programs.skeleton import program_blueprint

bp = program_blueprint(EXCHANGES)
