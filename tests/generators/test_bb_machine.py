"""The bbchallenge text format: parsing, printing, and errors that point at the column."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axiomforge.errors import UserError
from axiomforge.generators.busy_beaver.champions import CHAMPIONS
from axiomforge.generators.busy_beaver.machine import (
    HALT,
    LEFT,
    RIGHT,
    Machine,
    MachineFormatError,
    Transition,
    parse_machine,
)


def test_parse_champion() -> None:
    m = parse_machine(CHAMPIONS[5][0])
    assert m.n_states == 5 and m.n_symbols == 2
    assert m.table[0][0] == Transition(1, RIGHT, 1)
    assert m.table[0][1] == Transition(1, LEFT, 2)
    assert m.table[4][0] == Transition(1, RIGHT, HALT)


def test_undefined_transitions_and_three_symbols() -> None:
    m = parse_machine("1RB2LA---_2LA---1RZ")
    assert m.n_symbols == 3
    assert m.table[0][2] is None and m.table[1][1] is None
    assert m.text() == "1RB2LA---_2LA---1RZ"


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("1RB1LB_1LA1RX", 13, "next state 'X'"),
        ("1RB1LB_1LA1QZ", 12, "move 'Q'"),
        ("1RB1LB_1LA2RZ", 11, "written symbol '2'"),
        ("1RB1LB_1LA", 8, "row B has 3 characters"),
        ("1RB1L", 1, "3 characters per symbol"),
    ],
)
def test_errors_point_at_the_column(text: str, column: int, fragment: str) -> None:
    with pytest.raises(MachineFormatError) as info:
        parse_machine(text, source="<arg>")
    err = info.value
    assert isinstance(err, UserError)
    assert err.location is not None and err.location.column == column
    assert fragment in err.message
    assert err.detail.splitlines()[-1].index("^") == column + 1  # two spaces of indent


def test_empty_text_is_an_error() -> None:
    with pytest.raises(MachineFormatError):
        parse_machine("   ")


transitions = st.one_of(
    st.none(),
    st.builds(Transition, st.integers(0, 1), st.sampled_from([LEFT, RIGHT]), st.integers(-1, 3)),
)


@given(st.lists(st.tuples(transitions, transitions), min_size=4, max_size=4))
def test_print_parse_round_trip(rows: list[tuple[Transition | None, Transition | None]]) -> None:
    m = Machine(tuple(rows))
    assert parse_machine(m.text()) == m
    assert parse_machine(m.text()).text() == m.text()
