import pytest

from plenary.links import LinkExpired, LinkInvalid, make_token, personal_url, read_token


def test_a_link_opens_for_its_own_purpose(app):
    token = make_token("delegation", {"country": "EE", "event": 1})
    assert read_token("delegation", token) == {"country": "EE", "event": 1}


def test_a_link_made_for_one_purpose_does_not_open_another(app):
    token = make_token("delegation", {"country": "EE"})
    with pytest.raises(LinkInvalid):
        read_token("account-password", token)


def test_an_altered_link_is_refused(app):
    token = make_token("delegation", {"country": "EE"})
    payload, _, signature = token.rpartition(".")
    forged = make_token("delegation", {"country": "SV"}).rpartition(".")[0] + "." + signature
    with pytest.raises(LinkInvalid):
        read_token("delegation", forged)
    with pytest.raises(LinkInvalid):
        read_token("delegation", payload + ".AAAA" + signature[4:])


def test_an_old_link_has_expired(app):
    token = make_token("delegation", {"country": "EE"})
    with pytest.raises(LinkExpired):
        read_token("delegation", token, max_age_seconds=-1)


def test_a_link_signed_with_another_key_is_refused(app):
    token = make_token("delegation", {"country": "EE"})
    app.config["SECRET_KEY"] = "another-key"
    with pytest.raises(LinkInvalid):
        read_token("delegation", token)


def test_personal_links_are_absolute_under_base_url(app):
    with app.test_request_context():
        url = personal_url("auth.password_set", "account-password", {"user": 1})
    assert url.startswith("http://plenary.test/account/password/")
