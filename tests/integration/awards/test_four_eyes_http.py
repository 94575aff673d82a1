"""The buyer's owner turns four eyes on payments on and off (R37); nobody else may."""

from compete.extensions import db
from tests.factories import make_officer, make_org, make_user
from tests.factories_competitions import login_as


def test_only_the_buyers_owner_changes_the_payment_control(client):
    owner = make_user()
    buyer = make_org(buyer=True, owner=owner)
    officer = make_officer(buyer)
    db.session.commit()
    url = f"/organisations/{buyer.id}/payment-control"

    login_as(client, officer, buyer)
    assert client.post(url, data={"four_eyes": "0"}).status_code == 403
    assert buyer.payments_four_eyes is True

    login_as(client, owner, buyer)
    page = client.get(f"/organisations/{buyer.id}").get_data(as_text=True)
    assert "Fire øyne: saksbehandleren som godkjenner en utbetaling, kan ikke registrere den som betalt." in page
    assert client.post(url, data={"four_eyes": "maybe"}).status_code == 400
    response = client.post(url, data={"four_eyes": "0"}, follow_redirects=True)
    assert response.status_code == 200
    db.session.refresh(buyer)
    assert buyer.payments_four_eyes is False
    assert "Krev fire øyne på utbetalinger" in response.get_data(as_text=True)
