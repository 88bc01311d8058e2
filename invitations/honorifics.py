"""Honorifics: a controlled list, written as each UN language writes it.

The directory stores the English form ("H.E. Ms"); any other text is kept and printed as
typed. Chinese puts the honorific after the name (王晓明先生阁下), the others before it.
"""

from __future__ import annotations

# English form -> the form in each language; "zh" is a suffix, the others are prefixes.
HONORIFICS: dict[str, dict[str, str]] = {
    "H.E. Mr": {
        "ar": "سعادة السيد",
        "zh": "先生阁下",
        "en": "H.E. Mr",
        "fr": "S.E. M.",
        "ru": "Его Превосходительство г-н",
        "es": "Excmo. Sr.",
    },
    "H.E. Ms": {
        "ar": "سعادة السيدة",
        "zh": "女士阁下",
        "en": "H.E. Ms",
        "fr": "S.E. Mme",
        "ru": "Ее Превосходительство г-жа",
        "es": "Excma. Sra.",
    },
    "H.E.": {
        "ar": "سعادة",
        "zh": "阁下",
        "en": "H.E.",
        "fr": "S.E.",
        "ru": "Его/Ее Превосходительство",
        "es": "Excmo./Excma.",
    },
    "Mr": {"ar": "السيد", "zh": "先生", "en": "Mr", "fr": "M.", "ru": "г-н", "es": "Sr."},
    "Ms": {"ar": "السيدة", "zh": "女士", "en": "Ms", "fr": "Mme", "ru": "г-жа", "es": "Sra."},
    "Dr": {"ar": "الدكتور", "zh": "博士", "en": "Dr", "fr": "Dr", "ru": "д-р", "es": "Dr."},
    "Prof.": {
        "ar": "الأستاذ",
        "zh": "教授",
        "en": "Prof.",
        "fr": "Pr",
        "ru": "проф.",
        "es": "Prof.",
    },
}
CHOICES = tuple(HONORIFICS)
# Languages whose honorific follows the name, with no space between them.
_AFTER_NAME = {"zh"}


def honorific_in(honorific: str, language: str) -> str:
    """The honorific as the language writes it; free text as typed."""
    forms = HONORIFICS.get((honorific or "").strip())
    if forms is None:
        return (honorific or "").strip()
    return forms.get(language, forms["en"])


def with_name(honorific: str, name: str, language: str) -> str:
    """The honorific and the name in the language's order: "S.E. M. Jaan Tamm", "王晓明先生"."""
    form = honorific_in(honorific, language)
    name = (name or "").strip()
    if not form:
        return name
    if not name:
        return form
    if language in _AFTER_NAME and honorific.strip() in HONORIFICS:
        return f"{name}{form}"
    return f"{form} {name}"
