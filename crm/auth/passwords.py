"""Password hashing (Argon2id) and the password policy."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

_hasher = PasswordHasher()
MIN_LENGTH = 10
# A few of the most used passwords; the length rule already rules out most.
COMMON_PASSWORDS = frozenset({
    "password123", "1234567890", "qwertyuiop", "password1234", "123456789a", "iloveyou12",
    "sistercity", "sistercities", "letmein123", "administrator", "welcome123", "qwerty1234",
})


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        # Spend the same effort as a real check so timing says nothing.
        _hasher.hash(password)
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def password_problems(password: str, email: str = "") -> list:
    """What is wrong with a proposed password, in the reader's language."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(lazy_ngettext("Use at least %(num)d character.", "Use at least %(num)d characters.", MIN_LENGTH))
    if email and password.strip().casefold() in {email.casefold(), email.split("@")[0].casefold()}:
        problems.append(_l("Do not use your e-mail address as your password."))
    if password.casefold() in COMMON_PASSWORDS:
        problems.append(_l("This password is too common; choose another."))
    return problems
