"""A SiMBA-family simplifier: a linear MBA to the simplest equivalent linear combination.

A linear MBA is determined by its signature vector S (see `normal_form`). For each value b that S
takes, write the expression as `-b + sum_{a != b} (a - b) * B_{S = a}` where B_U is a bitwise
function whose truth table is the indicator of U; also try the conjunction basis. Each bitwise
function gets its smallest formula over & | ^ ~ (exact search for functions of up to 3
variables, normal forms beyond). The cheapest candidate (node count, then text) wins; the result
has the same signature, so it is equivalent at the given width by the signature theorem.
Non-linear expressions are simplified bottom-up, each maximal linear subterm on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from .canonical import canonical_text
from .expr import Binary, Const, Expr, Unary, Var, Width, signed, size, sum_of, variables_of
from .normal_form import (
    conjunction_coefficients_from_values,
    linear_form,
    mba_class,
    reduce_vector,
    signature_of_form,
)
from .printing import to_c

_EXACT_SEARCH_VARIABLES = 3
_MAX_FORMULA_SIZE = 15
_PLACEHOLDERS = ("v0", "v1", "v2")


@lru_cache(maxsize=4)
def _smallest_formulas(count: int) -> dict[int, Expr]:
    """The smallest formula (over placeholders v0..) for each truth table of `count` variables."""
    full = (1 << (1 << count)) - 1
    by_size: dict[int, list[tuple[int, Expr]]] = {1: []}
    best: dict[int, Expr] = {}
    for j in range(count):
        table = sum(1 << v for v in range(1 << count) if (v >> j) & 1)
        best[table] = Var(_PLACEHOLDERS[j])
        by_size[1].append((table, best[table]))
    target = 1 << (1 << count)
    for s in range(2, _MAX_FORMULA_SIZE + 1):
        fresh: list[tuple[int, Expr]] = []

        def offer(table: int, formula: Expr, fresh: list[tuple[int, Expr]] = fresh) -> None:
            if table not in best:
                best[table] = formula
                fresh.append((table, formula))

        for table, formula in by_size.get(s - 1, []):
            offer(full ^ table, Unary("~", formula))
        for left_size in range(1, s - 1):
            right_size = s - 1 - left_size
            if right_size < left_size:
                break
            for ta, fa in by_size.get(left_size, []):
                for tb, fb in by_size.get(right_size, []):
                    offer(ta & tb, Binary("&", fa, fb))
                    offer(ta | tb, Binary("|", fa, fb))
                    offer(ta ^ tb, Binary("^", fa, fb))
        by_size[s] = fresh
        if len(best) >= target - 2:  # all but the constants 0 and all-ones, which are not bitwise formulas
            break
    return best


def _rename(e: Expr, names: Sequence[str]) -> Expr:
    if isinstance(e, Var):
        return Var(names[_PLACEHOLDERS.index(e.name)])
    if isinstance(e, Unary):
        return Unary(e.op, _rename(e.arg, names))
    if isinstance(e, Binary):
        return Binary(e.op, _rename(e.left, names), _rename(e.right, names))
    return e


def _support(table: int, count: int) -> list[int]:
    out = []
    for j in range(count):
        bit = 1 << j
        if any(((table >> v) & 1) != ((table >> (v ^ bit)) & 1) for v in range(1 << count) if not v & bit):
            out.append(j)
    return out


def bitwise_formula(table: int, variables: Sequence[str]) -> Expr | None:
    """A small formula with this truth table; None for the constant tables (0 and all-ones)."""
    count = len(variables)
    full = (1 << (1 << count)) - 1
    if table in (0, full):
        return None
    support = _support(table, count)
    if len(support) <= _EXACT_SEARCH_VARIABLES:
        k = len(support)
        projected = 0
        for u in range(1 << k):
            v = sum(1 << support[i] for i in range(k) if (u >> i) & 1)
            if (table >> v) & 1:
                projected |= 1 << u
        formula = _smallest_formulas(k).get(projected)
        if formula is not None:
            return _rename(formula, [variables[j] for j in support])
    return _normal_form_formula(table, variables)


def _normal_form_formula(table: int, variables: Sequence[str]) -> Expr:
    """The smaller of: XOR of conjunctions (algebraic normal form) and OR of minterms (or its complement)."""
    count = len(variables)
    full = (1 << (1 << count)) - 1
    anf = table
    # GF(2) Moebius transform of the truth table.
    coefficients = [(table >> v) & 1 for v in range(1 << count)]
    for j in range(count):
        for v in range(1 << count):
            if v & (1 << j):
                coefficients[v] ^= coefficients[v ^ (1 << j)]
    candidates: list[Expr] = []
    terms = [conjunction(s, variables) for s in range(1, 1 << count) if coefficients[s]]
    if terms and not coefficients[0]:
        candidates.append(_fold("^", terms))
    elif terms:
        candidates.append(Unary("~", _fold("^", terms)))
    for negate, tt in ((False, table), (True, full ^ anf)):
        minterms = [_minterm(v, variables) for v in range(1 << count) if (tt >> v) & 1]
        if minterms:
            body = _fold("|", minterms)
            candidates.append(Unary("~", body) if negate else body)
    return min(candidates, key=lambda e: (size(e), to_c(e)))


def conjunction(mask: int, variables: Sequence[str]) -> Expr:
    return _fold("&", [Var(variables[j]) for j in range(len(variables)) if (mask >> j) & 1])


def _minterm(v: int, variables: Sequence[str]) -> Expr:
    return _fold("&", [Var(n) if (v >> j) & 1 else Unary("~", Var(n)) for j, n in enumerate(variables)])


def _fold(op: str, items: list[Expr]) -> Expr:
    out = items[0]
    for item in items[1:]:
        out = Binary(op, out, item)  # type: ignore[arg-type]
    return out


def simplest_linear(signature_vector: Sequence[int], variables: Sequence[str], width: Width) -> Expr:
    """The cheapest expression with this signature among the candidates described in the module doc."""
    count = len(variables)
    values = reduce_vector(signature_vector, width)
    candidates: list[Expr] = []
    for baseline in sorted(set(values)):
        groups: dict[int, int] = {}
        for v, value in enumerate(values):
            if value != baseline:
                groups[value] = groups.get(value, 0) | (1 << v)
        terms: list[tuple[int, Expr]] = []
        constant_term = -baseline
        for value, table in sorted(groups.items()):
            formula = bitwise_formula(table, variables)
            coefficient = value - baseline
            if formula is None:  # the all-ones table: the constant word -1
                constant_term -= coefficient
            else:
                terms.append((signed(coefficient, width), formula))
        candidates.append(sum_of(sorted(terms, key=lambda t: size(t[1])), signed(constant_term, width)))
    residual = [v - values[0] for v in values]
    basis_terms = []
    for mask, c in sorted(conjunction_coefficients_from_values(residual, count).items()):
        if mask:
            basis_terms.append((signed(c, width), conjunction(mask, variables)))
    candidates.append(sum_of(basis_terms, signed(-values[0], width)))
    return min(candidates, key=lambda e: (size(e), len(to_c(e)), to_c(e)))


def simplify_linear(e: Expr, width: Width) -> Expr:
    variables = variables_of(e)
    form = linear_form(e, variables)
    return simplest_linear(signature_of_form(form, len(variables)), variables, width)


def _signed_terms(e: Expr, sign: int = 1) -> list[tuple[int, Expr]]:
    """`e` as a sum of (sign, term): the top-level + / - / unary-minus structure."""
    if isinstance(e, Binary) and e.op in ("+", "-"):
        return _signed_terms(e.left, sign) + _signed_terms(e.right, sign if e.op == "+" else -sign)
    if isinstance(e, Unary) and e.op == "-":
        return _signed_terms(e.arg, -sign)
    return [(sign, e)]


def _simplify_sum(e: Expr, width: Width) -> Expr:
    """Group the linear summands of a non-linear sum and simplify them as one linear MBA."""
    terms = _signed_terms(e)
    linear_terms = [(s, t) for s, t in terms if mba_class(t) == "linear"]
    grouped: dict[str, tuple[int, Expr]] = {}
    for s, t in terms:
        if mba_class(t) == "linear":
            continue
        if isinstance(t, Binary) and t.op == "*" and isinstance(t.left, Const):
            s, t = s * t.left.value, t.right
        t = simplify(t, width)
        key = canonical_text(t)
        previous = grouped.get(key, (0, t))[0]
        grouped[key] = (previous + s, grouped.get(key, (0, t))[1])
    pieces: list[tuple[int, Expr]] = [(signed(c, width), t) for c, t in grouped.values() if signed(c, width) != 0]
    if linear_terms:
        linear_part = simplify_linear(sum_of(linear_terms), width)
        if not (isinstance(linear_part, Const) and linear_part.value == 0):
            pieces.extend(_signed_terms(linear_part))
    return sum_of(pieces)


def simplify(e: Expr, width: Width) -> Expr:
    """Simplest equivalent linear combination for linear MBA; for others, linear summands are grouped
    and simplified together and every other part is simplified recursively."""
    if mba_class(e) == "linear":
        candidate = simplify_linear(e, width)
        return candidate if (size(candidate), to_c(candidate)) <= (size(e), to_c(e)) else e
    if isinstance(e, Unary):
        bottom_up: Expr = Unary(e.op, simplify(e.arg, width))
    elif isinstance(e, Binary):
        bottom_up = Binary(e.op, simplify(e.left, width), simplify(e.right, width))
    else:
        return e
    candidates = [bottom_up]
    if isinstance(e, Binary) and e.op in ("+", "-") or isinstance(e, Unary) and e.op == "-":
        candidates.append(_simplify_sum(e, width))
    return min(candidates, key=lambda c: (size(c), to_c(c)))
