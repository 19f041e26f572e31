"""The desk's people: an organiser of Oujda."""

import pytest

from tests.factories import make_organiser


@pytest.fixture
def organiser(oujda):
    return make_organiser(oujda, display_name="Youssef")
