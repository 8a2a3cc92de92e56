"""Turing machines with n states and m symbols, and the bbchallenge standard text format.

The text format writes one row per state (A, B, C, ...), rows separated by `_`; a row holds one
3-character transition per read symbol: the symbol written, the move (`L`/`R`) and the next
state, e.g. `1RB`. `---` is an undefined transition and the halting state is written `Z`.

Halting convention (the one place it is defined): the machine starts in state A on an all-0
tape. Every transition executed is one step, including the halting one: a transition into `Z`
writes and moves, then the machine stops; reaching an undefined transition `---` also counts as
one step, which writes nothing and does not move. So `1RB1LB_1LA1RZ` halts after 6 steps with
4 ones on the tape.
"""

from __future__ import annotations

from dataclasses import dataclass

from axiomforge.errors import SourceLocation, UserError, caret_excerpt

HALT = -1
"""The `next_state` of a transition into the halting state `Z`."""

LEFT, RIGHT = -1, 1
STATE_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXY"
MAX_SYMBOLS = 10
ASCII_DIGITS = "0123456789"
MACHINE_CHARACTERS = frozenset(ASCII_DIGITS + "LRZ-_" + STATE_LETTERS)
"""Only these: `str.isdigit` also accepts '²' and Arabic-Indic digits, which `int` then reads or rejects."""


class MachineFormatError(UserError):
    """A machine text that is not in the bbchallenge standard format."""


@dataclass(frozen=True, slots=True)
class Transition:
    write: int
    move: int  # LEFT or RIGHT
    next_state: int  # a state index, or HALT

    def text(self) -> str:
        nxt = "Z" if self.next_state == HALT else STATE_LETTERS[self.next_state]
        return f"{self.write}{'L' if self.move == LEFT else 'R'}{nxt}"


@dataclass(frozen=True, slots=True)
class Machine:
    """A transition table: `table[state][symbol]` is a `Transition` or None (undefined)."""

    table: tuple[tuple[Transition | None, ...], ...]

    @property
    def n_states(self) -> int:
        return len(self.table)

    @property
    def n_symbols(self) -> int:
        return len(self.table[0])

    def text(self) -> str:
        return "_".join(
            "".join("---" if t is None else t.text() for t in row) for row in self.table
        )

    def __str__(self) -> str:
        return self.text()

    def transition(self, state: int, symbol: int) -> Transition | None:
        return self.table[state][symbol]

    def with_transition(self, state: int, symbol: int, tr: Transition | None) -> Machine:
        rows = [list(r) for r in self.table]
        rows[state][symbol] = tr
        return Machine(tuple(tuple(r) for r in rows))

    def undefined_count(self) -> int:
        return sum(1 for row in self.table for t in row if t is None)

    def halting_transitions(self) -> list[tuple[int, int]]:
        return [
            (s, a)
            for s, row in enumerate(self.table)
            for a, t in enumerate(row)
            if t is None or t.next_state == HALT
        ]


def blank_machine(n_states: int, n_symbols: int = 2) -> Machine:
    return Machine(tuple(tuple([None] * n_symbols) for _ in range(n_states)))


def parse_machine(text: str, source: str = "<machine>") -> Machine:
    """Parse the bbchallenge standard format; errors point at the offending column."""
    raw = text
    text = text.strip()
    offset = len(raw) - len(raw.lstrip())

    def fail(message: str, index: int) -> MachineFormatError:
        col = offset + index + 1
        return MachineFormatError(
            message, SourceLocation(source, 1, col), caret_excerpt(raw.splitlines()[0] if raw else "", 1, col)
        )

    if not text:
        raise MachineFormatError("empty machine text", SourceLocation(source, 1, 1))
    for index, ch in enumerate(text):
        if ch not in MACHINE_CHARACTERS:
            raise fail(f"character {ch!r} (U+{ord(ch):04X}) is not allowed: a machine is written with ASCII "
                       "digits, the letters L, R, A-Y, Z, '-' and '_'", index)
    rows = text.split("_")
    n_states = len(rows)
    if n_states > len(STATE_LETTERS):
        raise fail(f"too many states ({n_states}; at most {len(STATE_LETTERS)})", 0)
    width = len(rows[0])
    if width == 0 or width % 3:
        raise fail("a row must hold 3 characters per symbol, e.g. 1RB0LA", 0)
    n_symbols = width // 3
    if not 2 <= n_symbols <= MAX_SYMBOLS:
        raise fail(f"machines need 2 to {MAX_SYMBOLS} symbols, this row has {n_symbols}", 0)
    table: list[tuple[Transition | None, ...]] = []
    pos = 0
    for row in rows:
        if len(row) != width:
            raise fail(f"row {STATE_LETTERS[len(table)] if len(table) < 25 else len(table)} has "
                       f"{len(row)} characters, expected {width} like the first row", pos)
        cells: list[Transition | None] = []
        for j in range(n_symbols):
            chunk = row[3 * j : 3 * j + 3]
            at = pos + 3 * j
            if chunk == "---":
                cells.append(None)
                continue
            w, mv, nx = chunk[0], chunk[1], chunk[2]
            if w not in ASCII_DIGITS or int(w) >= n_symbols:
                raise fail(f"written symbol {w!r} is not one of 0..{n_symbols - 1}", at)
            if mv not in "LR":
                raise fail(f"move {mv!r} must be L or R", at + 1)
            if nx == "Z":
                nxt = HALT
            elif nx in STATE_LETTERS[:n_states]:
                nxt = STATE_LETTERS.index(nx)
            else:
                raise fail(f"next state {nx!r} must be one of {STATE_LETTERS[:n_states]} or Z", at + 2)
            cells.append(Transition(int(w), LEFT if mv == "L" else RIGHT, nxt))
        table.append(tuple(cells))
        pos += len(row) + 1
    return Machine(tuple(table))
