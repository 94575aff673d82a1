"""One meaning, one message: Flask-Babel merges the domain catalogues and the last one wins, so a
(context, msgid) must have one translation per language across all domains (R47)."""

import importlib.util
from pathlib import Path

from flask_babel import force_locale, gettext, pgettext

ROOT = Path(__file__).resolve().parents[3]


def _i18n():
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _po(root: Path, domain: str, body: str) -> None:
    path = root / "compete" / domain / "translations" / "nb" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + body, encoding="utf-8")


def test_no_message_has_two_translations_in_any_language():
    assert _i18n().conflicts() == []


def test_the_check_finds_a_msgid_translated_twice_and_accepts_contexts(tmp_path):
    _po(tmp_path, "awards", 'msgid "Outcome"\nmsgstr "Utfall"\n')
    _po(
        tmp_path, "contracts", 'msgid "Outcome"\nmsgstr "Resultat"\n\nmsgctxt "contract"\nmsgid "Total"\nmsgstr "Sum"\n'
    )
    _po(tmp_path, "jury", 'msgid "Total"\nmsgstr "Totalt"\n')

    assert _i18n().conflicts(tmp_path) == ["nb 'Outcome': ('Resultat',) (contracts); ('Utfall',) (awards)"]


def test_each_meaning_keeps_its_own_word_in_the_merged_catalogue(app):
    with app.test_request_context("/"):
        with force_locale("nb"):
            nb = (
                gettext("Outcome"),
                pgettext("contract", "Outcome"),
                gettext("Organisation"),
                pgettext("buyer", "Organisation"),
                gettext("Decision"),
                pgettext("verification", "Decision"),
                pgettext("buyer status", "Rejected"),
                gettext("Rejected"),
            )
        with force_locale("nn"):
            nn = (pgettext("buyer", "Organisation"), gettext("Organisation"), gettext("Time"))

    assert nb == ("Utfall", "Resultat", "Organisasjon", "Virksomhet", "Beslutning", "Vurdering", "Avslått", "Avvist")
    assert nn == ("Verksemd", "Organisasjon", "Tidspunkt")
