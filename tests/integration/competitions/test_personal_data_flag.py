"""The stage template's "personal data" flag (R45) is set in the officer's template form, kept in the
version snapshot only when set, and copied with the competition and through a saved template."""

import re
from datetime import UTC, datetime

from compete.competitions import queries
from compete.competitions.snapshot import build_snapshot, diff
from compete.extensions import db
from tests.factories_competitions import login_as, make_setup

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _template_form(fields: list[dict], note: str = "") -> dict:
    data = {"change_note": note} | {f"form_fields-{i}-kind": "short_text" for i in range(8)}  # empty rows too
    for i, f in enumerate(fields):
        data |= {
            f"form_fields-{i}-key": f["key"],
            f"form_fields-{i}-kind": "short_text" if f["key"] == "contact" else "long_text",
            f"form_fields-{i}-label": f["label"],
            f"form_fields-{i}-help_text": "",
            f"form_fields-{i}-word_limit": f.get("word_limit", "300"),
        }
        if f.get("required", True):
            data[f"form_fields-{i}-required"] = "y"
        if f.get("personal"):
            data[f"form_fields-{i}-personal_data"] = "y"
    return data


def test_the_officer_marks_a_field_as_personal_data_and_a_copy_keeps_it(client, clock):
    clock.set(NOW)
    s = make_setup()
    db.session.commit()
    login_as(client, s.officer, s.buyer)
    url = f"/manage/competitions/{s.competition.slug}/stages/1/template"
    page = client.get(url).get_data(as_text=True)
    assert 'name="form_fields-0-personal_data"' in page
    assert "Personal data" in page
    before = build_snapshot(s.competition)

    fields = [
        {"key": "problem", "label": "Problem"},
        {"key": "solution", "label": "Solution", "word_limit": "600"},
        {"key": "contact", "label": "Contact person and phone", "required": False, "personal": True},
    ]
    response = client.post(url, data=_template_form(fields, note="Kontaktperson lagt til."))
    assert response.status_code == 302, re.findall(r'href="#[^"]+">([^<]*)<', response.get_data(as_text=True))
    stage = queries.competition_by_slug(s.competition.slug).stages[0]
    assert [(f.key, f.personal_data) for f in stage.fields] == [
        ("problem", False),
        ("solution", False),
        ("contact", True),
    ]
    # The form shows the saved flag again.
    page = client.get(url).get_data(as_text=True)
    assert _checked(page, "form_fields-2-personal_data")
    assert not _checked(page, "form_fields-0-personal_data")
    # Only the new field and its flag are a change between the versions (earlier snapshots still compare).
    changed = {c.path for c in diff(before, build_snapshot(stage.competition))}
    assert {p for p in changed if p.startswith("stages.1.fields")} == {
        "stages.1.fields.3.key",
        "stages.1.fields.3.kind",
        "stages.1.fields.3.label",
        "stages.1.fields.3.help_text",
        "stages.1.fields.3.word_limit",
        "stages.1.fields.3.required",
        "stages.1.fields.3.personal_data",
    }

    copied = client.post(
        "/manage/competitions/new",
        data={"title": "Copy", "slug": "copy", "buyer": s.buyer.id, "source": f"competition:{s.competition.id}"},
    )
    assert copied.status_code == 302
    copy = queries.competition_by_slug("copy")
    assert [(f.key, f.personal_data) for f in copy.stages[0].fields] == [
        ("problem", False),
        ("solution", False),
        ("contact", True),
    ]
    client.post(f"/manage/competitions/{s.competition.slug}/save-template", data={"name": "Med kontakt"})
    template = queries.templates_for([s.buyer.id])[0]
    client.post(
        "/manage/competitions/new",
        data={
            "title": "From template",
            "slug": "from-template",
            "buyer": s.buyer.id,
            "source": f"template:{template.id}",
        },
    )
    from_template = queries.competition_by_slug("from-template")
    assert [f.key for f in from_template.stages[0].fields if f.personal_data] == ["contact"]


def _checked(page: str, field_id: str) -> bool:
    start = page.index(f'id="{field_id}"')
    tag_start = page.rindex("<input", 0, start)
    tag_end = page.index(">", start)
    return " checked" in page[tag_start:tag_end]
