"""Likely duplicate people: the same e-mail address (whatever its case), or a similar name in the same
organization (any of the two people's links). Found in two queries whatever the number of people; the names
are compared here, folded as the app's search folds them (crm.matching.fold: case and accents set aside), in
their order and with their words sorted (YAMADA Taro ~ Taro Yamada)."""
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

from sqlalchemy import func, select

from crm.contacts.models import Contact, PersonLink
from crm.extensions import db
from crm.matching import fold
from crm.partnerships.queries import visible_partnership_ids

#: how alike two folded names must be (difflib's ratio) to be offered as the same person
SIMILAR = 0.85
_NOT_LETTERS = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Pair:
    """Two contacts that may be one person: first_id < second_id."""

    first_id: int
    second_id: int
    same_email: bool
    similarity: float  #: of the names, 0 to 1 (1 for a same e-mail pair whose names differ more)


def _words(name: str) -> str:
    return " ".join(_NOT_LETTERS.sub(" ", fold(name) or "").split())


def name_similarity(first: str, second: str) -> float:
    """How alike two names are, 0 to 1: their folded letters, in order or with the words sorted."""
    a, b = _words(first), _words(second)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    best = 0.0
    for x, y in ((a, b), (" ".join(sorted(a.split())), " ".join(sorted(b.split())))):
        matcher = SequenceMatcher(None, x, y, autojunk=False)
        if matcher.real_quick_ratio() >= SIMILAR and matcher.quick_ratio() >= SIMILAR:
            best = max(best, matcher.ratio())
    return best


def _visible(column):
    return column.in_(select(Contact.id).where(Contact.partnership_id.in_(visible_partnership_ids())))


def duplicate_pairs() -> list[Pair]:
    """Every likely duplicate pair among the people the reader sees: same e-mail first, then by similarity.

    Records sharing an e-mail address are offered as the first of them (the oldest) with each other one: the
    same person entered once per partnership, as contacts were before a person could be linked to several,
    is merged into one in as many steps as there are copies, not one per pair of copies."""
    email = func.lower(Contact.email)
    shared = (select(email).where(Contact.email.is_not(None), Contact.email != "",
                                  Contact.partnership_id.in_(visible_partnership_ids()))
              .group_by(email).having(func.count() > 1))
    by_email: dict[str, list[int]] = {}
    for row in db.session.execute(
            select(Contact.id, email.label("email")).where(email.in_(shared),
                                                           Contact.partnership_id.in_(visible_partnership_ids()))
            .order_by(Contact.id)):
        by_email.setdefault(row.email, []).append(row.id)
    pairs: dict[tuple[int, int], Pair] = {}
    cluster: dict[int, str] = {}
    for address, ids in by_email.items():
        for other in ids[1:]:
            pairs[(ids[0], other)] = Pair(ids[0], other, True, 1.0)
        cluster.update(dict.fromkeys(ids, address))
    members = db.session.execute(
        select(PersonLink.organization_id, Contact.id, Contact.name, Contact.name_romanized)
        .join(Contact, Contact.id == PersonLink.contact_id)
        .where(PersonLink.organization_id.is_not(None), _visible(PersonLink.contact_id))
        .distinct().order_by(PersonLink.organization_id, Contact.id)).all()
    by_organization: dict[int, dict[int, tuple[str, str | None]]] = {}
    for row in members:
        by_organization.setdefault(row.organization_id, {})[row.id] = (row.name, row.name_romanized)
    for people in by_organization.values():
        for (a, (name_a, latin_a)), (b, (name_b, latin_b)) in combinations(sorted(people.items()), 2):
            if (a, b) in pairs or (a in cluster and cluster[a] == cluster.get(b)):
                continue
            score = max(name_similarity(name_a, name_b),
                        name_similarity(latin_a, latin_b) if latin_a and latin_b else 0.0)
            if score >= SIMILAR:
                pairs[(a, b)] = Pair(a, b, False, score)
    return sorted(pairs.values(), key=lambda p: (not p.same_email, -p.similarity, p.first_id, p.second_id))
