"""The known step champions (bbchallenge format) with their halting time S(n) and ones."""

from __future__ import annotations

CHAMPIONS: dict[int, tuple[str, int, int]] = {
    2: ("1RB1LB_1LA1RZ", 6, 4),
    3: ("1RB1RZ_1LB0RC_1LC1LA", 21, 5),
    4: ("1RB1LB_1LA0LC_1RZ1LD_1RD0RA", 107, 13),
    5: ("1RB1LC_1RC1RB_1RD0LE_1LA1LD_1RZ0LA", 47_176_870, 4098),
}
SIGMA = {2: 4, 3: 6, 4: 13, 5: 4098}
"""Σ(n): the most ones a halting n-state, 2-symbol machine leaves (Σ(3) = 6 is not S(3)'s champion)."""
