"""Tests for the ITU Member State reference data."""

import re

import pycountry
import pytest

from plenary.countries import (
    _NAME_OVERRIDES,
    REGIONS,
    UN_LANGUAGES,
    MemberState,
    member_states,
    region_label,
)

ARABIC = re.compile(r"[\u0600-\u06ff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
CJK = re.compile(r"[\u4e00-\u9fff]")


def by_code() -> dict[str, MemberState]:
    return {state.code: state for state in member_states()}


def test_there_are_exactly_193_member_states() -> None:
    assert len(member_states()) == 193


def test_codes_are_unique_and_sorted() -> None:
    codes = [state.code for state in member_states()]
    assert len(set(codes)) == len(codes)
    assert codes == sorted(codes)


def test_every_code_is_a_valid_iso_alpha_2_code() -> None:
    invalid = [s.code for s in member_states() if pycountry.countries.get(alpha_2=s.code) is None]
    assert not invalid, f"not ISO 3166-1 alpha-2: {invalid}"


def test_holy_see_is_a_member_and_palau_is_not() -> None:
    states = by_code()
    assert "VA" in states
    assert "PW" not in states


def test_territories_and_observers_are_not_members() -> None:
    states = by_code()
    for code in ("PS", "TW", "HK", "MO", "PR", "GL", "XK"):
        assert code not in states, code


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("FR", "europe"),
        ("RU", "europe"),
        ("CN", "asia"),
        ("US", "americas"),
        ("CH", "europe"),
        ("SV", "americas"),
        ("EE", "europe"),
        ("TR", "asia"),
        ("CY", "asia"),
        ("EG", "africa"),
        ("NZ", "oceania"),
    ],
)
def test_known_member_state_is_in_its_m49_region(code: str, region: str) -> None:
    assert by_code()[code].region == region


def test_every_region_is_one_of_the_five_and_has_the_m49_member_count() -> None:
    counts = dict.fromkeys(REGIONS, 0)
    for state in member_states():
        counts[state.region] += 1
    # 193 UN members by M49 region, plus the Holy See in Europe, minus Palau in Oceania.
    assert counts == {"africa": 54, "americas": 35, "asia": 47, "europe": 44, "oceania": 13}


def test_every_region_has_an_english_label() -> None:
    assert [region_label(region) for region in REGIONS] == [
        "Africa",
        "Americas",
        "Asia",
        "Europe",
        "Oceania",
    ]


def test_an_unknown_region_has_no_label() -> None:
    with pytest.raises(KeyError):
        region_label("antarctica")


def test_every_member_state_has_a_name_in_each_un_language() -> None:
    missing = [
        (state.code, language)
        for state in member_states()
        for language in UN_LANGUAGES
        if not state.names.get(language, "").strip()
    ]
    assert not missing, f"missing names: {missing}"


@pytest.mark.parametrize(
    ("language", "script"),
    [("ar", ARABIC), ("ru", CYRILLIC), ("zh", CJK)],
    ids=["arabic", "cyrillic", "cjk"],
)
def test_names_are_written_in_the_script_of_their_language(
    language: str, script: re.Pattern[str]
) -> None:
    # A name in Latin script here means the lookup silently fell back to English.
    wrong = [
        f"{state.code}={state.names[language]!r}"
        for state in member_states()
        if not script.search(state.names[language])
    ]
    assert not wrong, f"{language} names not in the expected script: {wrong}"


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_no_two_member_states_share_a_name(language: str) -> None:
    # Two states sharing a name means a translation names the wrong country.
    seen: dict[str, str] = {}
    clashes = []
    for state in member_states():
        name = state.names[language]
        if name in seen:
            clashes.append((seen[name], state.code, name))
        seen[name] = state.code
    assert not clashes, f"{language} names shared by two states: {clashes}"


def test_no_name_uses_the_inverted_iso_sort_form() -> None:
    # ISO lists names like "Korea, Republic of"; they read wrongly on a page.
    inverted = [
        (state.code, language, name)
        for state in member_states()
        for language, name in state.names.items()
        if "," in name or "،" in name
    ]
    assert not inverted, f"inverted names: {inverted}"


@pytest.mark.parametrize(
    ("code", "language", "name"),
    [
        ("FR", "ru", "Франция"),
        ("CH", "fr", "Suisse"),
        ("CN", "zh", "中国"),
        ("EE", "en", "Estonia"),
        ("ES", "es", "España"),
        ("DE", "ar", "ألمانيا"),
        ("TR", "ar", "تركيا"),
        ("MD", "ar", "جمهورية مولدوفا"),
        ("KR", "en", "Republic of Korea"),
        ("KP", "en", "Democratic People's Republic of Korea"),
        ("CD", "en", "Democratic Republic of the Congo"),
    ],
)
def test_known_names(code: str, language: str, name: str) -> None:
    assert by_code()[code].name(language) == name


@pytest.mark.parametrize(
    ("code", "language", "name"),
    [
        ("GB", "en", "United Kingdom of Great Britain and Northern Ireland"),
        ("GB", "fr", "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord"),
        ("IR", "en", "Iran (Islamic Republic of)"),
        ("IR", "es", "Irán (República Islámica del)"),
        ("KG", "ru", "Кыргызстан"),
        ("US", "zh", "美利坚合众国"),
        ("US", "fr", "États-Unis d'Amérique"),
        ("RU", "ar", "الاتحاد الروسي"),
        ("RU", "es", "Federación de Rusia"),
        ("VN", "en", "Viet Nam"),
        ("TR", "en", "Türkiye"),
        ("VA", "en", "Holy See"),
        ("VA", "fr", "Saint-Siège"),
        ("KP", "en", "Democratic People's Republic of Korea"),
        ("KR", "zh", "大韩民国"),
        ("LA", "ru", "Лаосская Народно-Демократическая Республика"),
        ("SY", "fr", "République arabe syrienne"),
        ("TZ", "es", "República Unida de Tanzanía"),
        ("MD", "en", "Republic of Moldova"),
        ("BO", "en", "Bolivia (Plurinational State of)"),
        ("VE", "ru", "Венесуэла (Боливарианская Республика)"),
        ("NL", "en", "Netherlands (Kingdom of the)"),
        ("CZ", "ar", "تشيكيا"),
        ("CI", "ar", "كوت ديفوار"),
        ("CV", "fr", "Cabo Verde"),
        ("SZ", "es", "Eswatini"),
    ],
)
def test_names_are_the_un_short_names(code: str, language: str, name: str) -> None:
    # UNTERM short names, as in the UN's list of Member States.
    assert by_code()[code].name(language) == name


def test_no_english_name_uses_an_iso_comma_form() -> None:
    # ISO 3166 inverts long names ("Korea, Republic of", "Tanzania, United Republic of");
    # the UN short name puts the qualifier first or in brackets.
    comma_form = re.compile(r",\s+(the\s+)?[\w' ]*\bof\b", re.IGNORECASE)
    assert comma_form.search("Korea, Republic of")
    assert comma_form.search("Congo, The Democratic Republic of the")
    inverted = [
        (state.code, state.name("en"))
        for state in member_states()
        if comma_form.search(state.name("en"))
    ]
    assert not inverted, f"English names in ISO comma form: {inverted}"


def test_no_english_name_is_an_everyday_name_the_un_does_not_use() -> None:
    everyday = {
        "Bolivia",
        "Cape Verde",
        "Czech Republic",
        "Iran",
        "Ivory Coast",
        "Laos",
        "Moldova",
        "North Korea",
        "Russia",
        "South Korea",
        "Swaziland",
        "Syria",
        "Tanzania",
        "Turkey",
        "United Kingdom",
        "United States",
        "Vatican",
        "Venezuela",
        "Vietnam",
    }
    used = sorted(
        (state.code, state.name("en")) for state in member_states() if state.name("en") in everyday
    )
    assert not used, f"everyday names instead of UN short names: {used}"


def test_chinese_names_use_full_width_brackets() -> None:
    # The UN writes Chinese names with full-width brackets (U+FF08, U+FF09), never ASCII ones.
    assert by_code()["IR"].name("zh") == "伊朗\uff08伊斯兰共和国\uff09"
    ascii_brackets = [
        (state.code, state.names["zh"])
        for state in member_states()
        if "(" in state.names["zh"] or ")" in state.names["zh"]
    ]
    assert not ascii_brackets, f"Chinese names with ASCII brackets: {ascii_brackets}"


def test_name_falls_back_to_english_for_an_unknown_language() -> None:
    assert by_code()["FR"].name("de") == "France"


def test_name_overrides_only_cover_member_states_and_un_languages() -> None:
    states = by_code()
    stray = [
        (code, language)
        for code, names in _NAME_OVERRIDES.items()
        for language in names
        if code not in states or language not in UN_LANGUAGES
    ]
    assert not stray, f"overrides that would never apply: {stray}"


def test_name_overrides_are_sorted_by_code() -> None:
    assert list(_NAME_OVERRIDES) == sorted(_NAME_OVERRIDES)


def test_member_states_are_cached() -> None:
    assert member_states() is member_states()


def test_member_state_is_hashable() -> None:
    assert len(set(member_states())) == 193


@pytest.mark.parametrize(
    ("language", "europe"),
    [("fr", "Europe"), ("es", "Europa"), ("ru", "Европа"), ("ar", "أوروبا"), ("zh", "欧洲")],
)
def test_region_names_on_the_circular_form_are_in_the_reader_s_language(
    app, language, europe
) -> None:
    from flask_babel import force_locale

    from plenary.i18n import babel_locale
    from plenary.invitations.forms import CircularForm

    with app.test_request_context(), force_locale(babel_locale(language)):
        form = CircularForm(meta={"csrf": False})
        labels = [str(choice.label) for choice in form.audience_regions.choices]
        assert region_label("europe") == europe
    assert labels[3] == europe
    assert "Africa" not in labels and "Oceania" not in labels
