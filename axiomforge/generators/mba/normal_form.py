"""Classes of MBA expressions and their algebraic normal forms.

*Linear* MBA: an integer combination of bitwise functions of the variables (plus a constant).
Writing B_f for the word function that applies the boolean function f at every bit,
`sum_i a_i * B_fi(x) + k` evaluated at x_j = -v_j (all-zero or all-one words, v in {0,1}^t) is
`-S(v)` with the *signature* S(v) = sum_i a_i f_i(v) - k; the expression is zero at width n iff
every S(v) = 0 mod 2^n (SiMBA's theorem; zero at every width iff S = 0 over the integers).

*Polynomial* MBA: sums of products of bitwise functions. Every bitwise function is a unique
integer combination of conjunctions m_S = AND_{j in S} x_j (the Moebius transform of its truth
table, with AND of nothing = all ones = -1), so a polynomial MBA maps to a polynomial in the m_S.
If that polynomial is zero, the identity holds (sound); a non-zero polynomial proves nothing,
since the m_S satisfy relations that a polynomial ring does not know.

`~e = -e - 1` for every word e, so `~` over arithmetic stays in its operand's class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .expr import (
    BITWISE_BINARY,
    Binary,
    Const,
    Expr,
    Identity,
    Unary,
    Var,
    Width,
    sort_variables,
    variables_of,
)

Kind = Literal["bitwise", "const", "linear", "polynomial", "nonpolynomial"]
MBAClass = Literal["linear", "polynomial", "nonpolynomial"]

_RANK = {"linear": 0, "polynomial": 1, "nonpolynomial": 2}


class NotInClass(ValueError):
    """The expression is outside the class a normal form needs."""


def kind_of(e: Expr) -> Kind:
    """The structural kind of `e` (see the module docstring)."""
    if isinstance(e, Var):
        return "bitwise"
    if isinstance(e, Const):
        return "const"
    if isinstance(e, Unary):
        inner = kind_of(e.arg)
        if inner == "bitwise":
            return "bitwise" if e.op == "~" else "linear"
        return inner
    left, right = kind_of(e.left), kind_of(e.right)
    if e.op in BITWISE_BINARY:
        return "bitwise" if left == right == "bitwise" else "nonpolynomial"
    if left == right == "const":
        return "const"
    if e.op == "*" and "const" not in (left, right):
        return "nonpolynomial" if "nonpolynomial" in (left, right) else "polynomial"
    kinds = [_arith(k) for k in (left, right)]
    return max(kinds, key=lambda k: _RANK[k])


def _arith(kind: Kind) -> MBAClass:
    return "linear" if kind in ("bitwise", "const", "linear") else kind  # type: ignore[return-value]


def mba_class(e: Expr) -> MBAClass:
    return _arith(kind_of(e))


def identity_class(identity: Identity) -> MBAClass:
    return max((mba_class(identity.lhs), mba_class(identity.rhs)), key=lambda k: _RANK[k])


# --- truth tables --------------------------------------------------------------------------------


def variable_table(index: int, count: int) -> int:
    """Truth table of variable `index` among `count`: bit v is bit `index` of v."""
    table = 0
    for v in range(1 << count):
        if (v >> index) & 1:
            table |= 1 << v
    return table


def truth_table(e: Expr, variables: Sequence[str]) -> int:
    """The truth table (bit v = value at assignment v) of a pure bitwise expression."""
    count = len(variables)
    full = (1 << (1 << count)) - 1
    index = {name: i for i, name in enumerate(variables)}
    cache: dict[str, int] = {}

    def go(node: Expr) -> int:
        if isinstance(node, Var):
            if node.name not in cache:
                cache[node.name] = variable_table(index[node.name], count)
            return cache[node.name]
        if isinstance(node, Unary) and node.op == "~":
            return full ^ go(node.arg)
        if isinstance(node, Binary) and node.op in BITWISE_BINARY:
            a, b = go(node.left), go(node.right)
            return a & b if node.op == "&" else (a | b if node.op == "|" else a ^ b)
        raise NotInClass("not a pure bitwise expression")

    return go(e)


# --- linear forms and signatures -----------------------------------------------------------------


@dataclass(frozen=True)
class LinearForm:
    """`sum(coefficient * B_table) + constant` over integers: the exact meaning of a linear MBA."""

    terms: tuple[tuple[int, int], ...]  # (truth table, coefficient), sorted by table, no zero coefficients
    constant: int


def linear_form(e: Expr, variables: Sequence[str]) -> LinearForm:
    """The linear form of `e` in one bottom-up pass (raises `NotInClass` for non-linear MBA)."""
    count = len(variables)
    full = (1 << (1 << count)) - 1
    tables = {name: variable_table(i, count) for i, name in enumerate(variables)}
    result = _linear(e, tables, full)
    if isinstance(result, int):
        return LinearForm(((result, 1),), 0)
    acc, k = result
    return LinearForm(tuple(sorted((t, c) for t, c in acc.items() if c != 0)), k)


# A bottom-up value: an int is the truth table of a pure bitwise subterm; a pair is a linear form.
_LinearValue = int | tuple[dict[int, int], int]


def _as_form(value: _LinearValue) -> tuple[dict[int, int], int]:
    return ({value: 1}, 0) if isinstance(value, int) else value


def _linear(e: Expr, tables: dict[str, int], full: int) -> _LinearValue:
    if isinstance(e, Var):
        return tables[e.name]
    if isinstance(e, Const):
        return {}, e.value
    if isinstance(e, Unary):
        inner = _linear(e.arg, tables, full)
        if isinstance(inner, int) and e.op == "~":
            return full ^ inner
        acc, k = _as_form(inner)
        negated = {t: -c for t, c in acc.items()}
        return (negated, -k) if e.op == "-" else (negated, -k - 1)
    left = _linear(e.left, tables, full)
    right = _linear(e.right, tables, full)
    if e.op in BITWISE_BINARY:
        if isinstance(left, int) and isinstance(right, int):
            return left & right if e.op == "&" else (left | right if e.op == "|" else left ^ right)
        raise NotInClass("bitwise operator over arithmetic (not a linear MBA)")
    a, ka = _as_form(left)
    b, kb = _as_form(right)
    if e.op == "*":
        if not a:
            return {t: ka * c for t, c in b.items()}, ka * kb
        if not b:
            return {t: kb * c for t, c in a.items()}, ka * kb
        raise NotInClass("product of two non-constant terms (not a linear MBA)")
    sign = 1 if e.op == "+" else -1
    out = dict(a)
    for t, c in b.items():
        out[t] = out.get(t, 0) + sign * c
    return out, ka + sign * kb


def signature_of_form(form: LinearForm, count: int) -> tuple[int, ...]:
    """S(v) = sum coefficient * table(v) - constant, for v = 0 .. 2^count - 1 (over the integers)."""
    values = [-form.constant] * (1 << count)
    for table, coefficient in form.terms:
        t = table
        v = 0
        while t:
            if t & 1:
                values[v] += coefficient
            t >>= 1
            v += 1
    return tuple(values)


def signature(e: Expr, variables: Sequence[str]) -> tuple[int, ...]:
    """The integer signature vector of a linear MBA expression."""
    return signature_of_form(linear_form(e, variables), len(variables))


def signature_by_evaluation(e: Expr, variables: Sequence[str]) -> tuple[int, ...]:
    """The same vector by the theorem's other side: S(v) = -e(x_j = -v_j), evaluated on integers.

    An independent route (plain evaluation, no normal form), used by `recheck`.
    """
    from .evaluate import evaluate_int

    out = []
    for v in range(1 << len(variables)):
        env = {name: -((v >> j) & 1) for j, name in enumerate(variables)}
        out.append(-evaluate_int(e, env))
    return tuple(out)


def reduce_vector(values: Sequence[int], width: Width) -> tuple[int, ...]:
    return tuple(values) if width is None else tuple(v % (1 << width) for v in values)


# --- conjunction basis and polynomial normal forms -----------------------------------------------


def conjunction_coefficients(table: int, count: int) -> dict[int, int]:
    """Moebius transform: the integer c_S with f(v) = sum_{S subset of v} c_S, keyed by subset mask S."""
    return conjunction_coefficients_from_values([(table >> v) & 1 for v in range(1 << count)], count)


def conjunction_coefficients_from_values(values: Sequence[int], count: int) -> dict[int, int]:
    """Integer Moebius transform of an integer-valued function on {0,1}^count."""
    out = list(values)
    for j in range(count):
        bit = 1 << j
        for v in range(1 << count):
            if v & bit:
                out[v] -= out[v ^ bit]
    return {s: c for s, c in enumerate(out) if c != 0}


Monomial = tuple[int, ...]  # sorted conjunction masks (a multiset); () is the constant monomial
Polynomial = dict[Monomial, int]


def _reduce(p: Polynomial, width: Width) -> Polynomial:
    if width is None:
        return {m: c for m, c in p.items() if c != 0}
    modulus = 1 << width
    out = {}
    for m, c in p.items():
        c %= modulus
        if c:
            out[m] = c
    return out


def _poly_add(a: Polynomial, b: Polynomial, sign: int = 1) -> Polynomial:
    out = dict(a)
    for m, c in b.items():
        out[m] = out.get(m, 0) + sign * c
    return out


def _poly_mul(a: Polynomial, b: Polynomial) -> Polynomial:
    out: Polynomial = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            m = tuple(sorted(ma + mb))
            out[m] = out.get(m, 0) + ca * cb
    return out


def polynomial_form(e: Expr, variables: Sequence[str], width: Width, max_terms: int = 20000) -> Polynomial:
    """The polynomial in conjunctions m_S that `e` denotes (coefficients mod 2^width)."""
    count = len(variables)

    def go(node: Expr) -> Polynomial:
        if kind_of(node) == "bitwise":
            coefficients = conjunction_coefficients(truth_table(node, variables), count)
            poly: Polynomial = {}
            for s, c in coefficients.items():
                if s == 0:
                    poly[()] = poly.get((), 0) - c  # AND of no variables is the all-ones word, -1
                else:
                    poly[(s,)] = c
            return _reduce(poly, width)
        if isinstance(node, Const):
            return _reduce({(): node.value}, width)
        if isinstance(node, Unary):
            inner = go(node.arg)
            negated = {m: -c for m, c in inner.items()}
            if node.op == "~":
                negated[()] = negated.get((), 0) - 1
            return _reduce(negated, width)
        if isinstance(node, Binary):
            if node.op in BITWISE_BINARY:
                raise NotInClass("bitwise operator over arithmetic (not a polynomial MBA)")
            a, b = go(node.left), go(node.right)
            if node.op == "*":
                if len(a) * len(b) > 20 * max_terms:  # checked before the product is built
                    raise NotInClass(f"a product of {len(a)} by {len(b)} terms exceeds the size limit")
                result = _reduce(_poly_mul(a, b), width)
            else:
                result = _reduce(_poly_add(a, b, 1 if node.op == "+" else -1), width)
            if len(result) > max_terms:
                raise NotInClass(f"normal form exceeds {max_terms} terms")
            return result
        raise NotInClass("unexpected node")

    return go(e)


# --- abstraction of opaque subterms --------------------------------------------------------------


@dataclass(frozen=True)
class Abstraction:
    """An identity with opaque subterms (operands of bitwise operators that are not bitwise) replaced
    by fresh variables. If the abstracted identity holds for all values, so does the original."""

    identity: Identity
    replaced: tuple[tuple[str, Expr], ...]  # (fresh variable, the subterm it stands for)


def abstract_opaque(identity: Identity, everywhere: bool, coefficients_too: bool = True) -> Abstraction:
    """Replace opaque subterms; with `everywhere`, also their occurrences outside bitwise operators
    (constants that multiply a non-constant term only with `coefficients_too`).

    Every variant is sound: replacing any set of occurrences of a term by a fresh variable gives
    an identity whose truth for all values implies the original's."""
    table: dict[Expr, str] = {}
    taken = set(variables_of(identity.lhs)) | set(variables_of(identity.rhs))

    def fresh(term: Expr) -> Var:
        if term not in table:
            i = len(table)
            while f"t{i}" in taken:
                i += 1
            name = f"t{i}"
            taken.add(name)
            table[term] = name
        return Var(table[term])

    def under_bitwise(node: Expr) -> Expr:
        if isinstance(node, Var):
            return node
        if isinstance(node, Unary) and node.op == "~":
            return Unary("~", under_bitwise(node.arg))
        if isinstance(node, Binary) and node.op in BITWISE_BINARY:
            return Binary(node.op, under_bitwise(node.left), under_bitwise(node.right))
        return fresh(node)

    def collect(node: Expr) -> Expr:
        if isinstance(node, Binary) and node.op in BITWISE_BINARY:
            return Binary(node.op, under_bitwise(node.left), under_bitwise(node.right))
        if isinstance(node, Unary):
            return Unary(node.op, collect(node.arg))
        if isinstance(node, Binary):
            return Binary(node.op, collect(node.left), collect(node.right))
        return node

    lhs, rhs = collect(identity.lhs), collect(identity.rhs)
    if everywhere and table:

        def replace(node: Expr, coefficient_slot: bool = False) -> Expr:
            if node in table and not (coefficient_slot and isinstance(node, Const) and not coefficients_too):
                return Var(table[node])
            if isinstance(node, Unary):
                return Unary(node.op, replace(node.arg))
            if isinstance(node, Binary):
                left_slot = node.op == "*" and not isinstance(node.right, Const)
                right_slot = node.op == "*" and not isinstance(node.left, Const)
                return Binary(node.op, replace(node.left, left_slot), replace(node.right, right_slot))
            return node

        lhs, rhs = replace(lhs), replace(rhs)
    replaced = tuple(sorted(((name, term) for term, name in table.items()), key=lambda p: int(p[0][1:])))
    return Abstraction(Identity(lhs, rhs), replaced)


def all_variables(identity: Identity) -> tuple[str, ...]:
    return sort_variables(set(variables_of(identity.lhs)) | set(variables_of(identity.rhs)))
