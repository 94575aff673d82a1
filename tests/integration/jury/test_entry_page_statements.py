"""A juror's entry page reads the stage with its configuration (template fields, file slots,
criteria) in one statement: on PostgreSQL each statement is a round trip. On an app with a
database of its own, so that nothing is already loaded from the test's session."""

from sqlalchemy import event

from compete.extensions import db
from tests.factories import login
from tests.factories_jury import declare_all_clear, make_jury_stage


def test_the_stage_and_its_configuration_come_in_one_statement(live_app):
    with live_app.app_context():
        setup, _officer, entries, seats = make_jury_stage(entries=2, jurors=3)
        for seat in seats:
            declare_all_clear(seat, entries)
        db.session.commit()
        url = f"/jury/stages/{setup.stage.id}/entries/{entries[0].code}"
        client = live_app.test_client()
        login(client, seats[1].user)
        engine = db.engine
        db.session.remove()
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    assert client.get(url).status_code == 200  # warm: first-request work is not the page's
    event.listen(engine, "before_cursor_execute", record)
    try:
        page = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", record)

    assert page.status_code == 200
    from_tables = {
        table: [s for s in statements if f"FROM {table} " in s or f"JOIN {table} " in s]
        for table in ("stages", "template_fields", "file_slots", "criteria")
    }
    assert len(from_tables["stages"]) == 1
    stage_statement = from_tables["stages"][0]
    for table in ("template_fields", "file_slots", "criteria"):
        assert from_tables[table] == [stage_statement], table
