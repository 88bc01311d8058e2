"""ITU Member States with their regions and names in the six UN languages."""

from __future__ import annotations

import csv
import functools
import gettext
import io
from dataclasses import dataclass, field
from importlib import resources

import pycountry
from flask_babel import LazyString

from .i18n import lazy_gettext as _l

UN_LANGUAGES: tuple[str, ...] = ("ar", "zh", "en", "fr", "ru", "es")

REGIONS: tuple[str, ...] = ("africa", "americas", "asia", "europe", "oceania")

# Lazy: each form, page and filter shows the region in the reader's language.
_REGION_LABELS: dict[str, LazyString] = {
    "africa": _l("Africa"),
    "americas": _l("Americas"),
    "asia": _l("Asia"),
    "europe": _l("Europe"),
    "oceania": _l("Oceania"),
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

# UN short names where pycountry's differ, keyed by alpha-2 code then language (in the
# UN's order: ar, zh, en, fr, ru, es). Source: the short names in UNTERM, the UN
# terminology database, as used in the UN's six-language list of Member States, with the
# article UNTERM appends ("Bahamas (the)", "Afganistán (el)") dropped. pycountry gives
# everyday names ("Iran", "Vietnam", "South Korea"), ISO's inverted sort forms, and
# community translations that are sometimes missing, misspelt or wrong (Moldova as
# "Maldives" in Arabic). A code or language absent here already has its UN name in
# pycountry, so it is left alone.
# Chinese brackets are full-width, as the UN writes them. Left as pycountry has it for want
# of a confirmed spelling: the Netherlands in Arabic ("Kingdom of the" form since 2023).
_NAME_OVERRIDES: dict[str, dict[str, str]] = {
    "AE": {
        "ar": "الإمارات العربية المتحدة",
        "zh": "阿拉伯联合酋长国",
        "ru": "Объединенные Арабские Эмираты",
    },
    "AG": {"ar": "أنتيغوا وبربودا"},
    "AT": {"ar": "النمسا"},
    "BA": {"ar": "البوسنة والهرسك"},
    "BD": {"ar": "بنغلاديش", "zh": "孟加拉国", "es": "Bangladesh"},
    "BF": {"ar": "بوركينا فاسو", "es": "Burkina Faso"},
    "BH": {"es": "Bahrein"},
    "BJ": {"ar": "بنن", "es": "Benin"},
    "BN": {"ar": "بروني دار السلام", "zh": "文莱达鲁萨兰国", "ru": "Бруней-Даруссалам"},
    "BO": {
        "ar": "بوليفيا (دولة - المتعددة القوميات)",
        "zh": "玻利维亚（多民族国）",
        "en": "Bolivia (Plurinational State of)",
        "fr": "Bolivie (État plurinational de)",
        "ru": "Боливия (Многонациональное Государство)",
        "es": "Bolivia (Estado Plurinacional de)",
    },
    "BS": {"ru": "Багамские Острова"},
    "BT": {"es": "Bhután"},
    "BW": {"es": "Botswana"},
    "BY": {"ar": "بيلاروس", "es": "Belarús"},
    "BZ": {"ar": "بليز"},
    "CD": {
        "ar": "جمهورية الكونغو الديمقراطية",
        "en": "Democratic Republic of the Congo",
        "es": "República Democrática del Congo",
    },
    "CF": {"ar": "جمهورية أفريقيا الوسطى", "ru": "Центральноафриканская Республика"},
    "CG": {"fr": "Congo"},
    "CI": {"ar": "كوت ديفوار", "es": "Côte d'Ivoire"},
    "CL": {"ar": "شيلي"},
    "CN": {"ar": "الصين"},
    "CV": {"ar": "كابو فيردي", "fr": "Cabo Verde"},
    "CZ": {"ar": "تشيكيا"},
    "DJ": {"es": "Djibouti"},
    "DK": {"ar": "الدانمرك"},
    "DO": {"ar": "الجمهورية الدومينيكية", "zh": "多米尼加", "ru": "Доминиканская Республика"},
    "DZ": {"es": "Argelia"},
    "EC": {"ar": "إكوادور"},
    "FJ": {"es": "Fiji"},
    "FM": {
        "ar": "ميكرونيزيا (ولايات - الموحدة)",
        "zh": "密克罗尼西亚（联邦）",
        "en": "Micronesia (Federated States of)",
        "fr": "Micronésie (États fédérés de)",
        "ru": "Микронезия (Федеративные Штаты)",
        "es": "Micronesia (Estados Federados de)",
    },
    "GA": {"ar": "غابون"},
    "GB": {
        "ar": "المملكة المتحدة لبريطانيا العظمى وآيرلندا الشمالية",
        "zh": "大不列颠及北爱尔兰联合王国",
        "en": "United Kingdom of Great Britain and Northern Ireland",
        "fr": "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord",
        "ru": "Соединенное Королевство Великобритании и Северной Ирландии",
        "es": "Reino Unido de Gran Bretaña e Irlanda del Norte",
    },
    "GQ": {"ar": "غينيا الاستوائية", "fr": "Guinée équatoriale"},
    "GT": {"zh": "危地马拉"},
    "GW": {"ar": "غينيا - بيساو", "es": "Guinea-Bissau"},
    "GY": {"ar": "غيانا"},
    "HU": {"ar": "هنغاريا"},
    "IE": {"ar": "آيرلندا"},
    "IQ": {"fr": "Iraq", "es": "Iraq"},
    "IR": {
        "ar": "إيران (جمهورية - الإسلامية)",
        "zh": "伊朗（伊斯兰共和国）",
        "en": "Iran (Islamic Republic of)",
        "fr": "Iran (République islamique d')",
        "ru": "Иран (Исламская Республика)",
        "es": "Irán (República Islámica del)",
    },
    "KE": {"es": "Kenya"},
    "KG": {"ar": "قيرغيزستان", "zh": "吉尔吉斯斯坦", "ru": "Кыргызстан"},
    "KH": {"zh": "柬埔寨"},
    "KI": {"ar": "كيريباس"},
    "KM": {"ru": "Коморские Острова", "es": "Comoras"},
    "KN": {"ar": "سانت كيتس ونيفس", "fr": "Saint-Kitts-et-Nevis", "es": "Saint Kitts y Nevis"},
    "KP": {
        "ar": "جمهورية كوريا الشعبية الديمقراطية",
        "zh": "朝鲜民主主义人民共和国",
        "en": "Democratic People's Republic of Korea",
        "fr": "République populaire démocratique de Corée",
        "ru": "Корейская Народно-Демократическая Республика",
        "es": "República Popular Democrática de Corea",
    },
    "KR": {
        "ar": "جمهورية كوريا",
        "zh": "大韩民国",
        "en": "Republic of Korea",
        "fr": "République de Corée",
        "ru": "Республика Корея",
        "es": "República de Corea",
    },
    "KZ": {"es": "Kazajstán"},
    "LA": {
        "ar": "جمهورية لاو الديمقراطية الشعبية",
        "zh": "老挝人民民主共和国",
        "en": "Lao People's Democratic Republic",
        "fr": "République démocratique populaire lao",
        "ru": "Лаосская Народно-Демократическая Республика",
        "es": "República Democrática Popular Lao",
    },
    "LI": {"ar": "ليختنشتاين"},
    "LK": {"ar": "سري لانكا"},
    "LR": {"ar": "ليبريا"},
    "LS": {"es": "Lesotho"},
    "LT": {"ar": "ليتوانيا"},
    "LU": {"ar": "لكسمبرغ"},
    "MD": {
        "ar": "جمهورية مولدوفا",
        "zh": "摩尔多瓦共和国",
        "en": "Republic of Moldova",
        "fr": "République de Moldova",
        "ru": "Республика Молдова",
        "es": "República de Moldova",
    },
    "ME": {"ar": "الجبل الأسود"},
    "MH": {"ar": "جزر مارشال", "ru": "Маршалловы Острова"},
    "MM": {"fr": "Myanmar", "es": "Myanmar"},
    "MT": {"zh": "马耳他"},
    "MV": {"ar": "ملديف", "ru": "Мальдивские Острова", "es": "Maldivas"},
    "MW": {"es": "Malawi"},
    "MZ": {"ar": "موزامبيق"},
    "NE": {"ar": "النيجر", "es": "Níger"},
    "NG": {"fr": "Nigéria"},
    "NI": {"ar": "نيكاراغوا"},
    "NL": {
        "zh": "荷兰王国",
        "en": "Netherlands (Kingdom of the)",
        "fr": "Pays-Bas (Royaume des)",
        "ru": "Нидерланды (Королевство)",
        "es": "Países Bajos (Reino de los)",
    },
    "NO": {"ar": "النرويج"},
    "NZ": {"ar": "نيوزيلندا", "es": "Nueva Zelandia"},
    "PE": {"ar": "بيرو"},
    "PG": {"ru": "Папуа-Новая Гвинея", "es": "Papua Nueva Guinea"},
    "PH": {"ar": "الفلبين"},
    "PY": {"ar": "باراغواي"},
    "QA": {"es": "Qatar"},
    "RO": {"es": "Rumania"},
    "RS": {"ar": "صربيا"},
    "RU": {
        "ar": "الاتحاد الروسي",
        "zh": "俄罗斯联邦",
        "fr": "Fédération de Russie",
        "es": "Federación de Rusia",
    },
    "RW": {"es": "Rwanda"},
    "SA": {"ar": "المملكة العربية السعودية", "es": "Arabia Saudita"},
    "SB": {"ar": "جزر سليمان", "fr": "Îles Salomon"},
    "SC": {"ar": "سيشيل", "ru": "Сейшельские Острова"},
    "SD": {"ar": "السودان"},
    "SE": {"ar": "السويد"},
    "SN": {"ar": "السنغال"},
    "SO": {"ar": "الصومال"},
    "SR": {"fr": "Suriname", "es": "Suriname"},
    "SS": {"ar": "جنوب السودان"},
    "ST": {"ar": "سان تومي وبرينسيبي"},
    "SV": {"ar": "السلفادور", "fr": "El Salvador"},
    "SY": {
        "ar": "الجمهورية العربية السورية",
        "zh": "阿拉伯叙利亚共和国",
        "en": "Syrian Arab Republic",
        "fr": "République arabe syrienne",
        "ru": "Сирийская Арабская Республика",
        "es": "República Árabe Siria",
    },
    "SZ": {"es": "Eswatini"},
    "TH": {"ar": "تايلند"},
    "TL": {"ar": "تيمور - ليشتي", "fr": "Timor-Leste", "ru": "Тимор-Лешти", "es": "Timor-Leste"},
    "TN": {"es": "Túnez"},
    "TR": {"ar": "تركيا", "fr": "Türkiye", "es": "Türkiye"},
    "TT": {"ar": "ترينيداد وتوباغو", "zh": "特立尼达和多巴哥", "es": "Trinidad y Tabago"},
    "TZ": {
        "ar": "جمهورية تنزانيا المتحدة",
        "zh": "坦桑尼亚联合共和国",
        "en": "United Republic of Tanzania",
        "fr": "République-Unie de Tanzanie",
        "ru": "Объединенная Республика Танзания",
        "es": "República Unida de Tanzanía",
    },
    "US": {
        "ar": "الولايات المتحدة الأمريكية",
        "zh": "美利坚合众国",
        "en": "United States of America",
        "fr": "États-Unis d'Amérique",
        "ru": "Соединенные Штаты Америки",
        "es": "Estados Unidos de América",
    },
    "UY": {"ar": "أوروغواي"},
    "VA": {
        "ar": "الكرسي الرسولي",
        "zh": "教廷",
        "en": "Holy See",
        "fr": "Saint-Siège",
        "ru": "Святой Престол",
        "es": "Santa Sede",
    },
    "VC": {"ar": "سانت فنسنت وجزر غرينادين", "fr": "Saint-Vincent-et-les Grenadines"},
    "VE": {
        "ar": "فنزويلا (جمهورية - البوليفارية)",
        "zh": "委内瑞拉（玻利瓦尔共和国）",
        "en": "Venezuela (Bolivarian Republic of)",
        "fr": "Venezuela (République bolivarienne du)",
        "ru": "Венесуэла (Боливарианская Республика)",
        "es": "Venezuela (República Bolivariana de)",
    },
    "VN": {"ar": "فييت نام", "en": "Viet Nam", "fr": "Viet Nam", "es": "Viet Nam"},
    "WS": {"ar": "ساموا"},
    "ZA": {"ar": "جنوب أفريقيا"},
    "ZW": {"es": "Zimbabwe"},
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


def region_label(region: str) -> LazyString:
    """The label of a region key in the reader's language; KeyError for an unknown key."""
    return _REGION_LABELS[region]
