"""Helpers of the events tests: the usual people and places."""


import pytest

from tests.factories import make_organiser, make_user


@pytest.fixture
def organiser(oujda):
    return make_organiser(oujda, display_name="Youssef")


@pytest.fixture
def resident():
    return make_user("Fatou")
