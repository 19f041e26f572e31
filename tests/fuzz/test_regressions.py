"""What the fuzzers found, each pinned by the smallest request that broke it."""

import pytest

from tests.conftest import sign_in_as
from tests.factories import make_card_holder, make_event, make_municipality, make_organiser


@pytest.mark.parametrize("event_id", [str(2**31), str(2**63), str(2**70)])
def test_an_id_past_any_row_in_the_path_is_not_found(client, event_id):
    # SQLite raised OverflowError for ids past 64 bits: a 500 on every page with an id in its path.
    response = client.get(f"/events/{event_id}")
    assert response.status_code == 404
    assert "This page does not exist" in response.get_data(as_text=True)


def test_registering_a_card_holder_without_choosing_an_event_says_so(client):
    # The event field left out of the form: the service looked up the event of id None.
    oujda = make_municipality("oujda")
    make_event(oujda)
    holder = make_card_holder("Awa")
    sign_in_as(client, make_organiser(oujda))
    response = client.post(f"/desk/people/{holder.id}/register", data={}, follow_redirects=True)
    assert response.status_code == 200
    assert "Choose one of the events you organise." in response.get_data(as_text=True)
