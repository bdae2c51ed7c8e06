"""The partner's list as a spreadsheet (CSV or XLSX), read as the contacts import reads one
(crm.imports.reading) and with its column guessing (crm.imports.columns: the app's own labels in every interface
language, and common headers in several), then shown as a preview before anything is saved.

Between the preview and "Add to the list" the file travels in the form, as read and signed with the app's key (tied
to the engagement, the side and the user), so nothing is stored until the list is applied, and what is applied is
what was previewed."""
import re
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy, under the name extraction knows
from flask_babel import ngettext
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import SelectField

from crm.enums import ParticipantRole, Sex
from crm.forms import options
from crm.imports.columns import in_every_language
from crm.imports.countries import country_code, fold
from crm.imports.reading import UnreadableFile, parse_date, read_table
from crm.imports.values import YES_WORDS, from_label
from crm.protocol.rosters.forms import ApplyUploadForm

#: a participant list longer than this is not a roster (a grant's event has 50 to a few hundred)
MAX_ROWS = 500
#: field → (label, header spellings in several languages, required): the more specific names first, so that the
#: guess inside a header ("name in Latin letters" holds "name") takes them before the plain name
ROSTER_FIELDS = {
    "name_native": (_l("Name in its own script"), [
        "native name", "name in own script", "original name", "local name", "name native", "漢字", "漢字氏名",
        "氏名 漢字", "中文名", "中文姓名", "الاسم بالعربية", "الاسم العربي"], False),
    "name_romanized": (_l("Name in Latin letters"), [
        "romanized name", "romanised name", "romanized", "romanised", "latin name", "name in latin letters",
        "passport name", "name as in passport", "ローマ字", "ローマ字氏名", "氏名 ローマ字", "拼音", "英文名",
        "الاسم باللاتينية", "الاسم بالإنجليزية"], False),
    "name": (_l("Name"), ["name", "full name", "participant", "nombre", "nom", "nom complet", "vollstandiger name",
                          "teilnehmer", "名前", "氏名", "参加者", "姓名", "الاسم", "الاسم الكامل"], False),
    "email": (_l("E-mail"), ["email", "e mail", "mail", "correo", "courriel", "メール", "邮箱", "البريد الإلكتروني"],
              False),
    "town": (_l("Town"), ["town", "city", "municipality", "home town", "ciudad", "municipio", "ville", "commune",
                          "stadt", "ort", "gemeinde", "市町村", "都市", "出身地", "城市", "المدينة", "البلدة"], False),
    "country": (_l("Country"), ["country", "nationality", "pais", "nacionalidad", "pays", "nationalite", "land",
                                "staat", "国", "国籍", "国家", "الدولة", "البلد", "الجنسية"], False),
    "role": (pgettext("participant", "Role"), ["role", "function", "position", "category", "rol", "funcion",
                                              "fonction", "funktion", "rolle", "役割", "役職", "区分", "角色", "身份",
                                              "الدور", "الصفة"], False),
    "arrives_on": (_l("Arrives on"), ["arrival", "arrives", "arrival date", "from", "llegada", "arrivee",
                                      "ankunft", "anreise", "到着", "到着日", "抵达", "到达", "الوصول",
                                      "تاريخ الوصول"], False),
    "leaves_on": (_l("Leaves on"), ["departure", "leaves", "departure date", "until", "to", "salida", "depart",
                                    "abreise", "abfahrt", "出発", "出発日", "帰国日", "离开", "出发", "المغادرة",
                                    "تاريخ المغادرة"], False),
    "sex": (_l("Sex"), ["sex", "gender", "sexo", "genero", "genre", "geschlecht", "性別", "性别", "الجنس"], False),
    "minor": (_l("Under 18"), ["minor", "under 18", "menor", "menor de edad", "mineur", "minderjahrig", "未成年",
                               "未成年者", "قاصر"], False),
}
#: the columns asked for only where the office collects sex and age
COLLECTED = ("sex", "minor")
NAME_FIELDS = ("name", "name_native", "name_romanized")

#: common words for the roles, besides the app's own labels in every interface language
ROLE_WORDS = {
    ParticipantRole.STUDENT: ("student", "pupil", "estudiante", "alumno", "eleve", "etudiant", "schuler",
                              "生徒", "学生", "طالب", "طالبة"),
    ParticipantRole.CHAPERONE: ("chaperone", "teacher", "leader", "acompanante", "profesor", "accompagnateur",
                                "betreuer", "lehrer", "引率", "引率者", "教師", "教員", "领队", "老师", "مرافق", "معلم"),
    ParticipantRole.OFFICIAL: ("official", "mayor", "councillor", "council member", "alcalde", "maire", "elu",
                               "burgermeister", "市長", "議員", "市长", "官员", "مسؤول", "عمدة", "محافظ"),
    ParticipantRole.INTERPRETER: ("interpreter", "translator", "interprete", "dolmetscher", "通訳", "翻译",
                                  "مترجم"),
    ParticipantRole.JOURNALIST: ("journalist", "press", "periodista", "journaliste", "記者", "记者", "صحفي"),
    ParticipantRole.STAFF: ("staff", "employee", "personal", "職員", "工作人员", "موظف"),
    ParticipantRole.DELEGATE: ("delegate", "member", "delegado", "delegue", "delegierter", "団員", "代表",
                               "代表团成员", "مندوب", "عضو"),
}
SEX_WORDS = {Sex.FEMALE: ("f", "female", "woman", "girl", "w", "femenino", "mujer", "femme", "feminin", "weiblich",
                          "女", "女性", "أنثى", "انثى"),
             Sex.MALE: ("m", "male", "man", "boy", "masculino", "hombre", "homme", "masculin", "mannlich", "男",
                        "男性", "ذكر")}
_JAPANESE_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def fields_for(collect: bool) -> dict:
    return {name: spec for name, spec in ROSTER_FIELDS.items() if collect or name not in COLLECTED}


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="roster-upload")


def sign(headers: list[str], rows: list[list[str]], *, engagement_id: int, user_id: int, filename: str) -> str:
    return _serializer().dumps({"e": engagement_id, "u": user_id, "f": filename, "h": headers, "r": rows})


def unsign(token: str, *, engagement_id: int, user_id: int) -> tuple[list[str], list[list[str]], str] | None:
    """(headers, rows, file name) of a signed table made for this engagement and user; None if it is not one."""
    try:
        data = _serializer().loads(token or "")
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("e") != engagement_id or data.get("u") != user_id:
        return None
    return data["h"], data["r"], data.get("f") or ""


def read(filename: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """The file's header and rows; UnreadableFile with the reason in the reader's words."""
    headers, rows = read_table(filename, data)
    if len(rows) > MAX_ROWS:
        raise UnreadableFile(ngettext("The list has more than %(num)d row; a roster this long is not a participant "
                                      "list. Split it, or ask the city's staff.",
                                      "The list has more than %(num)d rows; a roster this long is not a participant "
                                      "list. Split it, or ask the city's staff.", MAX_ROWS))
    return headers, rows


def mapping_form(fields: dict, headers: list[str], rows: list[list[str]], mapping: dict, token: str,
                 fresh: bool = False):
    """The preview's form: a select per field listing the file's columns with a few sample values; fresh: just
    uploaded (the guesses), else as submitted."""

    class MappingForm(ApplyUploadForm):
        pass

    samples = rows[:3]

    def label(index: int) -> str:
        shown = ", ".join(v for v in dict.fromkeys(row[index] for row in samples if row[index]))[:60]
        return f"{headers[index]} ({shown})" if shown else headers[index]

    choices = options([(-1, _l("Not in the file"))] + [(i, label(i)) for i in range(len(headers))])
    for name, (field_label, _spellings, _required) in fields.items():
        setattr(MappingForm, name, SelectField(field_label, coerce=int, choices=choices,
                                               default=-1 if mapping.get(name) is None else mapping[name]))
    form = MappingForm(formdata=None) if fresh else MappingForm()
    form.table.data = token
    return form


def chosen_mapping(form, fields: dict, width: int) -> dict[str, int | None]:
    mapping = {}
    for name in fields:
        value = form[name].data
        mapping[name] = value if isinstance(value, int) and 0 <= value < width else None
    return mapping


def _yes(text: str) -> bool | None:
    folded = fold(text or "")
    if not folded:
        return None
    return folded in YES_WORDS or folded in in_every_language(_l("Yes"))


def role_of(text: str) -> ParticipantRole | None:
    if not (text or "").strip():
        return None
    if role := from_label(ParticipantRole, text):
        return role
    folded = fold(text)
    for role, words in ROLE_WORDS.items():
        if folded in words or any(word in folded.split() for word in words if len(word) > 3):
            return role
    return ParticipantRole.OTHER


def sex_of(text: str) -> Sex | None:
    if sex := from_label(Sex, text):
        return sex
    folded = fold(text or "")
    return next((sex for sex, words in SEX_WORDS.items() if folded in words), None)


def sex_label(code: str | None) -> str | None:
    """A person's recorded sex as its label (the exports), or None."""
    return str(Sex(code).label) if code in {sex.value for sex in Sex} else None


def date_of(text: str) -> date | None:
    text = (text or "").strip()
    if match := _JAPANESE_DATE.fullmatch(text):
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            return None
    if re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+", text):  # a date and time cell: the day
        text = text[:10]
    return parse_date(text)


@dataclass
class PreviewRow:
    number: int  #: as the spreadsheet shows it (the header is row 1)
    values: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)

    @property
    def name(self) -> str | None:
        return next((self.values[key] for key in NAME_FIELDS if self.values.get(key)), None)

    @property
    def skipped(self) -> bool:
        return not self.name


def parse_rows(rows: list[list[str]], mapping: dict) -> list[PreviewRow]:
    """Each row as it would be saved, with what could not be understood."""
    parsed = []
    for number, row in enumerate(rows, start=2):
        def cell(name: str, row=row) -> str:
            index = mapping.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        preview = PreviewRow(number)
        values = preview.values
        for name in ("name", "name_native", "name_romanized", "town"):
            values[name] = cell(name)[:200] or None
        email = cell("email")
        values["email"] = email[:254] if "@" in email else None
        if text := cell("country"):
            values["country"] = country_code(text)
            if values["country"] is None:
                preview.problems.append(_("Country “%(text)s” not recognised; left blank.", text=text))
        values["role"] = role_of(cell("role")) or ParticipantRole.DELEGATE
        for name in ("arrives_on", "leaves_on"):
            if text := cell(name):
                values[name] = date_of(text)
                if values[name] is None:
                    preview.problems.append(_("Date “%(text)s” not understood; left blank.", text=text))
        if values.get("arrives_on") and values.get("leaves_on") and values["leaves_on"] < values["arrives_on"]:
            preview.problems.append(_("The departure is before the arrival; the dates were left blank."))
            values["arrives_on"] = values["leaves_on"] = None
        if "sex" in mapping:
            values["sex"] = sex_of(cell("sex"))
        if "minor" in mapping:
            values["minor"] = _yes(cell("minor"))
        if preview.skipped:
            preview.problems.append(_("No name: this row is left out."))
        parsed.append(preview)
    return parsed
