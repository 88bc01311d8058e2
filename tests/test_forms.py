"""What every form of the app has in common."""

from __future__ import annotations

import importlib

from flask_wtf import FlaskForm

MODULES = (
    "plenary.forms", "plenary.registration.focal_forms", "plenary.registration.forms",
    "plenary.registration.review_forms", "plenary.invitations.forms",
    "plenary.invitations.directory_forms", "plenary.inquiries.forms",
)  # fmt: skip


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def test_every_field_has_its_label_written(app):
    """A field without a label gets one from WTForms' gettext, for which Flask-WTF reads the
    WTForms catalog from disk again in every request that builds the form."""
    for module in MODULES:
        importlib.import_module(module)
    unlabelled = []
    forms = [form for form in subclasses(FlaskForm) if form.__module__.startswith("plenary")]
    assert len(forms) > 20
    for form in forms:
        for name in dir(form):
            unbound = getattr(form, name)
            if not hasattr(unbound, "field_class") or name == "csrf_token":
                continue
            if not unbound.args and unbound.kwargs.get("label") is None:
                unlabelled.append(f"{form.__module__}.{form.__name__}.{name}")
    assert unlabelled == []


def test_a_valid_post_reads_no_catalog_from_disk(app, client, monkeypatch):
    from flask_wtf import i18n

    from tests.conftest import submit
    from tests.test_focal_point import INTENT, link_of, person_form, setup_state

    loads = []
    real = i18n.support.Translations.load

    def load(*args, **kwargs):
        if kwargs.get("domain") == "wtforms":
            loads.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(i18n.support.Translations, "load", load)
    _event, _country, (ministry, _) = setup_state(app)
    link = link_of(ministry)
    assert submit(client, link, **INTENT).status_code == 302
    assert submit(client, link + "/delegates/new", **person_form(1)).status_code == 302
    assert loads == []
