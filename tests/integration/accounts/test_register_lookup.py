"""Enhetsregisteret lookup on registration, against a local fake register (issue 13)."""

import re
import time
from datetime import date

import pytest
from sqlalchemy import select

from compete.accounts import brreg
from compete.accounts.brreg import RegisterState
from compete.accounts.models import Organisation, OrgCategory, RegisterStatus
from compete.accounts.register_demo import DELETED_UNITS, DEMO_UNITS
from compete.accounts.services import create_organisation
from compete.accounts.services.register import recheck_unverified
from compete.audit.models import AuditEntry
from compete.demo import APPLICANTS, NAV_ORGNR
from compete.extensions import db
from tests.factories import login, make_user

DELETED = next(iter(DELETED_UNITS))
BANKRUPT = "911000008"
UNKNOWN = "911000016"


def text_of(response) -> str:
    html = response.get_data(as_text=True)
    main = html.split('<main id="main"', 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def register(client, orgnr: str, name: str = "", category: str = "start_up"):
    return client.post("/organisations/new", data={"name": name, "country": "NO", "orgnr": orgnr, "category": category})


def org_by_orgnr(orgnr: str) -> Organisation | None:
    return db.session.scalars(select(Organisation).where(Organisation.orgnr == orgnr)).first()


def test_the_demos_organisations_get_name_form_dates_and_address_from_the_register(client, fake_register):
    numbers = [NAV_ORGNR, *(orgnr for _, orgnr, _ in APPLICANTS)]
    for index, orgnr in enumerate(numbers):
        user = make_user()
        login(client, user)
        response = register(client, orgnr, name="" if index % 2 else "Typed name that the register replaces")
        assert response.status_code == 302, text_of(response)
        org = org_by_orgnr(orgnr)
        unit = DEMO_UNITS[orgnr]
        assert org.name == unit["navn"]
        assert (org.org_form_code, org.org_form) == (
            unit["organisasjonsform"]["kode"],
            unit["organisasjonsform"]["beskrivelse"],
        )
        assert org.registered_on == date.fromisoformat(unit["registreringsdatoEnhetsregisteret"])
        assert org.founded_on == date.fromisoformat(unit["stiftelsesdato"])
        address = unit["forretningsadresse"]
        assert org.business_address == f"{address['adresse'][0]}, {address['postnummer']} {address['poststed']}"
        assert org.register_status == RegisterStatus.VERIFIED
        assert org.register_warnings == []
    assert fake_register.requests == [f"/enhetsregisteret/api/enheter/{n}" for n in numbers]


def test_the_organisation_page_shows_the_register_data(client, fake_register):
    user = make_user()
    login(client, user)
    register(client, "944444440")
    org = org_by_orgnr("944444440")
    page = text_of(client.get(f"/organisations/{org.id}"))
    assert "Ungdomslos AS" in page
    assert "Organisation form Aksjeselskap (AS)" in page
    assert "Registered in Enhetsregisteret 5 February 2024" in page
    assert "Business address Kongens gate 3, 7011 TRONDHEIM" in page
    assert "Enhetsregisteret Verified" in page


def test_a_deleted_number_is_refused_on_the_field_in_the_users_language(app, fake_register):
    client = app.test_client()
    login(client, make_user())
    response = register(client, DELETED, name="Avviklet AS")
    assert response.status_code == 200
    assert "Denne enheten ble slettet fra Enhetsregisteret 30. juni 2021 og kan ikke delta." in text_of(response)
    assert org_by_orgnr(DELETED) is None
    with client.session_transaction() as session:
        session["lang"] = "en"
    english = text_of(register(client, DELETED, name="Avviklet AS"))
    assert "This unit was deleted from Enhetsregisteret on 30 June 2021 and cannot take part." in english


def test_an_unknown_number_is_refused(client, fake_register):
    login(client, make_user())
    response = register(client, UNKNOWN, name="Finnes Ikke AS")
    assert response.status_code == 200
    assert "No unit has this organisation number in Enhetsregisteret (the Brønnøysund Register Centre)." in text_of(
        response
    )
    assert org_by_orgnr(UNKNOWN) is None


def test_bankruptcy_and_liquidation_are_registered_with_a_warning(client, fake_register):
    unit = dict(DEMO_UNITS["988888885"], organisasjonsnummer=BANKRUPT, navn="Konkursbo AS", konkurs=True)
    unit["underTvangsavviklingEllerTvangsopplosning"] = True
    fake_register.units[BANKRUPT] = unit
    login(client, make_user())
    response = register(client, BANKRUPT)
    assert response.status_code == 302
    org = org_by_orgnr(BANKRUPT)
    assert org.register_warnings == ["bankrupt", "under_forced_liquidation"]
    page = text_of(client.get(response.headers["Location"]))
    assert "Enhetsregisteret says this organisation is bankrupt." in page
    assert "Enhetsregisteret says this organisation is under compulsory winding-up or dissolution." in page


def test_a_register_that_does_not_answer_in_time_leaves_the_organisation_unverified(client, fake_register):
    fake_register.slow.add("966666668")
    login(client, make_user())
    started = time.monotonic()
    nameless = register(client, "966666668")
    assert time.monotonic() - started < 1.5  # the timeout is 0.5 s in the tests
    assert "Enhetsregisteret did not answer, so we could not fetch the name. Enter it yourself." in text_of(nameless)
    response = register(client, "966666668", name="Mentorbroen (typed)")
    assert response.status_code == 302
    org = org_by_orgnr("966666668")
    assert (org.name, org.register_status, org.registered_on) == (
        "Mentorbroen (typed)",
        RegisterStatus.UNVERIFIED,
        None,
    )
    page = text_of(client.get(response.headers["Location"]))
    assert "Enhetsregisteret did not answer. We kept what you typed, marked it unverified" in page
    assert "Not verified: the register did not answer. We will check again." in page

    # The worker's job asks again once the register answers.
    fake_register.slow.clear()
    assert recheck_unverified() == 1
    assert (org.name, org.register_status, org.registered_on) == (
        "Mentorbroen AS",
        RegisterStatus.VERIFIED,
        date(2023, 10, 11),
    )
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "organisation.register_checked")).one()
    assert (entry.before["register_status"], entry.after["register_status"]) == ("unverified", "verified")
    assert recheck_unverified() == 0


def test_the_recheck_stops_while_the_register_is_down_and_records_deletions(app, fake_register):
    user = make_user()
    fake_register.down = True
    first = create_organisation(user, name="Først AS", category=OrgCategory.COMPANY, orgnr="955555554")
    second = create_organisation(user, name="Borte AS", category=OrgCategory.COMPANY, orgnr=DELETED)
    assert (first.register_status, second.register_status) == (RegisterStatus.UNVERIFIED, RegisterStatus.UNVERIFIED)
    assert recheck_unverified() == 0
    fake_register.down = False
    assert recheck_unverified() == 2
    assert (first.register_status, first.name) == (RegisterStatus.VERIFIED, "Tunet arbeid AS")
    assert (second.register_status, second.deleted_on, second.register_warnings) == (
        RegisterStatus.DELETED,
        date(2021, 6, 30),
        ["deleted"],
    )


def test_lookup_answers(app, fake_register):
    assert brreg.lookup("922222223").state == RegisterState.FOUND
    assert brreg.lookup(DELETED).state == RegisterState.DELETED
    assert brreg.lookup(DELETED).deleted_on == date(2021, 6, 30)
    assert brreg.lookup(UNKNOWN).state == RegisterState.UNKNOWN
    fake_register.down = True
    assert brreg.lookup("922222223").state == RegisterState.UNAVAILABLE


def test_a_closed_port_is_unavailable_and_no_base_url_is_off(app):
    from tests.conftest import free_port

    app.config["BRREG_BASE_URL"] = f"http://127.0.0.1:{free_port()}/api"
    try:
        assert brreg.lookup("922222223").state == RegisterState.UNAVAILABLE
    finally:
        app.config["BRREG_BASE_URL"] = ""
    assert brreg.lookup("922222223").state == RegisterState.OFF


def test_without_a_register_the_organisation_is_not_looked_up(client):
    login(client, make_user())
    response = register(client, "922222223", name="Vekstverket SA")
    assert response.status_code == 302
    org = org_by_orgnr("922222223")
    assert (org.register_status, org.registered_on) == (None, None)
    assert "Enhetsregisteret" not in text_of(client.get(response.headers["Location"]))
    assert recheck_unverified() == 0


def test_the_name_is_required_without_a_register(client):
    login(client, make_user())
    response = register(client, "922222223")
    assert "Enter the name." in text_of(response)
    assert org_by_orgnr("922222223") is None


@pytest.mark.parametrize(
    ("registered", "today", "young"),
    [
        (date(2022, 1, 10), date(2027, 1, 9), True),
        (date(2022, 1, 10), date(2027, 1, 10), False),
        (date(2020, 2, 29), date(2025, 2, 28), True),
        (date(2020, 2, 29), date(2025, 3, 1), False),
        (None, date(2027, 1, 1), None),
    ],
)
def test_registered_less_than_five_years(registered, today, young):
    assert Organisation(registered_on=registered).registered_less_than(5, today) is young


# --- the eligibility self-check shows the registration age ------------------------------------------


def _self_check_page(client, organisation, years: int | None):
    from compete.competitions.models import EligibilityCategory
    from tests.factories import make_competition

    competition = make_competition()
    competition.eligibility_categories.append(
        EligibilityCategory(
            position=1,
            name="Oppstartsbedrift",
            definition="Registrert for mindre enn fem år siden.",
            self_check_question="Ble virksomheten registrert for mindre enn fem år siden?",
            max_registration_years=years,
        )
    )
    db.session.commit()
    login(client, organisation.memberships[0].user, organisation)
    return text_of(client.get(f"/competitions/{competition.slug}/stages/1/start"))


@pytest.mark.parametrize(
    ("registered", "expected"),
    [
        (
            date(2024, 2, 5),
            "According to Enhetsregisteret, Ungdomslos AS was registered on 5 February 2024: "
            "registered for less than 5 years.",
        ),
        (
            date(2016, 3, 14),
            "According to Enhetsregisteret, Ungdomslos AS was registered on 14 March 2016: "
            "registered for 5 years or more.",
        ),
        (None, "Enhetsregisteret has no registration date for Ungdomslos AS."),
    ],
)
def test_the_self_check_shows_the_registration_age(client, clock, registered, expected):
    from datetime import UTC, datetime

    from tests.factories import make_org

    clock.set(datetime(2026, 12, 2, 12, tzinfo=UTC))
    organisation = make_org(owner=make_user())
    organisation.name, organisation.registered_on = "Ungdomslos AS", registered
    assert expected in _self_check_page(client, organisation, 5)


def test_the_self_check_says_nothing_without_an_age_rule(client):
    from tests.factories import make_org

    organisation = make_org(owner=make_user())
    organisation.registered_on = date(2024, 2, 5)
    assert "According to Enhetsregisteret" not in _self_check_page(client, organisation, None)


def test_the_demo_writes_its_register_data_without_asking_any_register(app, fake_register):
    from compete.competitions.models import EligibilityCategory

    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert fake_register.requests == []
    norwegian = db.session.scalars(select(Organisation).where(Organisation.orgnr.is_not(None))).all()
    assert {o.orgnr for o in norwegian} == set(DEMO_UNITS)
    assert {o.register_status for o in norwegian} == {RegisterStatus.VERIFIED}
    assert all(o.name == DEMO_UNITS[o.orgnr]["navn"] and o.registered_on is not None for o in norwegian)
    categories = db.session.scalars(select(EligibilityCategory).where(EligibilityCategory.name == "Oppstartsbedrift"))
    assert {c.max_registration_years for c in categories} == {5}
    young = {o.name for o in norwegian if o.registered_less_than(5, date(2026, 12, 2))}
    assert young == {o.name for o in norwegian if o.category == OrgCategory.START_UP}


def test_the_officer_sets_a_registration_age_on_a_category(client):
    from compete.competitions.snapshot import build_snapshot
    from tests.factories_competitions import login_as, make_setup

    s = make_setup()
    db.session.commit()
    login_as(client, s.officer, s.buyer)
    response = client.post(
        f"/manage/competitions/{s.competition.slug}/eligibility",
        data={
            "rows-0-name": "Oppstartsbedrift",
            "rows-0-definition": "Registrert for mindre enn fem år siden.",
            "rows-0-self_check_question": "Ble virksomheten registrert for mindre enn fem år siden?",
            "rows-0-max_registration_years": "5",
            "rows-1-name": "Ideell organisasjon",
            "rows-1-definition": "Uten erverv som formål.",
            "rows-1-self_check_question": "Er organisasjonen ikke-kommersiell?",
            "rows-1-max_registration_years": "",
            "change_note": "Oppstartsbedrift: registrert for mindre enn fem år siden.",
        },
    )
    assert response.status_code == 302, text_of(response)
    db.session.expire_all()
    categories = s.competition.eligibility_categories
    assert [(c.name, c.max_registration_years) for c in categories] == [
        ("Oppstartsbedrift", 5),
        ("Ideell organisasjon", None),
    ]
    assert [c.get("max_registration_years") for c in build_snapshot(s.competition)["eligibility"]] == [5, None]
    form = client.get(f"/manage/competitions/{s.competition.slug}/eligibility").get_data(as_text=True)
    assert 'name="rows-0-max_registration_years"' in form and 'value="5"' in form


def test_the_worker_runs_the_recheck_every_hour(app):
    from compete.core.jobs import load_jobs

    job = load_jobs()["accounts.register_recheck"]
    assert (job.interval, job.func) == (3600.0, recheck_unverified)


def test_the_recheck_holds_no_transaction_while_it_asks_the_register(app, fake_register, monkeypatch):
    # On SQLite an open write transaction during a slow lookup would keep the whole site from writing.
    from compete.core.jobs import load_jobs

    user = make_user()
    fake_register.down = True
    create_organisation(user, name="Først AS", category=OrgCategory.COMPANY, orgnr="955555554")
    create_organisation(user, name="Borte AS", category=OrgCategory.COMPANY, orgnr=DELETED)
    db.session.commit()
    fake_register.down = False
    real_lookup = brreg.lookup
    open_during_lookup = []

    def watched_lookup(orgnr):
        open_during_lookup.append(db.session().in_transaction())
        return real_lookup(orgnr)

    monkeypatch.setattr(brreg, "lookup", watched_lookup)
    job = load_jobs()["accounts.register_recheck"]
    assert job.own_transactions
    assert recheck_unverified() == 2
    assert open_during_lookup == [False, False]
