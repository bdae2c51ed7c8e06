"""How a person's name is written (issue 22 §5): in its own script and romanized, in its own order (family name
first for Chinese, Japanese, Korean and Hungarian names), with the form of address. Every page, list and PDF
that prints a participant's or host's name uses these, so a name is written the same way everywhere."""
from crm.contacts.models import Contact


def own_script(person: Contact) -> str:
    """The name as its owner writes it: 山田 太郎; the name as typed when no own-script form is recorded."""
    return person.name_native or person.name


def romanized(person: Contact) -> str:
    """The name in Latin letters, family name in capitals when it comes first (YAMADA Taro); None-safe."""
    if person.name_romanized and person.family_name_first:
        family, _space, given = person.name_romanized.strip().partition(" ")
        # the capitals tell a reader abroad which part is the family name ("Yamada Taro" → "YAMADA Taro")
        return f"{family.upper()} {given.strip()}" if given.strip() else family
    return person.name_romanized or person.passport_name or person.name


def as_in_passport(person: Contact) -> str:
    """The name as the passport prints it (visa letters, certified lists), else its romanized form."""
    return person.passport_name or romanized(person)


def both(person: Contact) -> str:
    """"山田 太郎 (YAMADA Taro)", or the one form when the two are the same."""
    native, latin = own_script(person), romanized(person)
    return native if native == latin else f"{native} ({latin})"


def addressed(person: Contact) -> str:
    """The name with its form of address, in the order of the name: "Mayor Jane Doe"; a family-name-first name
    takes the title after it in the person's own script ("山田 太郎 市長") and before it in romanized form."""
    if not person.honorific:
        return own_script(person)
    if person.family_name_first and person.name_native:
        return f"{person.name_native} {person.honorific}"
    return f"{person.honorific} {own_script(person)}"
