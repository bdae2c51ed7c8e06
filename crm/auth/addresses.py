"""One spelling of an e-mail address for signing in, resetting and rate-limiting alike.

The per-account limits must count exactly what the form authenticates: if the
limiter saw `coord\\x01inator@…` as a new account while the form signed in
`coordinator@…`, every invisible variant would be a fresh set of guesses.
"""
import unicodedata

from crm.extensions import limiter

#: Unicode categories no one means inside an address: control (C0, DEL, C1) and format characters
#: (zero-width space and joiners, word joiner, byte-order mark, soft hyphen, bidi controls).
_INVISIBLE = frozenset(("Cc", "Cf"))
MAX_LENGTH = 254


def normalise_email(value) -> str:
    """The address as accounts are looked up: NFKC, invisible characters removed, casefolded, trimmed."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFKC", value)
    text = "".join(character for character in text if unicodedata.category(character) not in _INVISIBLE)
    return unicodedata.normalize("NFKC", text.casefold()).strip()


def account_key(email: str | None) -> str:
    """The rate-limit key of the account an address names, however it was typed."""
    return "account:" + (normalise_email(email or "") or "")[:MAX_LENGTH]


#: Password guesses at one account, wherever they are made: the sign-in form and an invitation that asks
#: for an existing account's password draw on the same budget.
PASSWORD_GUESSES = "10 per minute; 50 per hour"
PASSWORD_GUESSES_SCOPE = "account-password-guesses"


def limit_password_guesses(key_func):
    """The per-account limit on password guesses; key_func names the account with account_key()."""
    return limiter.shared_limit(PASSWORD_GUESSES, scope=PASSWORD_GUESSES_SCOPE, key_func=key_func, methods=["POST"])
