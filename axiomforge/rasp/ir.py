"""The RASP intermediate representation: s-ops and selectors as small frozen dataclasses.

Both front ends (the `.rasp` language and the Python API in `api.py`) build these objects, and
every later stage (interpreter, compiler) reads only them. Nodes compare by identity: two maps
with the same function are still two s-ops, as in tracr. Every node carries a unique `label`
(used in residual layouts and error messages) and, when it came from a file, a source location.
"""

from __future__ import annotations

import enum
import itertools
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, ClassVar

from axiomforge.errors import SourceLocation

_ids = itertools.count()


def _fresh(kind: str) -> str:
    return f"{kind}_{next(_ids)}"


class Encoding(enum.Enum):
    """How an s-op lives in the residual stream: one-hot over its values, or one number."""

    CATEGORICAL = "categorical"
    NUMERICAL = "numerical"


class Reduction(enum.Enum):
    """How an aggregate combines the selected values (RASP: mean; RASP-L adds max and min)."""

    MEAN = "mean"
    SUM = "sum"
    MAX = "max"
    MIN = "min"


class Comparison(enum.Enum):
    """Select predicates, applied as `predicate(key, query)` (tracr's convention: LT is key < query)."""

    EQ = "=="
    LT = "<"
    LEQ = "<="
    GT = ">"
    GEQ = ">="
    NEQ = "!="
    TRUE = "true"
    FALSE = "false"

    def __call__(self, key: Any, query: Any) -> bool:
        if self is Comparison.TRUE:
            return True
        if self is Comparison.FALSE:
            return False
        return bool(_COMPARATORS[self](key, query))

    @property
    def label(self) -> str:
        return self.value


_COMPARATORS: dict[Comparison, Callable[[Any, Any], Any]] = {
    Comparison.EQ: operator.eq,
    Comparison.LT: operator.lt,
    Comparison.LEQ: operator.le,
    Comparison.GT: operator.gt,
    Comparison.GEQ: operator.ge,
    Comparison.NEQ: operator.ne,
}


@dataclass(frozen=True)
class Predicate:
    """A user-defined select predicate `fn(key, query) -> bool` with a printable name."""

    fn: Callable[[Any, Any], Any]
    label: str = "predicate"

    def __call__(self, key: Any, query: Any) -> bool:
        return bool(self.fn(key, query))


PredicateLike = Comparison | Predicate


class RASPExpr:
    """Common base of s-ops and selectors."""

    label: str
    location: SourceLocation | None
    # Nodes without a fixed default label get a fresh one (`map_12`) when built with `label=""`.
    _label_prefix: ClassVar[str | None] = None

    def __post_init__(self) -> None:
        if self._label_prefix is not None and not self.label:
            object.__setattr__(self, "label", _fresh(self._label_prefix))

    def children(self) -> tuple[RASPExpr, ...]:
        raise NotImplementedError

    def named(self, name: str) -> Any:
        """A copy with a new label (tracr's `.named`); children are shared."""
        return replace(self, label=name)  # type: ignore[type-var]

    def at(self, location: SourceLocation | None) -> Any:
        return replace(self, location=location)  # type: ignore[type-var]


class SOp(RASPExpr):
    """A sequence operation: one value per position."""

    encoding: Encoding

    # Python operators build maps, as in tracr, so `length - indices - 1` reads naturally.
    def _binary(self, other: Any, fn: Callable[[Any, Any], Any], name: str, swap: bool = False) -> SOp:
        if isinstance(other, SOp):
            left, right = (other, self) if swap else (self, other)
            return SequenceMap(fn, left, right, encoding=_join(left, right), fn_label=name)
        const = other
        if swap:
            return Map(lambda x: fn(const, x), self, encoding=self.encoding, fn_label=f"{const!r} {name} x")
        return Map(lambda x: fn(x, const), self, encoding=self.encoding, fn_label=f"x {name} {const!r}")

    def __add__(self, other: Any) -> SOp:
        return self._binary(other, operator.add, "+")

    def __radd__(self, other: Any) -> SOp:
        return self._binary(other, operator.add, "+", swap=True)

    def __sub__(self, other: Any) -> SOp:
        return self._binary(other, operator.sub, "-")

    def __rsub__(self, other: Any) -> SOp:
        return self._binary(other, operator.sub, "-", swap=True)

    def __mul__(self, other: Any) -> SOp:
        return self._binary(other, operator.mul, "*")

    def __rmul__(self, other: Any) -> SOp:
        return self._binary(other, operator.mul, "*", swap=True)

    def __truediv__(self, other: Any) -> SOp:
        return self._binary(other, exact_div, "/")

    def __rtruediv__(self, other: Any) -> SOp:
        return self._binary(other, exact_div, "/", swap=True)

    def __hash__(self) -> int:
        return id(self)


def _join(a: SOp, b: SOp) -> Encoding:
    if Encoding.NUMERICAL in (a.encoding, b.encoding):
        return Encoding.NUMERICAL
    return Encoding.CATEGORICAL


def exact_div(a: Any, b: Any) -> Any:
    """Division that stays exact on integers and fractions (RASP numbers are rationals here)."""
    if isinstance(a, int | Fraction) and isinstance(b, int | Fraction):
        return Fraction(a) / Fraction(b)
    return a / b


@dataclass(frozen=True, eq=False)
class TokensType(SOp):
    label: str = "tokens"
    encoding: Encoding = Encoding.CATEGORICAL
    location: SourceLocation | None = None

    def children(self) -> tuple[RASPExpr, ...]:
        return ()


@dataclass(frozen=True, eq=False)
class IndicesType(SOp):
    label: str = "indices"
    encoding: Encoding = Encoding.CATEGORICAL
    location: SourceLocation | None = None

    def children(self) -> tuple[RASPExpr, ...]:
        return ()


@dataclass(frozen=True, eq=False)
class LengthType(SOp):
    label: str = "length"
    encoding: Encoding = Encoding.CATEGORICAL
    location: SourceLocation | None = None

    def children(self) -> tuple[RASPExpr, ...]:
        return ()


@dataclass(frozen=True, eq=False)
class Full(SOp):
    """The same constant at every position (tracr's `Full` / `ConstantSOp`)."""

    value: Any
    label: str = ""
    encoding: Encoding = Encoding.CATEGORICAL
    location: SourceLocation | None = None

    _label_prefix = "full"

    def children(self) -> tuple[RASPExpr, ...]:
        return ()


@dataclass(frozen=True, eq=False)
class Map(SOp):
    """`fn` applied at every position."""

    fn: Callable[[Any], Any]
    inner: SOp
    label: str = ""
    encoding: Encoding = Encoding.CATEGORICAL
    location: SourceLocation | None = None
    fn_label: str = "fn"

    _label_prefix = "map"

    def children(self) -> tuple[RASPExpr, ...]:
        return (self.inner,)


@dataclass(frozen=True, eq=False)
class SequenceMap(SOp):
    """`fn(left, right)` at every position (RASP's zipmap)."""

    fn: Callable[[Any, Any], Any]
    left: SOp
    right: SOp
    label: str = ""
    encoding: Encoding = Encoding.CATEGORICAL
    location: SourceLocation | None = None
    fn_label: str = "fn"

    _label_prefix = "sequence_map"

    def children(self) -> tuple[RASPExpr, ...]:
        return (self.left, self.right)


def LinearSequenceMap(left: SOp, right: SOp, a: Any, b: Any, label: str = "") -> SequenceMap:  # noqa: N802
    """tracr's `LinearSequenceMap`: a*left + b*right, numerical."""
    return SequenceMap(lambda x, y: a * x + b * y, left, right, label=label,
                       encoding=Encoding.NUMERICAL, fn_label=f"{a!r}*x + {b!r}*y")


class Selector(RASPExpr):
    """A boolean matrix selected[query][key]."""

    def __and__(self, other: Selector) -> Selector:
        return SelectorAnd(self, other)

    def __or__(self, other: Selector) -> Selector:
        return SelectorOr(self, other)

    def __invert__(self) -> Selector:
        return SelectorNot(self)

    def __hash__(self) -> int:
        return id(self)


@dataclass(frozen=True, eq=False)
class Select(Selector):
    keys: SOp
    queries: SOp
    predicate: PredicateLike
    label: str = ""
    location: SourceLocation | None = None

    _label_prefix = "select"

    def children(self) -> tuple[RASPExpr, ...]:
        return (self.keys, self.queries)


@dataclass(frozen=True, eq=False)
class SelectorAnd(Selector):
    left: Selector
    right: Selector
    label: str = ""
    location: SourceLocation | None = None

    _label_prefix = "selector_and"

    def children(self) -> tuple[RASPExpr, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, eq=False)
class SelectorOr(Selector):
    left: Selector
    right: Selector
    label: str = ""
    location: SourceLocation | None = None

    _label_prefix = "selector_or"

    def children(self) -> tuple[RASPExpr, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, eq=False)
class SelectorNot(Selector):
    inner: Selector
    label: str = ""
    location: SourceLocation | None = None

    _label_prefix = "selector_not"

    def children(self) -> tuple[RASPExpr, ...]:
        return (self.inner,)


@dataclass(frozen=True, eq=False)
class Aggregate(SOp):
    """Combine the values `sop` at the selected keys (mean by default; `default` when none)."""

    selector: Selector
    sop: SOp
    default: Any = None
    label: str = ""
    encoding: Encoding = Encoding.CATEGORICAL
    location: SourceLocation | None = None
    reduction: Reduction = Reduction.MEAN

    _label_prefix = "aggregate"

    def children(self) -> tuple[RASPExpr, ...]:
        return (self.selector, self.sop)


@dataclass(frozen=True, eq=False)
class SelectorWidth(SOp):
    """How many keys each query selects."""

    selector: Selector
    label: str = ""
    encoding: Encoding = Encoding.CATEGORICAL
    location: SourceLocation | None = None

    _label_prefix = "selector_width"

    def children(self) -> tuple[RASPExpr, ...]:
        return (self.selector,)


tokens = TokensType()
indices = IndicesType()
length = LengthType()


def numerical(sop: SOp) -> SOp:
    """The same s-op encoded as one number (tokens/indices become an identity map)."""
    if isinstance(sop, TokensType | IndicesType | LengthType):
        return Map(lambda x: x, sop, encoding=Encoding.NUMERICAL, fn_label="x", location=sop.location)
    return replace(sop, encoding=Encoding.NUMERICAL)  # type: ignore[type-var]


def categorical(sop: SOp) -> SOp:
    """The same s-op encoded one-hot over its values."""
    if isinstance(sop, TokensType | IndicesType | LengthType):
        return sop
    return replace(sop, encoding=Encoding.CATEGORICAL)  # type: ignore[type-var]


def is_numerical(sop: SOp) -> bool:
    return sop.encoding is Encoding.NUMERICAL


def is_categorical(sop: SOp) -> bool:
    return sop.encoding is Encoding.CATEGORICAL


def walk(root: RASPExpr) -> Iterator[RASPExpr]:
    """Every node reachable from `root`, children before parents, each once (deterministic)."""
    seen: set[int] = set()
    order: list[RASPExpr] = []
    stack: list[tuple[RASPExpr, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for child in reversed(node.children()):
            if id(child) not in seen:
                stack.append((child, False))
    return iter(order)


@dataclass(frozen=True)
class Program:
    """A parsed program: its output s-op, every named s-op, and whether it is causal (RASP-L)."""

    output: SOp
    names: dict[str, RASPExpr] = field(default_factory=dict)
    causal: bool = False
    source: str | None = None
