"""Languages a document or a contact can be in (not only the interface languages)."""
from babel import Locale, UnknownLocaleError
from flask_babel import get_locale

#: languages sister-city agreements are commonly written in
DOCUMENT_LANGUAGES = (
    "en", "es", "fr", "de", "it", "pt", "nl", "pl", "cs", "sv", "no", "da", "fi", "el", "tr", "ru", "uk",
    "ka", "hy", "ar", "he", "fa", "ur", "hi", "mr", "bn", "ta", "th", "vi", "id", "ms", "tl", "ja", "ko",
    "zh_Hans", "zh_Hant", "sw", "am",
)
RIGHT_TO_LEFT_LANGUAGES = {"ar", "he", "fa", "ur"}


def language_label(code: str) -> str:
    """A language's name in the reader's language: "japonés", "Japanese"."""
    try:
        return Locale.parse(code).get_display_name(get_locale()) or code
    except (UnknownLocaleError, ValueError):
        return code


def document_language_choices() -> list[tuple[str, str]]:
    return sorted(((code, language_label(code)) for code in DOCUMENT_LANGUAGES), key=lambda c: c[1].casefold())


def html_lang(code: str) -> str:
    """zh_Hans → zh-Hans, for lang attributes."""
    return code.replace("_", "-")


def direction(code: str) -> str:
    return "rtl" if code.split("_")[0] in RIGHT_TO_LEFT_LANGUAGES else "ltr"
