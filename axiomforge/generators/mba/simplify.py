"""Simplification: the smallest certified-equivalent form of an MBA expression.

Non-linear expressions (GAMBA-class, `simplify_certified`): the layered normal form (`layered`) is
written back, products as products and the degree-<=1 part by the signature method below, with
opaque subterms written as their own simplified forms; the result counts only if it normalises to
the same polynomial as the input. Linear expressions (SiMBA-family):

A linear MBA is determined by its signature vector S (see `normal_form`). For each value b that S
takes, write the expression as `-b + sum_{a != b} (a - b) * B_{S = a}` where B_U is a bitwise
function whose truth table is the indicator of U; also try the conjunction basis. Each bitwise
function gets its smallest formula over & | ^ ~ (exact search for functions of up to 3
variables, normal forms beyond). The cheapest candidate (node count, then text) wins; the result
has the same signature, so it is equivalent at the given width by the signature theorem.
`simplify_parts` is the older part-by-part simplifier (each maximal linear subterm on its own),
kept as a candidate because it preserves factored forms.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .canonical import canonical_text
from .expr import Binary, Const, Expr, Unary, Var, Width, signed, size, substitute, sum_of, variables_of
from .layered import (
    DEFAULT_LIMITS,
    Layers,
    LimitReached,
    Limits,
    Polynomial,
    abstracted_in,
    mask_bits,
    new_layers,
    normalise_in,
    per_bit_values,
    substitute_back,
    support_mask,
)
from .normal_form import (
    NotInClass,
    conjunction_coefficients_from_values,
    linear_form,
    mba_class,
    reduce_vector,
    signature_of_form,
)
from .parse import MAX_NESTING, tree_depth
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
    if len(support) <= _SHANNON_VARIABLES:
        names = tuple(variables[j] for j in support)
        return _decomposed(_project(table, support), names)
    return _normal_form_formula(table, variables)


_SHANNON_VARIABLES = 5


def _project(table: int, support: Sequence[int]) -> int:
    projected = 0
    for u in range(1 << len(support)):
        v = sum(1 << support[i] for i in range(len(support)) if (u >> i) & 1)
        if (table >> v) & 1:
            projected |= 1 << u
    return projected


@lru_cache(maxsize=4096)
def _decomposed(table: int, names: tuple[str, ...]) -> Expr:
    """A formula for a function of 4-5 variables (all in its support): the smallest Shannon split
    `(f0 & ~v) | (f1 & v)`, `f0 ^ (v & (f0 ^ f1))`, ... over each variable v (sub-functions by
    `bitwise_formula`), or the normal-form formula when that is smaller."""
    count = len(names)
    rest_full = (1 << (1 << (count - 1))) - 1
    candidates = [_normal_form_formula(table, names)]
    for j, name in enumerate(names):
        rest = names[:j] + names[j + 1:]
        f0 = f1 = 0
        for u in range(1 << (count - 1)):
            low, high = u & ((1 << j) - 1), (u >> j) << (j + 1)
            if (table >> (low | high)) & 1:
                f0 |= 1 << u
            if (table >> (low | high | (1 << j))) & 1:
                f1 |= 1 << u
        v: Expr = Var(name)
        g0, g1, gd = bitwise_formula(f0, rest), bitwise_formula(f1, rest), bitwise_formula(f0 ^ f1, rest)
        if g0 is None or g1 is None:
            if f0 == 0 and g1 is not None:
                candidates.append(Binary("&", g1, v))
            if f1 == 0 and g0 is not None:
                candidates.append(Binary("&", g0, Unary("~", v)))
            if f0 == rest_full and g1 is not None:
                candidates.append(Binary("|", g1, Unary("~", v)))
            if f1 == rest_full and g0 is not None:
                candidates.append(Binary("|", g0, v))
            continue
        if f1 == f0 ^ rest_full:
            candidates.append(Binary("^", g0, Unary("~", v)))
            candidates.append(Unary("~", Binary("^", g0, v)))
        candidates.append(Binary("|", Binary("&", g0, Unary("~", v)), Binary("&", g1, v)))
        if gd is not None:
            candidates.append(Binary("^", g0, Binary("&", v, gd)))
            candidates.append(Binary("^", g1, Binary("&", Unary("~", v), gd)))
    return _cheapest(candidates)


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
    return _cheapest(candidates)


def conjunction(mask: int, variables: Sequence[str]) -> Expr:
    return _fold("&", [Var(variables[j]) for j in range(len(variables)) if (mask >> j) & 1])


def _minterm(v: int, variables: Sequence[str]) -> Expr:
    return _fold("&", [Var(n) if (v >> j) & 1 else Unary("~", Var(n)) for j, n in enumerate(variables)])


def _fold(op: str, items: list[Expr]) -> Expr:
    """`items` joined by the associative `op`: left-nested as written for up to 8 items, balanced
    beyond (a 2,048-minterm formula stays 12 levels deep, not 2,048)."""
    if len(items) > 8:
        middle = len(items) // 2
        return Binary(op, _fold(op, items[:middle]), _fold(op, items[middle:]))  # type: ignore[arg-type]
    out = items[0]
    for item in items[1:]:
        out = Binary(op, out, item)  # type: ignore[arg-type]
    return out


_MAX_BASELINES = 16  # each baseline is one candidate with up to one term per distinct value


@lru_cache(maxsize=4096)
def _formula(table: int, variables: tuple[str, ...]) -> Expr | None:
    return bitwise_formula(table, variables)


def _written(terms: Sequence[tuple[int, int]], constant_term: int, variables: tuple[str, ...], width: Width
             ) -> list[Expr]:
    """`sum c * B_table + constant`, and (for up to 4 terms) each variant with some terms complemented:
    `c*f == -c*~f - c`, so complementing shifts the constant and can cancel it (`x + 1 == -~x`)."""
    full = (1 << (1 << len(variables))) - 1
    out = []
    subsets = range(1 << len(terms)) if len(terms) <= 4 else range(1)
    for flips in subsets:
        k = constant_term
        written: list[tuple[int, Expr]] = []
        for i, (c, table) in enumerate(terms):
            if (flips >> i) & 1:
                c, table, k = -c, full ^ table, k - c
            formula = _formula(table, variables)
            if formula is None:  # the all-ones table: the constant word -1
                k -= c if table else 0
            elif signed(c, width) != 0:
                written.append((signed(c, width), formula))
        # Smallest terms first, but a positive one leads (`2*(x ^ y) - x`, not `-x + 2*(x ^ y)`).
        written.sort(key=lambda t: size(t[1]))
        if written:
            first_positive = next((i for i, t in enumerate(written) if t[0] > 0), 0)
            written.insert(0, written.pop(first_positive))
        out.append(sum_of(written, signed(k, width)))
    return out


def _two_term_decompositions(values: Sequence[int], width: Width) -> list[tuple[list[tuple[int, int]], int]]:
    """Signatures with at most 4 distinct values written as `b + a1*f1 + a2*f2` (overlapping functions):
    each value is one of b, b + a1, b + a2, b + a1 + a2. Where a1 + a2 == 0, the points of value b
    may take either role; every split of up to 4 such points is tried."""
    distinct = sorted(set(values))
    if not 2 <= len(distinct) <= 4:
        return []
    modulus = None if width is None else 1 << width

    def norm(v: int) -> int:
        return v if modulus is None else v % modulus

    out = []
    for b in distinct:
        others = [norm(v - b) for v in distinct if v != b]
        pairs = [(a1, a2) for i, a1 in enumerate(others) for a2 in others[i + 1:]]
        pairs += [(a1, norm(-a1)) for a1 in others if norm(-a1) not in others]
        for a1, a2 in pairs:
            roles: dict[int, list[tuple[int, int]]] = {}
            for role, offset in (((0, 0), 0), ((1, 0), a1), ((0, 1), a2), ((1, 1), norm(a1 + a2))):
                roles.setdefault(offset, []).append(role)
            if any(len(r) > 1 for o, r in roles.items() if o != 0) or not all(
                    norm(v - b) in roles for v in distinct):
                continue
            ambiguous = [v for v, value in enumerate(values) if len(roles[norm(value - b)]) > 1]
            if len(ambiguous) > 4:
                continue
            for split in range(1 << len(ambiguous)):
                chosen = {v: roles[0][(split >> i) & 1] for i, v in enumerate(ambiguous)}
                t1 = t2 = 0
                for v, value in enumerate(values):
                    r1, r2 = chosen.get(v) or roles[norm(value - b)][0]
                    t1 |= r1 << v
                    t2 |= r2 << v
                out.append(([(a1, t1), (a2, t2)], -b))
    return out


def simplest_linear(signature_vector: Sequence[int], variables: Sequence[str], width: Width) -> Expr:
    """The cheapest expression with this signature among the candidates described in the module doc."""
    return _cheapest(linear_candidates(signature_vector, variables, width))


def _cheapest(candidates: Sequence[Expr]) -> Expr:
    """The candidate of least `_cost`; texts are printed only for those of the least node count."""
    sizes = [size(c) for c in candidates]
    least = min(sizes)
    return min((c for c, n in zip(candidates, sizes, strict=True) if n == least), key=_cost)


def _near_cheapest(candidates: Sequence[Expr]) -> list[Expr]:
    """The candidates within one node of the smallest: inside a larger sum only the sign of the
    leading term can change a candidate's size (`-x + ...` costs a node that `... - x` does not)."""
    sizes = [size(c) for c in candidates]
    least = min(sizes)
    return [c for c, n in zip(candidates, sizes, strict=True) if n <= least + 1]


def _cost(e: Expr) -> tuple[int, int, str]:
    """Node count, then text length, then text; a tree deeper than the parser accepts costs most."""
    if tree_depth(e) > MAX_NESTING:
        return sys.maxsize, 0, ""
    text = to_c(e)
    return size(e), len(text), text


def linear_candidates(signature_vector: Sequence[int], variables: Sequence[str], width: Width) -> list[Expr]:
    """Expressions with this signature: per baseline value, two-term splits, complemented terms, and the
    conjunction basis (the caller picks; inside a larger sum the best one can differ)."""
    names = tuple(variables)
    count = len(names)
    values = reduce_vector(signature_vector, width)
    candidates: list[Expr] = []
    baselines = set(values) | {0}
    if len(baselines) > _MAX_BASELINES:  # many distinct values: the most frequent one and 0 only
        baselines = {0, max(sorted(set(values)), key=values.count)}
    for baseline in sorted(baselines):
        groups: dict[int, int] = {}
        for v, value in enumerate(values):
            if value != baseline:
                groups[value] = groups.get(value, 0) | (1 << v)
        terms = [(value - baseline, table) for value, table in sorted(groups.items())]
        candidates.extend(_written(terms, -baseline, names, width))
    for terms, constant_term in _two_term_decompositions(values, width):
        candidates.extend(_written(terms, constant_term, names, width))
    residual = [v - values[0] for v in values]
    basis_terms = []
    for mask, c in sorted(conjunction_coefficients_from_values(residual, count).items()):
        if mask:
            basis_terms.append((signed(c, width), conjunction(mask, names)))
    candidates.append(sum_of(basis_terms, signed(-values[0], width)))
    return candidates


_PARTS_MAX_VARIABLES = 8  # wider linear parts are left as written by the part-by-part simplifier


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
        t = simplify_parts(t, width)
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
    """The smallest certified-equivalent form of `e` (see `simplify_certified`)."""
    return simplify_certified(e, width).expression


def simplify_parts(e: Expr, width: Width) -> Expr:
    """Part by part: simplest equivalent linear combination for linear MBA; for others, linear summands
    are grouped and simplified together and every other part is simplified recursively."""
    if mba_class(e) == "linear":
        if len(variables_of(e)) > _PARTS_MAX_VARIABLES:
            return e
        candidate = simplify_linear(e, width)
        return candidate if (size(candidate), to_c(candidate)) <= (size(e), to_c(e)) else e
    if isinstance(e, Unary):
        bottom_up: Expr = Unary(e.op, simplify_parts(e.arg, width))
    elif isinstance(e, Binary):
        bottom_up = Binary(e.op, simplify_parts(e.left, width), simplify_parts(e.right, width))
    else:
        return e
    candidates = [bottom_up]
    if isinstance(e, Binary) and e.op in ("+", "-") or isinstance(e, Unary) and e.op == "-":
        candidates.append(_simplify_sum(e, width))
    return min(candidates, key=lambda c: (size(c), to_c(c)))


# --- GAMBA-class simplification: normal form, then the smallest rendering of it -------------------


_LINEAR_SIGNATURE_VARIABLES = 8  # wider linear layers are written in the conjunction basis
_PARTS_MAX_SIZE = 64  # the part-by-part simplifier is quadratic in the size; only small inputs get it too


@dataclass(frozen=True)
class Simplification:
    """A simplified expression and how its equivalence with the input was certified.

    `method` is `unchanged` when nothing smaller was certified (the input is returned as is)."""

    expression: Expr
    method: str
    limit: str | None = None  # the size limit that stopped the normal form, if one did


class _Renderer:
    """Writes a layered normal form back as a small expression (opaque variables as their own renderings)."""

    def __init__(self, layers: Layers, width: Width, max_terms: int) -> None:
        self.layers = layers
        self.width = width
        self.max_terms = max_terms  # a polynomial with more terms cannot be written smaller than the input
        self.memo: dict[int, Expr] = {}

    def base(self, index: int) -> Expr:
        if not self.layers.is_opaque(index):
            return Var(self.layers.names[index])
        if index not in self.memo:
            self.memo[index] = self.render(self.layers.opaque_poly(index))
        return self.memo[index]

    def atom(self, mask: int) -> Expr:
        return _fold("&", [self.base(i) for i in mask_bits(mask)])

    def linear(self, p: Polynomial) -> list[Expr]:
        """Candidate writings of a degree-<=1 polynomial (opaque variables as their renderings)."""
        support = mask_bits(support_mask(p))
        if len(support) > _LINEAR_SIGNATURE_VARIABLES:
            terms = [(signed(c, self.width), self.atom(m[0])) for m, c in sorted(p.items()) if m]
            return [sum_of(terms, signed(p.get((), 0), self.width))]
        names = [self.layers.names[i] if not self.layers.is_opaque(i) else f"#{i}" for i in support]
        written = linear_candidates(per_bit_values(p, support), names, self.width)
        mapping = {f"#{i}": self.base(i) for i in support if self.layers.is_opaque(i)}
        return [substitute(w, mapping) for w in written] if mapping else written

    def render(self, p: Polynomial) -> Expr:
        if len(p) > self.max_terms:
            raise LimitReached(f"the normal form has {len(p)} terms, more than the input has nodes")
        linear = {m: c for m, c in p.items() if len(m) <= 1}
        products = []
        for m, c in p.items():
            if len(m) > 1:
                products.append((signed(c, self.width), _fold("*", [self.atom(a) for a in m])))
        products.sort(key=lambda t: (-size(t[1]), to_c(t[1]), t[0]))
        if not products:
            return _cheapest(self.linear(linear))
        linear_writings = [_signed_terms(lin) for lin in _near_cheapest(self.linear(linear))] if linear else [[]]
        expanded = _cheapest([sum_of(products + lin) for lin in linear_writings])
        factored = self.factored({m: c for m, c in p.items() if len(m) > 1})
        if factored is None:
            return expanded
        regrouped = _cheapest([sum_of([factored] + lin) for lin in linear_writings])
        return regrouped if size(regrouped) < size(expanded) else expanded  # ties: the expanded form

    def factored(self, q: Polynomial) -> tuple[int, Expr] | None:
        """The degree-2 part as one product `g * F1 * F2` of two linear combinations of atoms over
        disjoint base variables (a rank-1 bilinear form, `(a | b)*y` expanded to `a*y + b*y -
        (a&b)*y`), each factor written by the signature method; None when it is not of that shape."""
        if not q or any(len(m) != 2 for m in q):
            return None
        first = next(iter(sorted(q)))
        side1, side2 = first[0], first[1]
        if side1 & side2:
            return None
        pairs: list[tuple[int, int, int]] = []
        for (a, b), c in sorted(q.items()):
            if a & side2 or b & side1:
                a, b = b, a
            if a & side2 or b & side1:
                return None
            side1, side2 = side1 | a, side2 | b
            if side1 & side2:
                return None
            pairs.append((a, b, signed(c, self.width)))
        rows = sorted({a for a, _, _ in pairs})
        cols = sorted({b for _, b, _ in pairs})
        matrix = {(a, b): c for a, b, c in pairs}
        g = 0
        for c in matrix.values():
            g = math.gcd(g, c)
        pivot_row = rows[0]
        row = [matrix.get((pivot_row, b), 0) // g for b in cols]
        row_gcd = 0
        for c in row:
            row_gcd = math.gcd(row_gcd, c)
        v = [c // row_gcd for c in row]
        pivot = next(j for j, c in enumerate(v) if c)
        u = []
        for a in rows:
            entry = matrix.get((a, cols[pivot]), 0) // g
            if entry % v[pivot]:
                return None
            u.append(entry // v[pivot])
        if any(matrix.get((a, b), 0) != g * u[i] * v[j] for i, a in enumerate(rows) for j, b in enumerate(cols)):
            return None
        left = _cheapest(self.linear({(a,): u[i] for i, a in enumerate(rows) if u[i]}))
        right = _cheapest(self.linear({(b,): v[j] for j, b in enumerate(cols) if v[j]}))
        return signed(g, self.width), Binary("*", left, right)


def _certified_method(e: Expr) -> str:
    """The certify method name for `e == result` proved by equal normal forms."""
    return {"linear": "signature", "polynomial": "polynomial-normal-form"}.get(mba_class(e), "layered-normal-form")


def simplify_certified(e: Expr, width: Width, limits: Limits = DEFAULT_LIMITS) -> Simplification:
    """The smallest form of `e` certified equivalent to it: the rendering of its layered normal form,
    of the same polynomial before opaque subterms were substituted back (when strictly smaller), or
    (for small inputs whose expansion has many products, or when no rendering is certified) the
    part-by-part simplifier's form. A candidate counts only when it normalises to the same
    polynomial as `e` in the same layers (shared opaque variables); otherwise `e` is returned
    unchanged. Never returns an expression that is not certified equal to `e`."""
    layers = new_layers(variables_of(e), width, limits)
    try:
        abstracted = abstracted_in(layers, e)
        target = substitute_back(layers, abstracted)
    except LimitReached as limit:
        return Simplification(e, "unchanged", str(limit))
    best, method, input_size = e, "unchanged", size(e)
    best_cost = (input_size, 0, "")  # any candidate with fewer nodes wins; ties are printed below

    def consider(make: Callable[[], Expr], strictly_smaller: bool = False) -> bool:
        nonlocal best, best_cost, method
        try:
            candidate = make()
            if size(candidate) > best_cost[0] - strictly_smaller:
                return False
            cost = _cost(candidate)  # infinite for trees deeper than the parser accepts
            if cost[0] == input_size and best is e:
                best_cost = _cost(e)  # a tie with the input: compare texts
            if cost < best_cost and normalise_in(layers, candidate) == target:
                best, best_cost, method = candidate, cost, _certified_method(e)
                return True
        except NotInClass:  # a size limit (LimitReached) or a part outside the linear class
            pass
        return False

    rendered = consider(lambda: _Renderer(layers, width, input_size).render(target))
    if abstracted != target:  # opaque subterms kept whole: `(a + b)*y` rather than `a*y + b*y`
        render_abstracted = lambda: _Renderer(layers, width, input_size).render(abstracted)  # noqa: E731
        rendered = consider(render_abstracted, strictly_smaller=True) or rendered
    expanded_products = sum(1 for m in target if len(m) > 1)
    if input_size <= _PARTS_MAX_SIZE and (expanded_products > 2 or not rendered):  # a factored form may win
        consider(lambda: simplify_parts(e, width))
    return Simplification(best, method)
