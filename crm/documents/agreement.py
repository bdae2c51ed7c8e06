"""The HTML of a printed agreement."""
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale, gettext

from crm.agreements.models import Agreement
from crm.documents.render import long_date, page_label, ui_language
from crm.languages import direction, html_lang


@dataclass
class TextBlock:
    language: str
    lang: str
    dir: str
    title: str | None
    paragraphs: list[str]
    signed: str  #: "Signed at X on <date>" in this language


def agreement_html(agreement: Agreement, layout: str) -> str:
    partnership = agreement.partnership
    blocks = []
    for text in agreement.texts:
        language = text.language
        with force_locale(ui_language(language)):
            if agreement.signed_on:
                signed = gettext("Signed at %(place)s on %(date)s", place=agreement.signed_at or "—",
                                 date=long_date(agreement.signed_on, language))
            else:
                signed = gettext("Not yet signed")
        blocks.append(TextBlock(language, html_lang(language), direction(language), text.title,
                                [p.strip() for p in text.body.replace("\r\n", "\n").split("\n\n") if p.strip()],
                                signed))
    first = blocks[0].language if blocks else ui_language(None)
    side_by_side = layout == "side" and len(blocks) == 2
    rows = []
    if side_by_side:
        left, right = blocks
        for index in range(max(len(left.paragraphs), len(right.paragraphs))):
            rows.append((left.paragraphs[index] if index < len(left.paragraphs) else "",
                         right.paragraphs[index] if index < len(right.paragraphs) else ""))
    return render_template(
        "pdf/agreement.html", agreement=agreement, partnership=partnership, blocks=blocks, rows=rows,
        side_by_side=side_by_side, lang=html_lang(first), dir=direction(first), page_label=page_label(first),
        page_labels={b.lang: page_label(b.language) for b in blocks},
        signatories={side: [s for s in agreement.signatories if s.side.value == side] for side in ("home", "partner")},
    )
