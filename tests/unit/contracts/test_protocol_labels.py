"""The contract's protocol section is rendered with readable headings and amounts in kroner."""

from flask_babel import force_locale

from compete.audit import protocol
from compete.audit.rendering import cell
from compete.contracts import protocol as contracts_protocol
from compete.extensions import db
from tests.factories_contracts import make_contract, make_winner_setup


def _keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def test_every_key_and_record_of_the_contract_section_has_a_bokmal_heading(app):
    cs = make_winner_setup()
    make_contract(cs, outcome={})
    db.session.flush()
    rows = contracts_protocol.contracts(cs.competition)
    protocol.load_providers()  # headings are shared: some keys are registered by other domains
    with app.test_request_context(), force_locale("nb"):
        assert sorted({k for k in _keys(rows) if protocol.label(k) == k.replace("_", " ")}) == []
        assert [protocol.value_label("record", r["record"]) for r in rows][:2] == ["Kontrakt", "Milepæl"]
    assert rows[0]["committed"] == 300_000  # the JSON keeps integers
    with app.test_request_context():
        assert cell(300_000, "committed").text == "300\u00a0000\u00a0kr"
