"""Bad input found by fuzzing answers 400 or a form error in the user's language, never a 500:
years 0001/9999 in stage dates and in the audit filter, an autosave body that is not an object."""

import pytest

from compete.extensions import db
from compete.submissions import services
from tests.factories_competitions import login_as
from tests.factories_submissions import make_setup


@pytest.fixture
def setup(app):
    s = make_setup()
    db.session.commit()
    return s


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_stage_date_in_year_0001_or_9999_is_a_form_error(client, setup, when):
    login_as(client, setup.officer, setup.buyer)
    response = client.post(
        f"/manage/competitions/{setup.competition.slug}/stages/1",
        data={"name": "Idéskisse", "kind": "idea_sketch", "opens_at": when, "deadline_at": when,
              "advancing_count": "1", "award_amount": "0", "change_note": "x"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Skriv inn et årstall mellom 1900 og 2999." in response.get_data(as_text=True)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_audit_filter_with_year_9999_or_0001_is_a_form_error(client, setup, day):
    login_as(client, setup.officer, setup.buyer)
    response = client.get(
        f"/manage/competitions/{setup.competition.slug}/audit", query_string={"date_from": day, "date_to": day}
    )
    assert response.status_code == 200
    assert "Skriv inn et årstall mellom 1900 og 2999." in response.get_data(as_text=True)


@pytest.mark.parametrize("body", ['"text"', "42", "[1, 2]", "true", "null", "{"])
def test_an_autosave_body_that_is_not_an_object_is_a_400_in_the_users_language(client, setup, body):
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    db.session.commit()
    login_as(client, setup.user, setup.organisation)
    response = client.post(f"/submissions/{submission.id}/autosave", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": "Utkastet kunne ikke leses. Last inn siden på nytt og prøv igjen."}


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/login", {"email": "a\x00@b.no", "password": "x"}),
        ("/reset", {"email": "a\x00@b.no"}),
        ("/login?next=/\x00", {"email": "a@b.no", "password": "x"}),
    ],
)
def test_a_nul_byte_in_any_field_is_a_400_in_the_users_language(client, path, data):
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "Skjemaet inneholdt et tegn som ikke er tillatt. Fjern det og prøv igjen." in response.get_data(as_text=True)


@pytest.mark.parametrize("body", ['"text"', "42", "[[]]", "null"])
def test_a_json_body_that_is_not_an_object_is_a_400_on_any_form(client, body):
    """Flask-WTF reads a JSON body as form data; a list there was a 500 (found by the fuzz test)."""
    response = client.post("/login", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "Forespørselen må inneholde et JSON-objekt." in response.get_data(as_text=True)
