"""Short codes survive the way people type them back, and nothing else passes for one."""

from hypothesis import given
from hypothesis import strategies as st

from app.core.codes import ALPHABET, new_card_code, new_ticket_code, normalise_code


@given(
    st.sampled_from([new_ticket_code, new_card_code]), st.sampled_from(["", " ", "-", "  "]), st.booleans()
)
def test_a_code_typed_back_loosely_is_the_same_code(make, separator, lower):
    code = make()
    typed = code.replace("-", separator)
    assert normalise_code(typed.lower() if lower else typed) == code


@given(st.text(max_size=12))
def test_anything_normalised_is_a_well_formed_code(text):
    code = normalise_code(text)
    if code is not None:
        raw = code.replace("-", "")
        assert len(raw) in (6, 8) and set(raw) <= set(ALPHABET)
