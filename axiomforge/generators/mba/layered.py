"""Normal forms of non-linear MBA by layered bitwise abstraction (the GAMBA idea, written from its paper).

A value is a polynomial, with coefficients mod 2^width, in *atoms*: conjunctions
`m_S = AND_{j in S} v_j` of base variables. Base variables are the input variables and *opaque*
terms: operands of a bitwise operator that are not themselves bitwise functions (`x*y` in
`(x*y) & z`). The pass is bottom-up:

- `+ - *` and unary `-` are ring operations on polynomials; `~e = -e - 1` for every word;
- a bitwise operator looks at its operands' polynomials. A polynomial of degree <= 1 whose
  per-bit value `G(v) = sum_S c_S [S subset of v] - k` lies in {0, 1} at every assignment v is the
  bitwise function with truth table G (this is the signature theorem read backwards), so an
  arithmetic disguise of a bitwise function (`2*(a&b) + (a^b) - b`, which is `a`) is seen through.
  Any other operand becomes an opaque base variable, keyed by its own normal form, so equal
  subterms written differently get the same variable. The result's truth table goes back to the
  conjunction basis by the Moebius transform;
- at the end, an atom that is a lone opaque variable is replaced by that variable's polynomial
  (substituting back), so `x*y` inside and outside bitwise operators cancels.

Every step is an equation between word functions except the abstraction, which only forgets how
opaque terms relate to the inputs: a zero polynomial for `lhs - rhs` proves the identity (sound),
and a non-zero one proves nothing. Sizes are checked *before* each product or truth table is
built, so a limit is a `LimitReached`, never a MemoryError.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .expr import BITWISE_BINARY, Binary, Const, Expr, Unary, Var, Width, sort_variables, variables_of
from .normal_form import NotInClass

Monomial = tuple[int, ...]  # sorted atom masks over base-variable indices (a multiset); () is the constant
Polynomial = dict[Monomial, int]


class LimitReached(NotInClass):
    """A size limit would be exceeded: the computation stops before building the oversized object."""


@dataclass(frozen=True)
class Limits:
    """Bounds that hold *during* the computation (each is checked before the work it bounds)."""

    max_terms: int = 20_000  # terms of any intermediate polynomial
    max_products: int = 400_000  # term pairs one multiplication may form
    max_bitwise_variables: int = 12  # support of one bitwise layer (its truth table has 2^k entries)
    max_opaque: int = 200  # distinct opaque subterms
    max_degree: int = 64  # atoms in one product term
    max_work: int = 2_000_000  # term pairs formed by all products of one normalisation together


DEFAULT_LIMITS = Limits()


@dataclass
class Layers:
    """The base variables of one normalisation: the inputs, then opaque subterms in order of discovery.

    Mutable while one expression (or both sides of one identity) is normalised, so that equal
    opaque subterms on either side share a variable; nothing outside `normalise` sees it change."""

    width: Width
    limits: Limits
    names: list[str]
    opaque: list[Polynomial] = field(default_factory=list)  # opaque[i] is base variable len(names) + i
    keys: dict[tuple[tuple[Monomial, int], ...], int] = field(default_factory=dict)
    work: int = 0  # term pairs formed so far (bounded by limits.max_work)

    @property
    def count(self) -> int:
        return len(self.names) + len(self.opaque)

    def is_opaque(self, index: int) -> bool:
        return index >= len(self.names)

    def opaque_poly(self, index: int) -> Polynomial:
        return self.opaque[index - len(self.names)]

    def reduce(self, p: Polynomial) -> Polynomial:
        if self.width is None:
            return {m: c for m, c in p.items() if c}
        modulus = 1 << self.width
        out = {}
        for m, c in p.items():
            c %= modulus
            if c:
                out[m] = c
        return out

    def check_size(self, p: Polynomial) -> Polynomial:
        if len(p) > self.limits.max_terms:
            raise LimitReached(f"normal form exceeds {self.limits.max_terms} terms")
        return p


def _add(a: Polynomial, b: Polynomial, sign: int = 1) -> Polynomial:
    out = dict(a)
    for m, c in b.items():
        out[m] = out.get(m, 0) + sign * c
    return out


def _mul(layers: Layers, a: Polynomial, b: Polynomial) -> Polynomial:
    limits = layers.limits
    if len(a) * len(b) > limits.max_products:
        raise LimitReached(f"a product of {len(a)} by {len(b)} terms exceeds {limits.max_products} term pairs")
    layers.work += len(a) * len(b)
    if layers.work > limits.max_work:
        raise LimitReached(f"products together exceed {limits.max_work} term pairs")
    if max(map(len, a), default=0) + max(map(len, b), default=0) > limits.max_degree:
        raise LimitReached(f"a product of more than {limits.max_degree} bitwise factors")
    out: Polynomial = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            m = tuple(sorted(ma + mb)) if ma and mb else (ma or mb)
            out[m] = out.get(m, 0) + ca * cb
    return layers.check_size(layers.reduce(out))


def _is_linear(p: Polynomial) -> bool:
    return all(len(m) <= 1 for m in p)


def support_mask(p: Polynomial) -> int:
    """The base variables `p` mentions, as a bit mask."""
    mask = 0
    for m in p:
        for atom in m:
            mask |= atom
    return mask


def mask_bits(mask: int) -> list[int]:
    """The indices of the set bits of `mask`, ascending."""
    out = []
    i = 0
    while mask:
        if mask & 1:
            out.append(i)
        mask >>= 1
        i += 1
    return out


def _local(mask: int, positions: dict[int, int]) -> int:
    out = 0
    for i in mask_bits(mask):
        out |= 1 << positions[i]
    return out


def per_bit_values(p: Polynomial, support: list[int]) -> list[int]:
    """G(v) = sum_{S subset of v} c_S - k for every assignment v of `support`, for a polynomial of
    degree <= 1 (its signature vector over `support`, unreduced)."""
    positions = {index: j for j, index in enumerate(support)}
    values = [0] * (1 << len(support))
    constant = 0
    for m, c in p.items():
        if m:
            values[_local(m[0], positions)] += c
        else:
            constant = c
    for j in range(len(support)):  # zeta transform: sum over subsets
        bit = 1 << j
        for v in range(len(values)):
            if v & bit:
                values[v] += values[v ^ bit]
    return [value - constant for value in values]


def _bit_values(layers: Layers, p: Polynomial, support: list[int]) -> list[int] | None:
    """G(v) for every assignment v of `support`, if `p` is linear and every G(v) is 0 or 1; else None."""
    if not _is_linear(p):
        return None
    modulus = None if layers.width is None else 1 << layers.width
    out = []
    for g in per_bit_values(p, support):
        if modulus is not None:
            g %= modulus
        if g not in (0, 1):
            return None
        out.append(g)
    return out


def _from_bits(layers: Layers, bits: list[int], support: list[int]) -> Polynomial:
    """The conjunction-basis polynomial of the bitwise function with these per-bit values (Moebius)."""
    values = list(bits)
    for j in range(len(support)):
        bit = 1 << j
        for v in range(len(values)):
            if v & bit:
                values[v] -= values[v ^ bit]
    poly: Polynomial = {}
    for local, c in enumerate(values):
        if not c:
            continue
        if local == 0:
            poly[()] = -c  # the empty conjunction is the all-ones word, -1
        else:
            poly[(sum(1 << support[j] for j in mask_bits(local)),)] = c
    return layers.reduce(poly)


def _key(p: Polynomial) -> tuple[tuple[Monomial, int], ...]:
    return tuple(sorted(p.items()))


def _complement(layers: Layers, p: Polynomial) -> Polynomial:
    out = {m: -c for m, c in p.items()}
    out[()] = out.get((), 0) - 1
    return layers.reduce(out)


def _opaque(layers: Layers, p: Polynomial) -> Polynomial:
    """`p` as one base variable, or the complement `~t` of one: an opaque term and its complement
    (`y - 1` and `~(y - 1)`, which is `-y`) share a variable, whichever is met first."""
    p = substitute_back(layers, p)
    complement = _complement(layers, p)
    key, complement_key = _key(p), _key(complement)
    # The representative of {p, ~p}: fewer terms (it reads better when written back), then the key.
    negated = (len(complement), complement_key) < (len(p), key)
    if negated:
        p, key = complement, complement_key
    index = layers.keys.get(key)
    if index is None:
        if len(layers.opaque) >= layers.limits.max_opaque:
            raise LimitReached(f"more than {layers.limits.max_opaque} opaque subterms")
        index = layers.count
        layers.opaque.append(p)
        layers.keys[key] = index
    return layers.reduce({(1 << index,): -1, (): -1}) if negated else {(1 << index,): 1}


def _bitwise(layers: Layers, op: str, a: Polynomial, b: Polynomial) -> Polynomial:
    support = mask_bits((support_mask(a) if _is_linear(a) else 0) | (support_mask(b) if _is_linear(b) else 0))
    wide = len(support) > layers.limits.max_bitwise_variables  # too wide a truth table: keep operands opaque
    va = None if wide else _bit_values(layers, a, support)
    if va is None:
        a = _opaque(layers, a)
    vb = None if wide else _bit_values(layers, b, support)
    if vb is None:
        b = _opaque(layers, b)
    if va is None or vb is None:
        support = mask_bits(support_mask(a) | support_mask(b))
        if len(support) > layers.limits.max_bitwise_variables:
            raise LimitReached(f"a bitwise layer over more than {layers.limits.max_bitwise_variables} variables")
        va = _bit_values(layers, a, support)
        vb = _bit_values(layers, b, support)
        assert va is not None and vb is not None  # bitwise and opaque operands are bitwise functions
    if op == "&":
        bits = [x & y for x, y in zip(va, vb, strict=True)]
    elif op == "|":
        bits = [x | y for x, y in zip(va, vb, strict=True)]
    else:
        bits = [x ^ y for x, y in zip(va, vb, strict=True)]
    return _from_bits(layers, bits, support)


def _subterm_classes(e: Expr) -> dict[int, int]:
    """id(node) -> a number shared by all structurally equal subterms (hash-consing in one pass),
    so a subterm written ten times (the inner expression of a non-polynomial MBA) is normalised
    once. Recursive like `_normalise`: parsed trees are at most `parse.MAX_NESTING` deep."""
    classes: dict[int, int] = {}
    table: dict[tuple[object, ...], int] = {}

    def visit(node: Expr) -> int:
        known = classes.get(id(node))
        if known is not None:
            return known
        if isinstance(node, Var):
            key: tuple[object, ...] = ("v", node.name)
        elif isinstance(node, Const):
            key = ("c", node.value)
        elif isinstance(node, Unary):
            key = (node.op, visit(node.arg))
        else:
            key = (node.op, visit(node.left), visit(node.right))
        number = table.setdefault(key, len(table))
        classes[id(node)] = number
        return number

    visit(e)
    return classes


def _normalise(layers: Layers, e: Expr, index: dict[str, int], classes: dict[int, int],
               memo: dict[int, Polynomial]) -> Polynomial:
    """The polynomial of `e`; `memo` (by subterm class) is never mutated by callers."""
    cls = classes[id(e)]
    if cls in memo:
        return memo[cls]
    if isinstance(e, Var):
        result: Polynomial = {(1 << index[e.name],): 1}
    elif isinstance(e, Const):
        result = layers.reduce({(): e.value})
    elif isinstance(e, Unary):
        inner = _normalise(layers, e.arg, index, classes, memo)
        negated = {m: -c for m, c in inner.items()}
        if e.op == "~":
            negated[()] = negated.get((), 0) - 1
        result = layers.reduce(negated)
    else:
        a = _normalise(layers, e.left, index, classes, memo)
        b = _normalise(layers, e.right, index, classes, memo)
        if e.op in BITWISE_BINARY:
            result = _bitwise(layers, e.op, a, b)
        elif e.op == "*":
            result = _mul(layers, a, b)
        else:
            result = layers.check_size(layers.reduce(_add(a, b, 1 if e.op == "+" else -1)))
    memo[cls] = result
    return result


def substitute_back(layers: Layers, p: Polynomial) -> Polynomial:
    """Replace every atom that is a lone opaque variable by that variable's polynomial (latest first).

    The work is budgeted like a product: every term pair it would form counts against
    `max_products` before it is formed; an atom whose expansion would pass a limit stays opaque."""
    for index in range(layers.count - 1, len(layers.names) - 1, -1):
        atom = 1 << index
        if not any(atom in m for m in p):
            continue
        try:
            p = _substitute_one(layers, p, atom, layers.opaque_poly(index))
        except LimitReached:
            continue  # too big to expand: the atom stays opaque (sound, only less canonical)
    return p


def _substitute_one(layers: Layers, p: Polynomial, atom: int, replacement: Polynomial) -> Polynomial:
    budget = layers.limits.max_products
    out: Polynomial = {}
    for m, c in p.items():
        power = m.count(atom)
        term: Polynomial = {tuple(a for a in m if a != atom) if power else m: c}
        for _ in range(power):
            budget -= len(term) * len(replacement)
            if budget < 0:
                raise LimitReached(f"substituting an opaque term back exceeds {layers.limits.max_products} term pairs")
            term = _mul(layers, term, replacement)
        for mm, cc in term.items():
            out[mm] = out.get(mm, 0) + cc
    return layers.check_size(layers.reduce(out))


@dataclass(frozen=True)
class NormalForm:
    """The polynomial of an expression (or of `lhs - rhs`) and the base variables it is written in."""

    polynomial: Polynomial
    names: tuple[str, ...]  # input variables, indices 0 .. len(names) - 1
    opaque: tuple[Polynomial, ...]  # opaque subterms, indices len(names) ..
    width: Width

    @property
    def is_zero(self) -> bool:
        return not self.polynomial


def new_layers(variables: Sequence[str], width: Width, limits: Limits = DEFAULT_LIMITS) -> Layers:
    return Layers(width, limits, list(variables))


def normalise_in(layers: Layers, e: Expr) -> Polynomial:
    """The normal form of `e` in `layers` (shared opaque variables); lone opaque atoms substituted back."""
    return substitute_back(layers, abstracted_in(layers, e))


def abstracted_in(layers: Layers, e: Expr) -> Polynomial:
    """The polynomial of `e` in `layers` before substituting back: opaque subterms stay variables
    (`(a + b)*y` stays one product, where the normal form expands it to `a*y + b*y`)."""
    index = {name: i for i, name in enumerate(layers.names)}
    return _normalise(layers, e, index, _subterm_classes(e), {})


def normal_form(e: Expr, width: Width, variables: Sequence[str] | None = None,
                limits: Limits = DEFAULT_LIMITS) -> NormalForm:
    """The layered normal form of `e` (raises `LimitReached` when a limit would be exceeded)."""
    names = tuple(variables) if variables is not None else variables_of(e)
    layers = new_layers(names, width, limits)
    poly = normalise_in(layers, e)
    return NormalForm(poly, names, tuple(layers.opaque), width)


def difference_is_zero(lhs: Expr, rhs: Expr, width: Width, limits: Limits = DEFAULT_LIMITS) -> NormalForm:
    """The normal form of `lhs - rhs` (zero proves `lhs == rhs` at `width`)."""
    names = sort_variables(set(variables_of(lhs)) | set(variables_of(rhs)))
    return normal_form(Binary("-", lhs, rhs), width, names, limits)
