"""Numeric command-line options, checked by argparse before any work starts.

Every count, size and duration a command takes goes through one of these types, so `-1`, `nan`,
`inf` and `10**12` are refused with the option's name and its documented range (docs/limits.md)
instead of turning into a silent misbehaviour, a MemoryError or a run that never ends. argparse
reports an `ArgumentTypeError` as `argument --samples: ...`, which the CLI prints as one line with
exit code 2.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def int_in(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a decimal integer in [low, high]."""

    def parse(text: str) -> int:
        stripped = text.strip()
        digits = stripped.lstrip("+-")
        if not digits.isdigit() or not digits.isascii() or len(digits) > 30:
            raise argparse.ArgumentTypeError(f"expected an integer from {low} to {high:,}, got {text!r}")
        value = int(stripped)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected an integer from {low} to {high:,}, got {value:,}")
        return value

    parse.__name__ = "integer"  # argparse names the type in its own messages
    return parse


def float_in(low: float, high: float) -> Callable[[str], float]:
    """An argparse type: a finite decimal number in [low, high] (no nan, no inf)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number from {low:g} to {high:g}, got {text!r}") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected a number from {low:g} to {high:g}, got {text!r}")
        return value

    parse.__name__ = "number"
    return parse


# Shared ranges (docs/limits.md). Seconds: a day at most; anything longer is a typo for "no limit".
DAY_S = 86_400.0
seconds = float_in(0.0, DAY_S)
positive_seconds = float_in(1e-3, DAY_S)
