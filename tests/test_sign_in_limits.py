"""Issue 15, item 2: the per-account limits count the address the form authenticates, however it is typed."""
import pytest

from crm.auth.addresses import account_key, normalise_email
from crm.extensions import limiter
from tests.factories import PASSWORD

ADDRESS = "coordinator@city.example"
SIGN_IN_LIMIT = 10  # per account and minute
RESET_LIMIT = 3  # reset e-mails per account and hour


def variants() -> list[str]:
    """Ways of typing ADDRESS that the form reads as ADDRESS."""
    local, domain = ADDRESS.split("@")
    inside = [chr(code) for code in range(0x20)] + ["\x7f", "\x85"]  # every C0 control, DEL, a C1
    invisible = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e"]  # zero-width, bidi
    spelled = [f"{local[:5]}{character}{local[5:]}@{domain}" for character in inside + invisible]
    spelled += [ADDRESS.upper(), "Coordinator@City.Example", f"  {ADDRESS}\t",
                "ｃｏｏｒｄｉｎａｔｏｒ＠ｃｉｔｙ．ｅｘａｍｐｌｅ",  # full-width (compatibility) forms
                "coordinator\u200b@CITY.example\x01", f"\ufeff{ADDRESS}"]
    return spelled


def test_every_variant_normalises_to_the_address_and_its_key():
    for variant in variants():
        assert normalise_email(variant) == ADDRESS, repr(variant)
        assert account_key(variant) == account_key(ADDRESS), repr(variant)


def chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def test_the_sign_in_after_the_limit_is_refused_whatever_the_variant(client, make):
    make.user("coordinator", email=ADDRESS)
    all_variants = variants()
    # Every variant is once among the counted attempts and once the attempt past the limit.
    rotated = all_variants[SIGN_IN_LIMIT:] + all_variants[:SIGN_IN_LIMIT]
    for counted, over in zip(chunks(all_variants, SIGN_IN_LIMIT), chunks(rotated, SIGN_IN_LIMIT), strict=False):
        limiter.reset()
        for variant in counted:
            response = client.post("/sign-in", data={"email": variant, "password": "not the password"})
            assert response.status_code == 200, repr(variant)
        for _ in range(SIGN_IN_LIMIT - len(counted)):
            client.post("/sign-in", data={"email": ADDRESS, "password": "not the password"})
        response = client.post("/sign-in", data={"email": over[0], "password": PASSWORD})
        assert response.status_code == 429, repr(over[0])  # even with the right password


def test_a_variant_signs_in_as_the_account_it_names(app, make):
    make.user("coordinator", email=ADDRESS)
    for variant in variants():
        limiter.reset()  # every attempt counts, successful ones too
        client = app.test_client()
        response = client.post("/sign-in", data={"email": variant, "password": PASSWORD})
        assert response.status_code == 302, repr(variant)


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    return tmp_path


def test_reset_requests_after_the_limit_send_nothing_whatever_the_variant(client, make, outbox):
    make.user("coordinator", email=ADDRESS)
    all_variants = variants()
    all_variants += [ADDRESS] * (-len(all_variants) % (RESET_LIMIT + 1))  # whole rounds
    rounds = 0
    for counted in chunks(all_variants, RESET_LIMIT + 1):
        limiter.reset()
        *allowed, over = counted
        for variant in allowed:
            assert client.post("/forgot-password", data={"email": variant}).status_code == 302, repr(variant)
        assert client.post("/forgot-password", data={"email": over}).status_code == 429, repr(over)
        rounds += 1
    assert len(list(outbox.glob("*.eml"))) == RESET_LIMIT * rounds  # only the allowed ones were mailed
