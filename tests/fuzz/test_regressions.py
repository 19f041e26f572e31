"""What the fuzzers found, each pinned by the smallest request that broke it."""

import pytest



@pytest.mark.parametrize("event_id", [str(2**31), str(2**63), str(2**70)])
def test_an_id_past_any_row_in_the_path_is_not_found(client, event_id):
    # SQLite raised OverflowError for ids past 64 bits: a 500 on every page with an id in its path.
    response = client.get(f"/events/{event_id}")
    assert response.status_code == 404
    assert "This page does not exist" in response.get_data(as_text=True)
