"""tracr's RASP API, compiled by axiomforge: a drop-in for tracr users.

    from axiomforge.rasp import tracr_compat as rasp        # instead of: from tracr.rasp import rasp

    def make_length():
        all_true = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.TRUE)
        return rasp.SelectorWidth(all_true).named("length")

    model = rasp.compile_rasp_to_model(make_length(), vocab={1, 2, 3}, max_seq_len=5, compiler_bos="BOS")
    model.apply(["BOS", 1, 2, 3]).decoded        # ['BOS', 3, 3, 3]

Why a separate tree instead of operators on our IR: tracr overloads `==` and `<` on s-ops to
build maps (`tokens == "x"` is an s-op), which makes s-ops unusable as ordinary values (`sop in
list` would be always true). The IR keeps identity semantics for the compiler's sake; this module
builds tracr-shaped expressions with tracr's operators, annotations (`name`, `encoding`), `.named`
/ `.annotated`, `Map(..., simplify=True)` and `selector_and/or(..., simplify=True)`, and translates
them to the IR only when evaluated or compiled (sharing preserved: one IR node per tracr node).

Semantics are axiomforge's (docs/rasp.md), which agree with tracr's evaluator on every program
that tracr compiles correctly. The differences are deliberate: numbers are exact (floats become
fractions, so `x + 0.1 * i` never collides by rounding), and a categorical `Aggregate` whose
selected values differ is outside the program's domain (tracr's evaluator averages them, but
tracr's compiled model cannot represent an average in a one-hot space either).
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from axiomforge.rasp import ir
from axiomforge.rasp.errors import RaspCompileError
from axiomforge.rasp.ir import Comparison

__all__ = [
    "Aggregate", "Comparison", "ConstantSOp", "ConstantSelector", "Encoding", "Full", "LinearSequenceMap", "Map",
    "RASPExpr", "SOp", "Select", "Selector", "SelectorAnd", "SelectorNot", "SelectorOr", "SelectorWidth",
    "SequenceMap", "annotate", "categorical", "compile_rasp_to_model", "evaluate", "get_encoding", "indices",
    "is_categorical", "is_numerical", "length", "numerical", "selector_and", "selector_not", "selector_or",
    "sop_not", "to_ir", "tokens",
]

Value = Any


class Encoding(enum.Enum):
    """tracr's encodings (the same values as `ir.Encoding`)."""

    CATEGORICAL = "categorical"
    NUMERICAL = "numerical"


_ids = itertools.count(1)


class RASPExpr:
    """Base of every tracr expression: annotations, names, unique ids, evaluation by call."""

    def __init__(self) -> None:
        self._annotations: dict[str, Any] = {}
        self._unique_id = next(_ids)

    # annotations -----------------------------------------------------------------------------
    @property
    def annotations(self) -> dict[str, Any]:
        defaults: dict[str, Any] = {"name": f"{_default_name(self)}_{self._unique_id}"}
        if isinstance(self, SOp):
            defaults["encoding"] = Encoding.CATEGORICAL
        return {**defaults, **self._annotations}

    @annotations.setter
    def annotations(self, annotations: dict[str, Any]) -> None:
        self._annotations = dict(annotations)

    @property
    def name(self) -> str:
        return str(self.annotations["name"])

    @property
    def unique_id(self) -> int:
        return self._unique_id

    @property
    def label(self) -> str:
        return f"{self.name}"

    @property
    def children(self) -> Sequence[RASPExpr]:
        raise NotImplementedError

    def copy(self) -> Any:
        import copy

        new = copy.copy(self)
        new._unique_id = next(_ids)
        new._annotations = dict(self._annotations)
        return new

    def named(self, name: str) -> Any:
        return annotate(self, name=name)

    def annotated(self, **annotations: Any) -> Any:
        return annotate(self, **annotations)

    def __call__(self, xs: Sequence[Value]) -> Any:
        return evaluate(self, xs)

    __hash__ = object.__hash__


def annotate(expr: Any, **annotations: Any) -> Any:
    """A copy of `expr` (new id) with `annotations` added over its own, as in tracr."""
    new = expr.copy()
    new._annotations = {**expr._annotations, **annotations}
    return new


class SOp(RASPExpr):
    """tracr's operators: comparisons and arithmetic with constants build `Map`s, with s-ops
    `SequenceMap`s; `~`, `&`, `|` are logical; unary minus negates."""

    def __lt__(self, other: Value) -> SOp:  # type: ignore[override]
        return Map(lambda x: x < other, self)

    def __le__(self, other: Value) -> SOp:  # type: ignore[override]
        return Map(lambda x: x <= other, self)

    def __eq__(self, other: Value) -> SOp:  # type: ignore[override]
        return Map(lambda x: x == other, self)

    def __ne__(self, other: Value) -> SOp:  # type: ignore[override]
        return Map(lambda x: x != other, self)

    def __gt__(self, other: Value) -> SOp:  # type: ignore[override]
        return Map(lambda x: x > other, self)

    def __ge__(self, other: Value) -> SOp:  # type: ignore[override]
        return Map(lambda x: x >= other, self)

    def _binary(self, other: Any, fn: Callable[[Any, Any], Any], swap: bool = False) -> SOp:
        if isinstance(other, SOp):
            return SequenceMap(fn, other, self) if swap else SequenceMap(fn, self, other)
        if swap:
            return Map(lambda x: fn(other, x), self)
        return Map(lambda x: fn(x, other), self)

    def __add__(self, other: Any) -> SOp:
        return self._binary(other, lambda x, y: x + y)

    def __radd__(self, other: Any) -> SOp:
        return self._binary(other, lambda x, y: x + y, swap=True)

    def __sub__(self, other: Any) -> SOp:
        return self._binary(other, lambda x, y: x - y)

    def __rsub__(self, other: Any) -> SOp:
        return self._binary(other, lambda x, y: x - y, swap=True)

    def __mul__(self, other: Any) -> SOp:
        return self._binary(other, lambda x, y: x * y)

    def __rmul__(self, other: Any) -> SOp:
        return self._binary(other, lambda x, y: x * y, swap=True)

    def __truediv__(self, other: Any) -> SOp:
        return self._binary(other, ir.exact_div)

    def __rtruediv__(self, other: Any) -> SOp:
        return self._binary(other, ir.exact_div, swap=True)

    def __neg__(self) -> SOp:
        return Map(lambda x: -x, self)

    def __invert__(self) -> SOp:
        return Map(lambda x: not x, self)

    def __and__(self, other: Any) -> SOp:
        return self._binary(other, lambda x, y: x and y)

    def __rand__(self, other: Any) -> SOp:
        return self._binary(other, lambda x, y: x and y, swap=True)

    def __or__(self, other: Any) -> SOp:
        return self._binary(other, lambda x, y: x or y)

    def __ror__(self, other: Any) -> SOp:
        return self._binary(other, lambda x, y: x or y, swap=True)

    __hash__ = object.__hash__


class TokensType(SOp):
    @property
    def children(self) -> Sequence[RASPExpr]:
        return []


class IndicesType(SOp):
    @property
    def children(self) -> Sequence[RASPExpr]:
        return []


class LengthType(SOp):
    @property
    def children(self) -> Sequence[RASPExpr]:
        return []


tokens = TokensType().named("tokens")
indices = IndicesType().named("indices")
length = LengthType().named("length")


class Map(SOp):
    """`f` at every position; with `simplify`, a map of a map is one map of the composition."""

    def __init__(self, f: Callable[[Value], Value], inner: SOp, simplify: bool = True) -> None:
        super().__init__()
        if not isinstance(inner, SOp) or not callable(f) or isinstance(f, RASPExpr):
            raise TypeError("Map(f, inner): f must be a function and inner an SOp")
        self.f, self.inner = f, inner
        if simplify and isinstance(inner, Map):
            inner_f = inner.f
            self.f = lambda t: f(inner_f(t))
            self.inner = inner.inner

    @property
    def children(self) -> Sequence[RASPExpr]:
        return [self.inner]


class SequenceMap(SOp):
    def __init__(self, f: Callable[[Value, Value], Value], fst: SOp, snd: SOp) -> None:
        super().__init__()
        if not isinstance(fst, SOp) or not isinstance(snd, SOp) or not callable(f):
            raise TypeError("SequenceMap(f, fst, snd): f must be a function, fst and snd SOps")
        self.f, self.fst, self.snd = f, fst, snd

    @property
    def children(self) -> Sequence[RASPExpr]:
        return [self.fst, self.snd]


class LinearSequenceMap(SequenceMap):
    def __init__(self, fst: SOp, snd: SOp, fst_fac: float, snd_fac: float) -> None:
        super().__init__(lambda x, y: fst_fac * x + snd_fac * y, fst, snd)
        self.fst_fac, self.snd_fac = fst_fac, snd_fac


class Full(SOp):
    def __init__(self, fill: Value) -> None:
        super().__init__()
        self.fill = fill

    @property
    def children(self) -> Sequence[RASPExpr]:
        return []


class ConstantSOp(SOp):
    """A fixed sequence (tracr uses it in tests); it has no transformer, so it is refused when
    evaluated or compiled with a clear message."""

    def __init__(self, value: Sequence[Value], check_length: bool = True) -> None:
        super().__init__()
        self.value, self.check_length = list(value), check_length

    @property
    def children(self) -> Sequence[RASPExpr]:
        return []


def sop_not(sop: SOp) -> SOp:
    return Map(lambda t: not t, sop)


class Selector(RASPExpr):
    def __and__(self, other: Selector) -> Selector:
        return selector_and(self, other)

    def __rand__(self, other: Selector) -> Selector:
        return selector_and(other, self)

    def __or__(self, other: Selector) -> Selector:
        return selector_or(self, other)

    def __ror__(self, other: Selector) -> Selector:
        return selector_or(other, self)

    def __invert__(self) -> Selector:
        return selector_not(self)


class Select(Selector):
    def __init__(self, keys: SOp, queries: SOp, predicate: Callable[[Value, Value], bool]) -> None:
        super().__init__()
        if not isinstance(keys, SOp) or not isinstance(queries, SOp):
            raise TypeError("Select(keys, queries, predicate): keys and queries must be SOps")
        self.keys, self.queries, self.predicate = keys, queries, predicate

    @property
    def children(self) -> Sequence[RASPExpr]:
        return [self.keys, self.queries]


class ConstantSelector(Selector):
    def __init__(self, value: Sequence[Sequence[bool]], check_length: bool = True) -> None:
        super().__init__()
        self.value, self.check_length = value, check_length

    @property
    def children(self) -> Sequence[RASPExpr]:
        return []


class SelectorWidth(SOp):
    def __init__(self, selector: Selector) -> None:
        super().__init__()
        if not isinstance(selector, Selector):
            raise TypeError("SelectorWidth(selector): expected a Selector")
        self.selector = selector

    @property
    def children(self) -> Sequence[RASPExpr]:
        return [self.selector]


class SelectorAnd(Selector):
    def __init__(self, fst: Selector, snd: Selector) -> None:
        super().__init__()
        self.fst, self.snd = fst, snd

    @property
    def children(self) -> Sequence[RASPExpr]:
        return [self.fst, self.snd]


class SelectorOr(Selector):
    def __init__(self, fst: Selector, snd: Selector) -> None:
        super().__init__()
        self.fst, self.snd = fst, snd

    @property
    def children(self) -> Sequence[RASPExpr]:
        return [self.fst, self.snd]


class SelectorNot(Selector):
    def __init__(self, inner: Selector) -> None:
        super().__init__()
        self.inner = inner

    @property
    def children(self) -> Sequence[RASPExpr]:
        return [self.inner]


def selector_not(inner: Selector, simplify: bool = True) -> Selector:
    """~inner; with `simplify`, a `Select` negates its predicate instead (one attention head less)."""
    if simplify and isinstance(inner, Select):
        predicate = inner.predicate
        return Select(inner.keys, inner.queries, lambda k, q: not predicate(k, q))
    return SelectorNot(inner)


def selector_and(fst: Selector, snd: Selector, simplify: bool = True) -> Selector:
    if simplify and isinstance(fst, Select) and isinstance(snd, Select):
        merged = _merge_selects(fst, snd, lambda a, b: a and b)
        if merged is not None:
            return merged
    return SelectorAnd(fst, snd)


def selector_or(fst: Selector, snd: Selector, simplify: bool = True) -> Selector:
    if simplify and isinstance(fst, Select) and isinstance(snd, Select):
        merged = _merge_selects(fst, snd, lambda a, b: a or b)
        if merged is not None:
            return merged
    return SelectorOr(fst, snd)


def _merge_selects(fst: Select, snd: Select, combine: Callable[[bool, bool], bool]) -> Select | None:
    """Two selects over the same keys and queries (a `Full` matches anything: its fill is baked
    into the predicate) are one select with the combined predicate, as tracr simplifies."""
    p1: Callable[[Any, Any], Any] = fst.predicate
    p2: Callable[[Any, Any], Any] = snd.predicate
    keys = queries = None
    if isinstance(fst.keys, Full):
        keys, p1 = snd.keys, _fix_key(p1, fst.keys.fill)
    if isinstance(snd.keys, Full):
        keys, p2 = fst.keys, _fix_key(p2, snd.keys.fill)
    if isinstance(fst.queries, Full):
        queries, p1 = snd.queries, _fix_query(p1, fst.queries.fill)
    if isinstance(snd.queries, Full):
        queries, p2 = fst.queries, _fix_query(p2, snd.queries.fill)
    if fst.keys is snd.keys:
        keys = fst.keys
    if fst.queries is snd.queries:
        queries = fst.queries
    if keys is None or queries is None:
        return None
    return Select(keys, queries, lambda k, q: combine(bool(p1(k, q)), bool(p2(k, q))))


def _fix_key(predicate: Callable[[Any, Any], Any], fill: Value) -> Callable[[Any, Any], Any]:
    return lambda key, query: predicate(fill, query)


def _fix_query(predicate: Callable[[Any, Any], Any], fill: Value) -> Callable[[Any, Any], Any]:
    return lambda key, query: predicate(key, fill)


class Aggregate(SOp):
    def __init__(self, selector: Selector, sop: SOp, default: Value = None) -> None:
        super().__init__()
        if not isinstance(selector, Selector) or not isinstance(sop, SOp):
            raise TypeError("Aggregate(selector, sop, default): expected a Selector and an SOp")
        if default is not None and not isinstance(default, str | float | bool | int):
            raise TypeError("Aggregate: default must be None, a string, a number or a bool")
        self.selector, self.sop, self.default = selector, sop, default

    @property
    def children(self) -> Sequence[RASPExpr]:
        return [self.selector, self.sop]


def numerical(sop: Any) -> Any:
    return annotate(sop, encoding=Encoding.NUMERICAL)


def categorical(sop: Any) -> Any:
    return annotate(sop, encoding=Encoding.CATEGORICAL)


def get_encoding(sop: SOp) -> Encoding:
    return sop.annotations["encoding"]  # type: ignore[no-any-return]


def is_numerical(sop: SOp) -> bool:
    return get_encoding(sop) is Encoding.NUMERICAL


def is_categorical(sop: SOp) -> bool:
    return get_encoding(sop) is Encoding.CATEGORICAL


_DEFAULT_NAMES: tuple[tuple[type, str], ...] = (
    (TokensType, "tokens"), (IndicesType, "indices"), (LengthType, "length"),
    (LinearSequenceMap, "linear_sequence_map"), (SequenceMap, "sequence_map"), (Map, "map"), (Full, "full"),
    (ConstantSOp, "constant_sop"), (SelectorWidth, "selector_width"), (Aggregate, "aggregate"),
    (Select, "select"), (SelectorAnd, "selector_and"), (SelectorOr, "selector_or"), (SelectorNot, "selector_not"),
    (ConstantSelector, "constant_selector"),
)


def _default_name(expr: RASPExpr) -> str:
    for cls, name in _DEFAULT_NAMES:
        if isinstance(expr, cls):
            return name
    return type(expr).__name__.lower()


# Translation to the IR ------------------------------------------------------------------------


def to_ir(expr: RASPExpr) -> Any:
    """The IR of a tracr expression: one IR node per tracr node (a shared sub-expression stays
    shared, so it is computed once in the model), labels from the tracr names (made unique)."""
    memo: dict[int, Any] = {}
    used: dict[str, int] = {}
    order: list[RASPExpr] = []
    seen: set[int] = set()
    stack: list[tuple[RASPExpr, bool]] = [(expr, False)]
    while stack:  # children before parents, without recursion (deep programs are fine)
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for child in reversed(list(node.children)):
            if not isinstance(child, RASPExpr):
                raise RaspCompileError(node.name, f"a child is not a RASP expression: {child!r}")
            stack.append((child, False))
    for node in order:
        memo[id(node)] = _translate(node, memo, used)
    return memo[id(expr)]


def _unique_label(node: RASPExpr, used: dict[str, int]) -> str:
    base = node.name
    count = used.get(base, 0)
    used[base] = count + 1
    return base if count == 0 else f"{base}_{count}"


def _encoding(node: SOp) -> ir.Encoding:
    return ir.Encoding(get_encoding(node).value)


def _predicate(pred: Any) -> ir.PredicateLike:
    if isinstance(pred, Comparison):
        return pred
    if callable(pred):
        return ir.Predicate(pred, getattr(pred, "__name__", "predicate"))
    raise RaspCompileError("select", f"a Select predicate must be a Comparison or a function, got {pred!r}")


def _translate(node: RASPExpr, memo: dict[int, Any], used: dict[str, int]) -> Any:
    def child(x: RASPExpr) -> Any:
        return memo[id(x)]

    label = _unique_label(node, used)
    if isinstance(node, TokensType | IndicesType | LengthType):
        base = {TokensType: ir.tokens, IndicesType: ir.indices, LengthType: ir.length}[type(node)]
        return ir.numerical(base) if is_numerical(node) else base
    if isinstance(node, Map):
        return ir.Map(node.f, child(node.inner), label=label, encoding=_encoding(node),
                      fn_label=getattr(node.f, "__name__", "fn"))
    if isinstance(node, SequenceMap):
        return ir.SequenceMap(node.f, child(node.fst), child(node.snd), label=label, encoding=_encoding(node),
                              fn_label=getattr(node.f, "__name__", "fn"))
    if isinstance(node, Full):
        return ir.Full(node.fill, label=label, encoding=_encoding(node))
    if isinstance(node, Select):
        return ir.Select(child(node.keys), child(node.queries), _predicate(node.predicate), label=label)
    if isinstance(node, SelectorAnd):
        return ir.SelectorAnd(child(node.fst), child(node.snd), label=label)
    if isinstance(node, SelectorOr):
        return ir.SelectorOr(child(node.fst), child(node.snd), label=label)
    if isinstance(node, SelectorNot):
        return ir.SelectorNot(child(node.inner), label=label)
    if isinstance(node, SelectorWidth):
        return ir.SelectorWidth(child(node.selector), label=label, encoding=_encoding(node))
    if isinstance(node, Aggregate):
        return ir.Aggregate(child(node.selector), child(node.sop), node.default, label=label, encoding=_encoding(node))
    if isinstance(node, ConstantSOp | ConstantSelector):
        raise RaspCompileError(node.name, f"unsupported: {type(node).__name__} is a test fixture with no "
                               "transformer; build the values from tokens and indices instead")
    raise RaspCompileError(node.name, f"unsupported: {type(node).__name__} is not a RASP expression this compiler knows")


# Evaluation and compilation -------------------------------------------------------------------


def evaluate(expr: RASPExpr, xs: Sequence[Value]) -> list[Value]:
    """The value of an s-op on `xs` (our reference interpreter; see the module docstring)."""
    from axiomforge.rasp.interpreter import evaluate as _evaluate

    if isinstance(expr, Selector):
        from axiomforge.rasp.interpreter import evaluate_all

        return evaluate_all(to_ir(expr), list(xs))[id(to_ir(expr))]  # type: ignore[no-any-return]
    return _evaluate(to_ir(expr), list(xs))


@dataclass(frozen=True)
class AssembledOutput:
    """What tracr's `model.apply(...)` returns, as far as users read it: `decoded`."""

    decoded: list[Value]


class AssembledModel:
    """tracr's `AssembledTransformerModel` surface: `apply([bos, *tokens]).decoded` is
    `[bos, *outputs]`. The compiled torch module is `.model`."""

    def __init__(self, model: Any, bos: str, max_seq_len: int) -> None:
        self.model = model
        self.compiler_bos = bos
        self.max_seq_len = max_seq_len

    def apply(self, tokens: Sequence[Value]) -> AssembledOutput:
        seq = list(tokens)
        if not seq or seq[0] != self.compiler_bos:
            raise ValueError(f"the input must start with the BOS token {self.compiler_bos!r} (as in tracr)")
        body = seq[1:]
        if len(body) > self.max_seq_len:
            raise ValueError(f"input of length {len(body)} exceeds max_seq_len {self.max_seq_len}")
        if not body:
            return AssembledOutput([self.compiler_bos])
        (out,) = self.model.run([body])
        return AssembledOutput([self.compiler_bos, *out])


def compile_rasp_to_model(program: SOp, vocab: Iterable[Value], max_seq_len: int, causal: bool = False,
                          compiler_bos: str = "compiler_bos", compiler_pad: str = "compiler_pad",
                          mlp_exactness: int = 100) -> AssembledModel:
    """tracr's entry point. `mlp_exactness` is accepted and ignored: our MLPs are exact on every
    reachable input by construction (docs/rasp.md), not to a tolerance."""
    from axiomforge.rasp.api import compile_rasp_to_model as _compile

    if not isinstance(program, SOp):
        raise RaspCompileError(str(program), "compile_rasp_to_model: the program must be an SOp")
    items = set(vocab)
    if compiler_bos in items or compiler_pad in items:
        raise RaspCompileError(program.name, "the vocabulary must not contain the BOS or PAD token")
    del mlp_exactness
    return AssembledModel(_compile(to_ir(program), items, max_seq_len, causal), compiler_bos, max_seq_len)
