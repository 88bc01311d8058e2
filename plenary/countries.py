"""ITU Member States with their regions and names in the six UN languages."""

from __future__ import annotations

import csv
import functools
import gettext
import io
from dataclasses import dataclass, field
from importlib import resources

import pycountry

UN_LANGUAGES: tuple[str, ...] = ("ar", "zh", "en", "fr", "ru", "es")

REGIONS: tuple[str, ...] = ("africa", "americas", "asia", "europe", "oceania")

_REGION_LABELS: dict[str, str] = {
    "africa": "Africa",
    "americas": "Americas",
    "asia": "Asia",
    "europe": "Europe",
    "oceania": "Oceania",
}

# pycountry ships its translations under POSIX locale names; Chinese must be the
# simplified (mainland) catalogue, as used by the UN.
_GETTEXT_LOCALES: dict[str, str] = {
    "ar": "ar",
    "zh": "zh_CN",
    "fr": "fr",
    "ru": "ru",
    "es": "es",
}

# Corrections on top of pycountry, keyed by alpha-2 code then language. pycountry's
# iso-codes translations are community-maintained and, for the 193 Member States,
# one is missing (Türkiye in Arabic), one names the wrong country (Moldova in
# Arabic is "Maldives"), some are misspelt, and some keep ISO's inverted sort form
# ("Congo, The Democratic Republic of the"), which reads wrongly on a page. Korea's
# colloquial "North/South Korea" is replaced by the names both states and the UN use.
_NAME_OVERRIDES: dict[str, dict[str, str]] = {
    # Missing from pycountry.
    "TR": {"ar": "تركيا"},
    # Wrong country or mistranslation.
    "MD": {"ar": "مولدوفا"},
    "VA": {
        "ar": "الكرسي الرسولي (دولة مدينة الفاتيكان)",
        "fr": "Saint-Siège (État de la Cité du Vatican)",
    },
    # Misspellings and non-standard forms.
    "BD": {"zh": "孟加拉国"},
    "BF": {"es": "Burkina Faso"},
    "BO": {"zh": "玻利维亚"},
    "CF": {"ru": "Центральноафриканская Республика"},
    "CI": {"es": "Côte d'Ivoire"},
    "DO": {"ru": "Доминиканская Республика"},
    "GQ": {"fr": "Guinée équatoriale"},
    "GT": {"zh": "危地马拉"},
    "HU": {"ar": "هنغاريا"},
    "KG": {"zh": "吉尔吉斯斯坦"},
    "KH": {"zh": "柬埔寨"},
    "LT": {"ar": "ليتوانيا"},
    "ME": {"ar": "الجبل الأسود"},
    "RS": {"ar": "صربيا"},
    "SR": {"es": "Suriname"},
    "TN": {"es": "Túnez"},
    "US": {"ru": "Соединённые Штаты"},
    # ISO's inverted sort forms.
    "CD": {
        "en": "Democratic Republic of the Congo",
        "ar": "جمهورية الكونغو الديمقراطية",
        "es": "República Democrática del Congo",
    },
    "FM": {
        "en": "Micronesia (Federated States of)",
        "ar": "ولايات ميكرونيزيا الموحدة",
        "fr": "Micronésie (États fédérés de)",
        "es": "Micronesia (Estados Federados de)",
    },
    "IR": {"ar": "إيران"},
    "KM": {"es": "Comoras"},
    "RU": {"fr": "Fédération de Russie"},
    "SB": {"fr": "Îles Salomon"},
    # Diplomatic usage.
    "KP": {
        "en": "Democratic People's Republic of Korea",
        "ar": "جمهورية كوريا الشعبية الديمقراطية",
        "zh": "朝鲜民主主义人民共和国",
        "fr": "République populaire démocratique de Corée",
        "ru": "Корейская Народно-Демократическая Республика",
        "es": "República Popular Democrática de Corea",
    },
    "KR": {
        "en": "Republic of Korea",
        "ar": "جمهورية كوريا",
        "zh": "大韩民国",
        "fr": "République de Corée",
        "ru": "Республика Корея",
        "es": "República de Corea",
    },
}


@dataclass(frozen=True)
class MemberState:
    """An ITU Member State with its M49 region and names keyed by UN language."""

    code: str
    region: str
    # A dict is unhashable, so keep it out of the generated __hash__.
    names: dict[str, str] = field(hash=False)

    def name(self, language: str) -> str:
        """Return the name in the given language, or the English name if there is none."""
        return self.names.get(language) or self.names["en"]


class _Untranslated(gettext.NullTranslations):
    """Gettext fallback that answers an empty string for messages with no translation."""

    def gettext(self, message: str) -> str:
        # GNUTranslations returns the msgid itself when a message is missing, which is
        # indistinguishable from a translation that happens to equal the English.
        return ""


def _translations() -> dict[str, gettext.NullTranslations]:
    """Load pycountry's iso3166-1 catalogue for each non-English UN language."""
    catalogues: dict[str, gettext.NullTranslations] = {}
    for language, locale in _GETTEXT_LOCALES.items():
        catalogue = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True
        )
        catalogue.add_fallback(_Untranslated())
        catalogues[language] = catalogue
    return catalogues


def _names(code: str, catalogues: dict[str, gettext.NullTranslations]) -> dict[str, str]:
    """Build the six-language names of one country from pycountry plus the overrides."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        raise ValueError(f"unknown ISO 3166-1 alpha-2 code: {code}")
    # ISO's formal "name" is often an inverted long form; "common_name" is the
    # everyday short name when the two differ.
    english: str = getattr(country, "common_name", None) or country.name
    # The catalogues only hold msgids for some of the three fields, so try the one
    # matching the English name first and then the others.
    candidates = [
        msgid
        for msgid in dict.fromkeys((english, country.name, getattr(country, "official_name", None)))
        if msgid
    ]
    names = {"en": english}
    for language, catalogue in catalogues.items():
        translated = (catalogue.gettext(msgid) for msgid in candidates)
        names[language] = next((text for text in translated if text), english)
    names.update(_NAME_OVERRIDES.get(code, {}))
    return {language: names[language] for language in UN_LANGUAGES}


@functools.cache
def member_states() -> list[MemberState]:
    """Return the 193 ITU Member States sorted by code (cached; do not mutate)."""
    text = resources.files("plenary.data").joinpath("member_states.csv").read_text("utf-8")
    catalogues = _translations()
    states: list[MemberState] = []
    for row in csv.DictReader(io.StringIO(text)):
        code, region = row["code"].strip(), row["region"].strip()
        if region not in REGIONS:
            raise ValueError(f"member_states.csv: unknown region {region!r} for {code}")
        states.append(MemberState(code=code, region=region, names=_names(code, catalogues)))
    return sorted(states, key=lambda state: state.code)


def region_label(region: str) -> str:
    """Return the English label of a region key, raising KeyError for an unknown key."""
    return _REGION_LABELS[region]
