"""The officer changes a competition's retention period on the records page (R43): within the
configured bounds, with a reason, audited; never shortened so that the record would already be
deletable."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from compete.audit.models import AuditEntry
from compete.competitions import services as competition_services
from compete.core.errors import DomainError
from compete.extensions import db
from compete.records import services
from compete.records.retention import retention_ends_at
from tests.factories_competitions import login_as, make_setup

CANCELLED = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _url(setup) -> str:
    return f"/manage/competitions/{setup.competition.slug}/records"


def _changes() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "records.retention_changed")))


def test_the_officer_lengthens_the_period_with_a_reason_and_it_is_audited(app, client):
    s = make_setup()
    db.session.commit()
    login_as(client, s.officer, s.buyer)
    page = client.get(_url(s)).get_data(as_text=True)
    assert 'value="10"' in page
    assert "Mellom 5 og 30 år." in page
    response = client.post(_url(s), data={"years": "15", "reason": "Forskningsprosjekt følger opp i 15 år."})
    assert response.status_code == 302
    assert response.headers["Location"] == _url(s)
    db.session.refresh(s.competition)
    assert s.competition.retention_years == 15
    (entry,) = _changes()
    assert (entry.actor_id, entry.role, entry.target_type) == (s.officer.id, "officer", "Competition")
    assert entry.before == {"retention_years": 10}
    assert entry.after == {"retention_years": 15, "reason": "Forskningsprosjekt følger opp i 15 år."}
    assert "Oppbevaringstiden er nå 15 år." in client.get(_url(s)).get_data(as_text=True)


@pytest.mark.parametrize(
    ("years", "reason"),
    [("4", "For kort."), ("31", "For lang."), ("", "Tomt."), ("ti", "Ikke et tall."), ("12", ""), ("-1", "Negativ.")],
)
def test_out_of_bounds_or_without_a_reason_is_a_form_error(app, client, years, reason):
    s = make_setup()
    db.session.commit()
    login_as(client, s.officer, s.buyer)
    response = client.post(_url(s), data={"years": years, "reason": reason})
    assert response.status_code == 400
    db.session.refresh(s.competition)
    assert s.competition.retention_years == 10
    assert _changes() == []


def test_the_bounds_come_from_the_configuration(app):
    s = make_setup()
    app.config["RETENTION_YEARS_MIN"], app.config["RETENTION_YEARS_MAX"] = 8, 12
    try:
        with pytest.raises(DomainError) as refused:
            services.set_retention(s.competition, s.actor, 7, "Kortere.")
        assert refused.value.code == "bounds"
        with pytest.raises(DomainError):
            services.set_retention(s.competition, s.actor, 13, "Lengre.")
        services.set_retention(s.competition, s.actor, 8, "Det laveste loven tillater.")
    finally:
        app.config["RETENTION_YEARS_MIN"], app.config["RETENTION_YEARS_MAX"] = 5, 30
    assert s.competition.retention_years == 8


def test_the_service_refuses_a_missing_reason_a_non_integer_and_no_change(app):
    s = make_setup()
    for years, reason, code in [
        (12, "  ", "reason"),
        ("12", "Tekst.", "bounds"),
        (True, "x", "bounds"),
        (10, "x", "unchanged"),
    ]:
        with pytest.raises(DomainError) as refused:
            services.set_retention(s.competition, s.actor, years, reason)
        assert refused.value.code == code
    assert _changes() == []


def test_an_ended_competition_is_never_made_deletable_by_shortening(app, client, clock):
    clock.set(CANCELLED)
    s = make_setup()
    competition_services.cancel(s.competition, s.actor, "Budsjettet falt bort.")
    clock.set(datetime(2032, 6, 1, tzinfo=UTC))  # six years on: a five-year period has run out
    with pytest.raises(DomainError) as refused:
        services.set_retention(s.competition, s.actor, 5, "Kortere.")
    assert refused.value.code == "expired"
    db.session.commit()
    login_as(client, s.officer, s.buyer)
    response = client.post(_url(s), data={"years": "6", "reason": "Kortere."})
    assert response.status_code == 400
    assert "En kortere periode ville allerede ha løpt ut" in response.get_data(as_text=True)
    db.session.refresh(s.competition)
    assert s.competition.retention_years == 10
    # Seven years from the cancellation has not run out: allowed, and the end moves.
    services.set_retention(s.competition, s.actor, 7, "Ny instruks fra arkivverket.")
    assert retention_ends_at(s.competition) == datetime(2033, 3, 2, 12, 0, tzinfo=UTC)


def test_only_the_competitions_officers_may_change_it(app, client):
    s = make_setup()
    db.session.commit()
    login_as(client, s.other_officer, s.other_buyer)
    assert client.post(_url(s), data={"years": "12", "reason": "Fremmed."}).status_code == 403
    login_as(client, s.participant, s.participant_org)
    assert client.post(_url(s), data={"years": "12", "reason": "Deltaker."}).status_code == 403
    db.session.refresh(s.competition)
    assert s.competition.retention_years == 10
