"""Limits of RASP sources and programs, checked before any work starts (docs/limits.md).

The interpreter, the lowering to a graph and the compiled model's value functions walk
programs recursively, and Python's own int parser refuses numerals past 4300 digits. Rather than
meeting those limits halfway through a run as a RecursionError or a ValueError, a source is
measured once, iteratively, right after parsing, and refused with the position of the first
offending spot.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import lark

from axiomforge.errors import SourceLocation, caret_excerpt
from axiomforge.rasp import ir
from axiomforge.rasp.errors import RaspCompileError, RaspSyntaxError

MAX_EXPRESSION_DEPTH = 100
"""Deepest nesting of one expression (`- - - x`, `((((x))))`, `f(g(h(x)))`...)."""

MAX_NUMERAL_DIGITS = 100
"""Longest numeral in a source (digits, fraction part included)."""

MAX_SOP_DEPTH = 100
"""Longest chain of s-ops the compiler lowers (each map, aggregate, ... on the previous one)."""

FLOAT64_EXACT_INT = 2**53
"""float64 carries 53 significant bits: past 2**53 neighbouring integers share one float."""


def check_source(tree: lark.Tree, text: str, filename: str) -> None:
    """Refuse a parse tree nested deeper than MAX_EXPRESSION_DEPTH or holding an overlong numeral."""
    stack: list[tuple[Any, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, lark.Token):
            if node.type == "NUMBER" and len(node) > MAX_NUMERAL_DIGITS:
                _fail(f"a numeral of {len(node)} digits (at most {MAX_NUMERAL_DIGITS})", node, text, filename)
            continue
        if not isinstance(node, lark.Tree):
            continue
        if depth > MAX_EXPRESSION_DEPTH:
            _fail(f"expression nested deeper than {MAX_EXPRESSION_DEPTH} levels", node, text, filename)
        stack.extend((child, depth + 1) for child in node.children)


def _fail(message: str, node: Any, text: str, filename: str) -> None:
    meta = node if isinstance(node, lark.Token) else getattr(node, "meta", None)
    line = getattr(meta, "line", None)
    column = getattr(meta, "column", None)
    detail = caret_excerpt(text, line, column or 1) if line else ""
    raise RaspSyntaxError(message, SourceLocation(filename, line, column), detail)


def check_sop_depth(root: ir.SOp) -> None:
    """Refuse a program whose longest s-op chain exceeds MAX_SOP_DEPTH (measured without recursion)."""
    depth: dict[int, int] = {}
    for node in ir.walk(root):
        depth[id(node)] = 1 + max((depth[id(c)] for c in node.children()), default=0)
        if depth[id(node)] > MAX_SOP_DEPTH:
            label = getattr(node, "label", type(node).__name__)
            raise RaspCompileError(str(label), f"it is {depth[id(node)]} s-ops deep; the compiler takes chains of at "
                                   f"most {MAX_SOP_DEPTH} (docs/limits.md)", getattr(node, "location", None))


def check_float64(label: str, values: tuple[Any, ...], location: SourceLocation | None) -> None:
    """Refuse a value set with two numbers that float64 cannot tell apart, or one past its range.

    The model carries numbers as float64; two distinct values with the same float64 (10**20 + 1
    and 10**20 + 2) would come out of it as one."""
    seen: dict[float, Any] = {}
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | Fraction | float):
            continue
        try:
            as_float = float(value)
        except OverflowError:
            as_float = math.inf
        if not math.isfinite(as_float):
            raise RaspCompileError(label, f"value {_short(value)} is beyond float64's range (about 1.8e308)", location)
        other = seen.setdefault(as_float, value)
        if other != value:
            raise RaspCompileError(
                label, f"values {_short(other)} and {_short(value)} are one float64 number (float64 holds integers "
                f"exactly only up to 2**53 = {FLOAT64_EXACT_INT:,}); the model could not tell them apart", location)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else f"{text[:18]}...{text[-18:]} ({len(text)} digits)"
