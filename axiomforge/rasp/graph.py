"""Compiler stage 1: RASP IR -> a lowered computation graph of transformer-sized operations.

Every node is one of: an embedding-computed value (tokens, indices, constants, and maps of
tokens or of indices alone, which are folded into the embedding tables); an MLP (a function of
one or more s-ops); or an attention head (a mean/max/min aggregate, or the BOS fraction
1/(w+1) from which selector width is decoded). Lowering rules, each exact:

* `length` = selector width of select(tokens, tokens, TRUE);
* `SelectorWidth(s)` = MLP decoding the head output 1/(w+1) of s;
* composite selectors (`&`, `|`, `~`) = one select over tuples of the keys and of the queries
  (tuples built by an MLP), whose predicate evaluates the boolean combination;
* sum aggregates = MLP(m, w) = m * (w + 1), m the mean over the selected keys and BOS (value 0),
  w the width: linear in m for each w, so two gated ReLUs per width;
* numerical s-ops used as keys, queries, categorical-aggregate values or as one of several MLP
  inputs are first made categorical by an MLP (exact on their finite value set).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from axiomforge.rasp import ir
from axiomforge.rasp.errors import RaspCompileError
from axiomforge.rasp.limits import check_sop_depth

EMBED_KINDS = ("tokens", "indices", "const", "embed_map")
ATTN_KINDS = ("aggregate", "bos_fraction")


@dataclass(frozen=True)
class SelectorSpec:
    """An atomic attention pattern: key k selected by query q iff predicate(key_value, query_value).

    `keys`/`queries` are node names, or None for a predicate that ignores them (TRUE)."""

    keys: str | None
    queries: str | None
    predicate: Callable[[Any, Any], bool]
    label: str


@dataclass(frozen=True)
class Node:
    name: str
    kind: str  # tokens | indices | const | embed_map | mlp | aggregate | bos_fraction
    encoding: ir.Encoding
    inputs: tuple[str, ...] = ()
    fn: Callable[..., Any] | None = None
    base: str | None = None  # embed_map: "tokens" or "indices"
    value: Any = None  # const
    selector: SelectorSpec | None = None
    default: Any = None
    reduction: ir.Reduction = ir.Reduction.MEAN
    source: str = ""  # label of the IR s-op this node implements (for errors and pictures)
    bos_in_mean: bool = False  # aggregate: BOS counts as one more selected key (value 0)
    sum_of: str | None = None  # mlp computing a sum aggregate: reachable values are sums of these
    location: Any = None


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    output: str = ""

    def readers(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {name: [] for name in self.nodes}
        for node in self.nodes.values():
            for dep in dependencies(node):
                out[dep].append(node.name)
        return out


def dependencies(node: Node) -> tuple[str, ...]:
    deps = list(node.inputs)
    if node.selector is not None:
        deps += [d for d in (node.selector.keys, node.selector.queries) if d is not None]
    return tuple(dict.fromkeys(deps))


class _Lowering:
    def __init__(self) -> None:
        self.graph = Graph()
        self.memo: dict[Any, str] = {}
        self.categorical_of: dict[str, str] = {}
        self.used_names: set[str] = set()
        self.auto_names: dict[str, str] = {}
        self.tuples: dict[tuple[str, ...], str] = {}

    def fresh(self, base: str) -> str:
        base = self.canonical(base)
        name, i = base, 1
        while name in self.used_names:
            i += 1
            name = f"{base}#{i}"
        self.used_names.add(name)
        return name

    def canonical(self, base: str) -> str:
        # automatic labels (map_123) depend on how many s-ops the process built before; renumber
        # them in lowering order so the same program always compiles to the same bytes
        auto = re.fullmatch(r"(map|sequence_map|full|select|selector_and|selector_or|selector_not|aggregate|"
                            r"selector_width)_\d+((?:\.\w+)?)", base)
        if auto:
            kind, suffix = auto.group(1), auto.group(2)
            key = base[: len(base) - len(suffix)] if suffix else base
            if key not in self.auto_names:
                self.auto_names[key] = f"{kind}_{sum(1 for k in self.auto_names if k.startswith(kind + '_'))}"
            base = self.auto_names[key] + suffix
        return base

    def add(self, node: Node) -> str:
        self.graph.nodes[node.name] = node
        return node.name

    def sop(self, expr: ir.SOp) -> str:
        # tokens/indices/length are one s-op each, however many copies the front end made
        key: Any = type(expr).__name__ if isinstance(expr, ir.TokensType | ir.IndicesType | ir.LengthType) else id(expr)
        if key not in self.memo:
            self.memo[key] = self._sop(expr)
        return self.memo[key]

    def _sop(self, e: ir.SOp) -> str:
        enc = e.encoding
        if isinstance(e, ir.TokensType):
            return self.add(Node(self.fresh("tokens"), "tokens", enc, source="tokens"))
        if isinstance(e, ir.IndicesType):
            return self.add(Node(self.fresh("indices"), "indices", enc, source="indices"))
        if isinstance(e, ir.LengthType):
            spec = SelectorSpec(None, None, ir.Comparison.TRUE, "all")
            frac = self.add(Node(self.fresh("length.frac"), "bos_fraction", ir.Encoding.NUMERICAL,
                                 selector=spec, source="length"))
            return self.add(Node(self.fresh("length"), "mlp", enc, (frac,), fn=_width_from_fraction,
                                 source="length"))
        if isinstance(e, ir.Full):
            return self.add(Node(self.fresh(e.label), "const", enc, value=e.value, source=e.label,
                                 location=e.location))
        if isinstance(e, ir.Map):
            inner = self.graph.nodes[self.sop(e.inner)]
            if inner.kind in ("tokens", "indices", "embed_map"):
                base = inner.kind if inner.kind != "embed_map" else inner.base
                fn = e.fn if inner.kind != "embed_map" else _compose(e.fn, inner.fn)
                return self.add(Node(self.fresh(e.label), "embed_map", enc, fn=fn, base=base,
                                     source=e.label, location=e.location))
            if inner.kind == "const":
                value = None if inner.value is None else e.fn(inner.value)
                return self.add(Node(self.fresh(e.label), "const", enc, value=value, source=e.label,
                                     location=e.location))
            return self.add(Node(self.fresh(e.label), "mlp", enc, (inner.name,), fn=e.fn, source=e.label,
                                 location=e.location))
        if isinstance(e, ir.SequenceMap):
            left, right = self.sop(e.left), self.sop(e.right)
            fn2 = e.fn
            if left == right:
                return self._sop(ir.Map(lambda x: fn2(x, x), e.left, label=e.label, encoding=enc,
                                        location=e.location))
            ln, rn = self.graph.nodes[left], self.graph.nodes[right]
            if rn.kind == "const":
                c = rn.value
                return self._sop(ir.Map(lambda x: fn2(x, c), e.left, label=e.label, encoding=enc,
                                        location=e.location))
            if ln.kind == "const":
                c2 = ln.value
                return self._sop(ir.Map(lambda y: fn2(c2, y), e.right, label=e.label, encoding=enc,
                                        location=e.location))
            if _embedded_base(ln) is not None and _embedded_base(ln) == _embedded_base(rn):
                lf, rf = _embedded_fn(ln), _embedded_fn(rn)

                def both(x: Any) -> Any:
                    a, b = lf(x), rf(x)
                    return None if a is None or b is None else fn2(a, b)

                return self.add(Node(self.fresh(e.label), "embed_map", enc, fn=both, base=_embedded_base(ln),
                                     source=e.label, location=e.location))
            inputs = (self.as_categorical(left), self.as_categorical(right))
            return self.add(Node(self.fresh(e.label), "mlp", enc, inputs, fn=fn2, source=e.label,
                                 location=e.location))
        if isinstance(e, ir.SelectorWidth):
            spec = self.selector(e.selector)
            frac = self.add(Node(self.fresh(e.label + ".frac"), "bos_fraction", ir.Encoding.NUMERICAL,
                                 selector=spec, source=e.label, location=e.location))
            return self.add(Node(self.fresh(e.label), "mlp", enc, (frac,), fn=_width_from_fraction,
                                 source=e.label, location=e.location))
        if isinstance(e, ir.Aggregate):
            return self.aggregate(e)
        raise RaspCompileError(e.label, f"unknown s-op type {type(e).__name__}", e.location)

    def aggregate(self, e: ir.Aggregate) -> str:
        spec = self.selector(e.selector)
        value = self.sop(e.sop)
        if e.reduction is ir.Reduction.SUM:
            # sum = m * (w + 1) where m is the mean over the selected keys and BOS (value 0) and
            # w the width: an MLP linear in m for each width, gated by the width's one-hot
            if self.graph.nodes[value].encoding is ir.Encoding.CATEGORICAL:
                value = self.add(Node(self.fresh(e.label + ".values"), "mlp", ir.Encoding.NUMERICAL, (value,),
                                      fn=_identity, source=e.label, location=e.location))
            mean = self.add(Node(self.fresh(e.label + ".mean"), "aggregate", ir.Encoding.NUMERICAL, (value,),
                                 selector=spec, default=0, bos_in_mean=True, source=e.label, location=e.location))
            frac = self.add(Node(self.fresh(e.label + ".frac"), "bos_fraction", ir.Encoding.NUMERICAL,
                                 selector=spec, source=e.label, location=e.location))
            width = self.add(Node(self.fresh(e.label + ".width"), "mlp", ir.Encoding.CATEGORICAL, (frac,),
                                  fn=_width_from_fraction, source=e.label, location=e.location))
            default = e.default

            def total(m: Any, w: Any) -> Any:
                return default if w == 0 else m * (w + 1)

            summed = self.add(Node(self.fresh(e.label if e.encoding is ir.Encoding.NUMERICAL else e.label + ".sum"),
                                   "mlp", ir.Encoding.NUMERICAL, (mean, width), fn=total, default=e.default,
                                   source=e.label, location=e.location, sum_of=value))
            if e.encoding is ir.Encoding.NUMERICAL:
                return summed
            return self.add(Node(self.fresh(e.label), "mlp", ir.Encoding.CATEGORICAL, (summed,), fn=_identity,
                                 source=e.label, location=e.location))
        if e.encoding is ir.Encoding.CATEGORICAL:
            value = self.as_categorical(value)
        elif e.reduction is not ir.Reduction.MEAN and self.graph.nodes[value].encoding is ir.Encoding.CATEGORICAL:
            pass  # max/min of a categorical s-op into a numerical one: values are projected linearly
        return self.add(Node(self.fresh(e.label), "aggregate", e.encoding, (value,), selector=spec,
                             default=e.default, reduction=e.reduction, source=e.label, location=e.location))

    def as_categorical(self, name: str) -> str:
        node = self.graph.nodes[name]
        if node.encoding is ir.Encoding.CATEGORICAL:
            return name
        if name not in self.categorical_of:
            if node.kind in ("embed_map", "const"):
                conv = Node(self.fresh(name + ".cat"), node.kind, ir.Encoding.CATEGORICAL, fn=node.fn,
                            base=node.base, value=node.value, source=node.source, location=node.location)
            else:
                conv = Node(self.fresh(name + ".cat"), "mlp", ir.Encoding.CATEGORICAL, (name,), fn=_identity,
                            source=node.source, location=node.location)
            self.categorical_of[name] = self.add(conv)
        return self.categorical_of[name]

    # -- selectors -----------------------------------------------------------------------------
    def selector(self, sel: ir.Selector) -> SelectorSpec:
        atoms: list[ir.Select] = []
        _collect_atoms(sel, atoms)
        if isinstance(sel, ir.Select):
            pred = sel.predicate
            if pred is ir.Comparison.TRUE:
                # TRUE ignores values; None keys/queries still never select, so keep real inputs
                # unless they are tokens/indices (never None).
                k, q = self.sop(sel.keys), self.sop(sel.queries)
                if all(self.graph.nodes[x].kind in ("tokens", "indices") for x in (k, q)):
                    return SelectorSpec(None, None, pred, sel.label)
            keys = self.as_categorical(self.sop(sel.keys))
            queries = self.as_categorical(self.sop(sel.queries))
            return SelectorSpec(keys, queries, pred, sel.label)
        key_sops = list(dict.fromkeys(a.keys for a in atoms))
        query_sops = list(dict.fromkeys(a.queries for a in atoms))
        key_names = [self.as_categorical(self.sop(s)) for s in key_sops]
        query_names = [self.as_categorical(self.sop(s)) for s in query_sops]
        key_pos = {id(s): i for i, s in enumerate(key_sops)}
        query_pos = {id(s): i for i, s in enumerate(query_sops)}
        keys = self._tuple(key_names, sel.label + ".keys")
        queries = self._tuple(query_names, sel.label + ".queries")
        single_k, single_q = len(key_names) == 1, len(query_names) == 1

        def predicate(kv: Any, qv: Any) -> bool:
            kt = (kv,) if single_k else kv
            qt = (qv,) if single_q else qv
            return bool(_eval_tree(sel, kt, qt, key_pos, query_pos))

        return SelectorSpec(keys, queries, predicate, sel.label)

    def _tuple(self, names: list[str], label: str) -> str:
        """One tuple node per list of inputs: a selector comparing (tokens, indices) pairs with
        (tokens, indices) pairs reads one lookup for its keys and queries, not two identical ones."""
        if len(names) == 1:
            return names[0]
        if tuple(names) in self.tuples:
            return self.tuples[tuple(names)]
        self.tuples[tuple(names)] = self._new_tuple(names, label)
        return self.tuples[tuple(names)]

    def _new_tuple(self, names: list[str], label: str) -> str:
        return self.add(Node(self.fresh(label), "mlp", ir.Encoding.CATEGORICAL, tuple(names), fn=_tuple_fn,
                             source=label))


def _embedded_base(node: Node) -> str | None:
    if node.kind in ("tokens", "indices"):
        return node.kind
    return node.base if node.kind == "embed_map" else None


def _embedded_fn(node: Node) -> Callable[[Any], Any]:
    return node.fn if node.kind == "embed_map" and node.fn is not None else _identity


def _tuple_fn(*xs: Any) -> tuple[Any, ...]:
    return tuple(xs)


def _identity(x: Any) -> Any:
    return x


def _width_from_fraction(x: Any) -> int:
    return int(round(1 / x)) - 1


def _compose(outer: Callable[[Any], Any], inner: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    assert inner is not None

    def composed(x: Any) -> Any:
        y = inner(x)
        return None if y is None else outer(y)

    return composed


def _collect_atoms(sel: ir.Selector, out: list[ir.Select]) -> None:
    if isinstance(sel, ir.Select):
        out.append(sel)
    elif isinstance(sel, ir.SelectorAnd | ir.SelectorOr):
        _collect_atoms(sel.left, out)
        _collect_atoms(sel.right, out)
    elif isinstance(sel, ir.SelectorNot):
        _collect_atoms(sel.inner, out)
    else:
        raise RaspCompileError(sel.label, f"unknown selector type {type(sel).__name__}", sel.location)


def _eval_tree(sel: ir.Selector, kt: tuple[Any, ...], qt: tuple[Any, ...], kpos: dict[int, int],
               qpos: dict[int, int]) -> bool:
    if isinstance(sel, ir.Select):
        return bool(sel.predicate(kt[kpos[id(sel.keys)]], qt[qpos[id(sel.queries)]]))
    if isinstance(sel, ir.SelectorAnd):
        return _eval_tree(sel.left, kt, qt, kpos, qpos) and _eval_tree(sel.right, kt, qt, kpos, qpos)
    if isinstance(sel, ir.SelectorOr):
        return _eval_tree(sel.left, kt, qt, kpos, qpos) or _eval_tree(sel.right, kt, qt, kpos, qpos)
    assert isinstance(sel, ir.SelectorNot)
    return not _eval_tree(sel.inner, kt, qt, kpos, qpos)


def lower(program: ir.SOp) -> Graph:
    """Lower the program rooted at `program` into a graph; only nodes the output needs remain."""
    check_sop_depth(program)  # lowering recurses once per s-op: refuse overlong chains up front
    lowering = _Lowering()
    out = lowering.sop(program)
    graph = lowering.graph
    graph.output = out
    graph.nodes = {k: replace(v, source=lowering.canonical(v.source)) for k, v in graph.nodes.items()}
    # keep what the output reaches
    keep: set[str] = set()
    stack = [out]
    while stack:
        name = stack.pop()
        if name in keep:
            continue
        keep.add(name)
        stack.extend(dependencies(graph.nodes[name]))
    graph.nodes = {k: v for k, v in graph.nodes.items() if k in keep}
    _fuse_maps(graph)
    return graph


def _fuse_maps(graph: Graph) -> None:
    """Fold an MLP whose only reader is another MLP into that reader (one MLP instead of two),
    when the fused MLP stays buildable: a single input of any encoding, or categorical inputs."""
    changed = True
    while changed:
        changed = False
        readers = graph.readers()
        for name in sorted(graph.nodes):
            node = graph.nodes[name]
            if node.kind != "mlp" or node.sum_of is not None:
                continue
            for slot, dep in enumerate(node.inputs):
                inner = graph.nodes[dep]
                if inner.kind != "mlp" or readers[dep] != [name] or dep == graph.output:
                    continue
                if len(inner.inputs) > 1 and len(node.inputs) > 1:
                    continue
                new_inputs = node.inputs[:slot] + inner.inputs + node.inputs[slot + 1 :]
                if len(set(new_inputs)) != len(new_inputs):
                    continue
                encodings = {graph.nodes[i].encoding for i in new_inputs}
                if len(new_inputs) > 1 and ir.Encoding.NUMERICAL in encodings:
                    continue
                graph.nodes[name] = replace(
                    node, inputs=new_inputs, fn=_fuse_fn(node.fn, inner.fn, slot, len(inner.inputs))
                )
                del graph.nodes[dep]
                changed = True
                break
            if changed:
                break


def _fuse_fn(outer: Callable[..., Any] | None, inner: Callable[..., Any] | None, slot: int,
             width: int) -> Callable[..., Any]:
    assert outer is not None and inner is not None

    def fused(*args: Any) -> Any:
        mid = inner(*args[slot : slot + width])
        if mid is None:
            return None
        from axiomforge.rasp.interpreter import normalise_number

        return outer(*args[:slot], normalise_number(mid), *args[slot + width :])

    return fused
