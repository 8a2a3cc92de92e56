"""Compiler stage 4: weights for every sub-layer, embedding and readout (numpy, float64).

Attention (no 1/sqrt(d_head) scaling: it is folded into W_Q). For a sharpness sigma, a head's
scores are 2*sigma on selected keys, sigma on BOS and 0 elsewhere (mean aggregates; the query's
`one` dimension meets the key's `bos` dimension), or sigma on selected keys and BOS alike (BOS
fraction 1/(w+1) for selector width). Max/min heads add sigma * rank(value) and lift selection
and BOS above every rank. Every wrong key thus scores at least sigma below the right ones, so
the weight leaking to wrong keys is at most (n+1) e^-sigma, and sigma = ln(2 (n+2) V / eps) + 1
bounds the error of any output by eps (V: largest |value| carried). The selection part of the
scores is a sum of disjoint all-ones rectangles of the predicate table, one query/key column each
(`_rectangles`), so order predicates cost ~n log n non-zeros rather than n^2 / 2.

MLPs clean up: a categorical lookup over several inputs fires one hidden unit per input
combination when its inputs are exact (embeddings, MLP outputs), else a pair of units that is
exactly 0 or 1 whenever inputs are within 1/4 of one-hot (attention outputs); a numerical input goes
through a staircase of clamp ramps whose flat parts cover +-gap/4 around every reachable value.
So MLP outputs are exact (up to float64 rounding) as long as attention errors stay below eps,
and eps is chosen below a sixteenth of the smallest gap any reader must resolve.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from axiomforge.rasp import ir
from axiomforge.rasp.errors import RaspCompileError
from axiomforge.rasp.graph import Graph, Node
from axiomforge.rasp.layout import BOS, ONE, Layout
from axiomforge.rasp.valuesets import ValueSets

EPSILON_CAP = 1e-9


@dataclass
class AttentionWeights:
    w_q: np.ndarray  # [heads, d_model, d_head]
    w_k: np.ndarray
    w_v: np.ndarray  # [heads, d_model, d_value]
    w_o: np.ndarray  # [heads, d_value, d_model]
    heads: list[str]  # node each head computes
    sharpness: list[float]


@dataclass
class MlpWeights:
    w_in: np.ndarray  # [d_model, hidden]
    w_out: np.ndarray  # [hidden, d_model]
    nodes: list[str]
    erased: int  # hidden units spent on freeing residual space


@dataclass
class OutputSpec:
    name: str
    label: str
    encoding: str
    dims: list[int]
    values: list[Any]  # categorical: value of each dim; numerical: every reachable value
    tolerance: float  # numerical: decode to the reachable value within this distance


@dataclass
class ModelSpec:
    vocab: list[Any]
    max_len: int
    causal: bool
    d_model: int
    token_embed: np.ndarray  # [len(vocab) + 2, d_model]: vocab..., BOS, PAD
    pos_embed: np.ndarray  # [max_len + 1, d_model]; row 0 is the BOS position
    sublayers: list[AttentionWeights | MlpWeights]
    output: OutputSpec
    residual: list[list[tuple[str, int, int]]]
    epsilon: float
    notes: dict[str, Any] = field(default_factory=dict)
    # `rasp compress`: the residual is kept in D dimensions r; sub-layers and the read-out see
    # r @ projection.T and write through projection ([d_model, D]); None for a compiled model
    projection: np.ndarray | None = None


def _num(v: Any) -> float:
    return float(Fraction(v)) if isinstance(v, int | Fraction | bool) else float(v)


class _Crafter:
    def __init__(self, graph: Graph, values: ValueSets, layout: Layout, vocab: list[Any], max_len: int,
                 causal: bool) -> None:
        self.graph, self.values, self.layout = graph, values, layout
        self.vocab, self.max_len, self.causal = vocab, max_len, causal
        self.d = layout.d_model
        self._exact: dict[str, bool] = {}
        gaps = [values.min_gap(n) for n, node in graph.nodes.items() if node.encoding is ir.Encoding.NUMERICAL]
        real_gaps = [float(g) for g in gaps if g is not None]
        # sums multiply a mean's error by up to max_len + 1, so leave that much room
        self.epsilon = min([EPSILON_CAP] + [g / 16 for g in real_gaps]) / (max_len + 1)

    # -- helpers ---------------------------------------------------------------------------------
    def target(self, name: str, value: Any) -> np.ndarray:
        """The residual vector that encodes `value` for node `name`."""
        vec = np.zeros(self.d)
        if value is None:
            return vec
        dims = self.layout.dims[name]
        if self.graph.nodes[name].encoding is ir.Encoding.NUMERICAL:
            vec[dims[0]] = _num(value)
        else:
            idx = self.layout.dim_values[name].index(value)
            vec[dims[idx]] = 1.0
        return vec

    def one_hot_dim(self, name: str, value: Any) -> int:
        return self.layout.dims[name][self.layout.dim_values[name].index(value)]

    def sharpness(self, vmax: float) -> float:
        return math.log(2 * (self.max_len + 2) * max(vmax, 1.0) / self.epsilon) + 1.0

    # -- embeddings --------------------------------------------------------------------------------
    def embeddings(self) -> tuple[np.ndarray, np.ndarray]:
        tok = np.zeros((len(self.vocab) + 2, self.d))
        pos = np.zeros((self.max_len + 1, self.d))
        tok[: len(self.vocab), ONE] = 1.0
        tok[len(self.vocab), BOS] = 1.0
        for name, node in self.graph.nodes.items():
            if node.kind == "tokens":
                for i, t in enumerate(self.vocab):
                    tok[i] += self.target(name, t)
            elif node.kind == "indices":
                for p in range(self.max_len):
                    pos[p + 1] += self.target(name, p)
            elif node.kind == "const":
                for i in range(len(self.vocab)):
                    tok[i] += self.target(name, node.value)
            elif node.kind == "embed_map":
                assert node.fn is not None
                base = self.vocab if node.base == "tokens" else list(range(self.max_len))
                table = tok if node.base == "tokens" else pos
                offset = 0 if node.base == "tokens" else 1
                for i, b in enumerate(base):
                    try:
                        value = node.fn(b)
                    except Exception:
                        value = None
                    from axiomforge.rasp.interpreter import normalise_number

                    value = normalise_number(value)
                    if value is not None and value in self.values[name]:
                        table[i + offset] += self.target(name, value)
        return tok, pos

    # -- attention ---------------------------------------------------------------------------------
    def head(self, node: Node) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
        spec = node.selector
        assert spec is not None
        out_name = node.name
        # value side
        if node.kind == "bos_fraction":
            vmax = 1.0
            w_v = np.zeros((self.d, 1))
            w_v[BOS, 0] = 1.0
            w_o = np.zeros((1, self.d))
            w_o[0, self.layout.dims[out_name][0]] = 1.0
        else:
            src = node.inputs[0]
            src_node = self.graph.nodes[src]
            if node.encoding is ir.Encoding.NUMERICAL:
                w_v = np.zeros((self.d, 1))
                if src_node.encoding is ir.Encoding.NUMERICAL:
                    w_v[self.layout.dims[src][0], 0] = 1.0
                else:
                    for v, dim in zip(self.layout.dim_values[src], self.layout.dims[src]):
                        w_v[dim, 0] = _num(v)
                w_v[BOS, 0] = _num(node.default) if node.default is not None else 0.0
                w_o = np.zeros((1, self.d))
                w_o[0, self.layout.dims[out_name][0]] = 1.0
                vmax = max([abs(_num(v)) for v in self.values[out_name]] + [1.0])
            else:
                out_values = self.layout.dim_values[out_name]
                w_v = np.zeros((self.d, len(out_values)))
                for v, dim in zip(self.layout.dim_values[src], self.layout.dims[src]):
                    w_v[dim, out_values.index(v)] = 1.0
                if node.default is not None:
                    w_v[BOS, out_values.index(node.default)] = 1.0
                w_o = np.zeros((len(out_values), self.d))
                for j, dim in enumerate(self.layout.dims[out_name]):
                    w_o[j, dim] = 1.0
                vmax = 1.0
        sigma = self.sharpness(vmax)
        # score side
        cols_q: list[np.ndarray] = []
        cols_k: list[np.ndarray] = []
        if node.kind == "bos_fraction":
            select_score, bos_score = sigma, sigma
        elif node.reduction is ir.Reduction.MEAN and node.bos_in_mean:
            select_score, bos_score = 2 * sigma, 2 * sigma
        elif node.reduction is ir.Reduction.MEAN:
            select_score, bos_score = 2 * sigma, sigma
        else:
            rank_q, rank_k, top = self.rank_columns(node, sigma)
            cols_q.append(rank_q)
            cols_k.append(rank_k)
            bos_score = top + sigma
            select_score = top + 2 * sigma
        if spec.keys is None:
            q, k = np.zeros(self.d), np.zeros(self.d)
            q[ONE], k[ONE] = select_score, 1.0
            cols_q.append(q)
            cols_k.append(k)
        else:
            assert spec.queries is not None
            kvals, qvals = self.layout.dim_values[spec.keys], self.layout.dim_values[spec.queries]
            kdims, qdims = self.layout.dims[spec.keys], self.layout.dims[spec.queries]
            matrix = np.array([[1.0 if spec.predicate(kv, qv) else 0.0 for kv in kvals] for qv in qvals])
            # one column per all-ones rectangle: select_score on its query values, 1 on its keys
            for rows, cols in _rectangles(matrix.reshape(len(qvals), len(kvals)).astype(bool)):
                q, k = np.zeros(self.d), np.zeros(self.d)
                q[[qdims[i] for i in rows]] = select_score
                k[[kdims[j] for j in cols]] = 1.0
                cols_q.append(q)
                cols_k.append(k)
        q, k = np.zeros(self.d), np.zeros(self.d)
        q[ONE], k[BOS] = bos_score, 1.0
        cols_q.append(q)
        cols_k.append(k)
        # the BOS query attends to BOS alone, so the BOS position's residual never depends on the input
        q, k = np.zeros(self.d), np.zeros(self.d)
        q[BOS], k[BOS] = 2 * sigma, 1.0
        cols_q.append(q)
        cols_k.append(k)
        cols_q, cols_k = _merge_columns(cols_q, cols_k)
        return np.stack(cols_q, 1), np.stack(cols_k, 1), w_v, w_o, sigma

    def rank_columns(self, node: Node, sigma: float) -> tuple[np.ndarray, np.ndarray, float]:
        """Query/key columns adding sigma * rank(value at key) for max (reversed for min)."""
        src = node.inputs[0]
        src_node = self.graph.nodes[src]
        sign = 1.0 if node.reduction is ir.Reduction.MAX else -1.0
        q, k = np.zeros(self.d), np.zeros(self.d)
        q[ONE] = sigma
        if src_node.encoding is ir.Encoding.CATEGORICAL:
            vals = self.layout.dim_values[src]
            order = vals if sign > 0 else tuple(reversed(vals))
            for dim, v in zip(self.layout.dims[src], vals):
                k[dim] = order.index(v)
            top = float(max(len(vals) - 1, 0)) * sigma
        else:
            nums = [Fraction(v) for v in self.values[src]]
            gap = self.values.min_gap(src) or Fraction(1)
            lo, hi = min(nums), max(nums)
            dim = self.layout.dims[src][0]
            if sign > 0:
                k[dim], k[ONE] = float(1 / gap), float(-lo / gap)
            else:
                k[dim], k[ONE] = float(-1 / gap), float(hi / gap)
            top = float((hi - lo) / gap) * sigma
        return q, k, top

    def attention(self, names: list[str], bos_residual: np.ndarray) -> AttentionWeights:
        parts = [self.head(self.graph.nodes[n]) for n in names]
        parts = [(_compensate(q, bos_residual), _compensate(k, bos_residual), _compensate(v, bos_residual), o, sig)
                 for q, k, v, o, sig in parts]
        dk = max(p[0].shape[1] for p in parts)
        dv = max(p[2].shape[1] for p in parts)
        h = len(parts)
        w_q, w_k = np.zeros((h, self.d, dk)), np.zeros((h, self.d, dk))
        w_v, w_o = np.zeros((h, self.d, dv)), np.zeros((h, dv, self.d))
        for i, (q, k, v, o, _) in enumerate(parts):
            w_q[i, :, : q.shape[1]] = q
            w_k[i, :, : k.shape[1]] = k
            w_v[i, :, : v.shape[1]] = v
            w_o[i, : o.shape[0], :] = o
        return AttentionWeights(w_q, w_k, w_v, w_o, list(names), [p[4] for p in parts])

    # -- MLPs ----------------------------------------------------------------------------------------
    def mlp_units(self, node: Node) -> list[tuple[np.ndarray, np.ndarray]]:
        """Hidden units as (input column, output row) pairs."""
        assert node.fn is not None
        units: list[tuple[np.ndarray, np.ndarray]] = []
        ins = [self.graph.nodes[i] for i in node.inputs]

        def out_of(args: tuple[Any, ...]) -> np.ndarray:
            if any(a is None for a in args):
                return np.zeros(self.d)
            try:
                from axiomforge.rasp.interpreter import normalise_number

                value = normalise_number(node.fn(*args))  # type: ignore[misc]
            except Exception:
                return np.zeros(self.d)
            return self.target(node.name, value)

        if node.sum_of is not None:
            return self.sum_units(node)
        if len(ins) == 1 and ins[0].encoding is ir.Encoding.NUMERICAL:
            src = ins[0].name
            xs = [Fraction(v) for v in self.values[src]]
            dim = self.layout.dims[src][0]
            outs = [out_of((v,)) for v in self.values[src]]
            base_in = np.zeros(self.d)
            base_in[ONE] = 1.0
            if outs[0].any():
                units.append((base_in, outs[0]))
            for i in range(1, len(xs)):
                delta = outs[i] - outs[i - 1]
                if not delta.any():
                    continue
                gap = xs[i] - xs[i - 1]
                lo = xs[i - 1] + gap / 4
                slope = 2 / gap  # ramp from lo to lo + gap/2 = x_i - gap/4
                a = np.zeros(self.d)
                a[dim] = float(slope)
                a[ONE] = float(-slope * lo)
                b = a.copy()
                b[ONE] -= 1.0
                units.append((a, delta))
                units.append((b, -delta))
            return units
        if any(i.encoding is ir.Encoding.NUMERICAL for i in ins):
            raise RaspCompileError(node.source, "an MLP mixing a numerical input with others", node.location)
        spaces = [list(zip(self.layout.dim_values[i.name], self.layout.dims[i.name])) for i in ins]
        if len(ins) == 1:
            for value, dim in spaces[0]:
                out = out_of((value,))
                if out.any():
                    col = np.zeros(self.d)
                    col[dim] = 1.0
                    units.append((col, out))
            return units
        k = len(ins)
        exact_inputs = all(self.exact(i.name) for i in ins)
        clean = not exact_inputs and self.needs_cleanup(node)
        for rows, cols, out in self.lookup_groups(node, spaces, out_of):
            a = np.zeros(self.d)
            a[rows] = 1.0
            a[cols] = 1.0
            a[ONE] = -(k - 1.0)
            if not clean:
                # one-hot inputs (exact, or within k * eps when only read out): ReLU(sum - (k-1)) is
                # 1 on a combination of the group and (about) 0 otherwise
                units.append((a, out))
                continue
            a = 2.0 * a
            a[ONE] = -2.0 * (k - 1 + 0.25)
            b = a.copy()
            b[ONE] -= 1.0
            units.append((a, out))
            units.append((b, -out))
        return units

    def needs_cleanup(self, node: Node) -> bool:
        """Must this lookup over inexact inputs be cleaned to exact 0/1 (two units per group)?

        Not when it is categorical and read only by the read-out (one unit per group is within
        k * eps of one-hot, far inside the 0.5 threshold) and by other multi-input lookups, which
        are exact whenever their inputs are within 1/4 of one-hot (`_is_cleaning_lookup`)."""
        if node.encoding is not ir.Encoding.CATEGORICAL:
            return True
        readers = self.graph.readers().get(node.name, [])
        return not all(_is_cleaning_lookup(self.graph, self.graph.nodes[r]) for r in readers)

    def lookup_groups(self, node: Node, spaces: list[list[tuple[Any, int]]],
                      out_of: Any) -> list[tuple[list[int], list[int], np.ndarray]]:
        """The input combinations of a multi-input lookup, grouped into units that fire on a set of
        combinations with the same output: (dims summed from the leading inputs, dims of the last
        input, output row). With two inputs a group is an all-ones rectangle of the table "f(x, y)
        = this output" (`_rectangles`: rows are x values, columns y values), so the unit
        ReLU(sum_rows x + sum_cols y - 1) is 1 exactly on the rectangle's pairs; with more inputs
        a group is one combination of the leading inputs and every last-input value giving that
        output. tracr (and a plain table) spend one unit per combination."""
        leading = list(itertools.product(*spaces[:-1]))
        last = spaces[-1]
        by_output: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}
        for r, combo in enumerate(leading):
            for c, (value, _) in enumerate(last):
                out = out_of(tuple(v for v, _ in combo) + (value,))
                if not out.any():
                    continue
                key = out.tobytes()
                if key not in by_output:
                    by_output[key] = (out, np.zeros((len(leading), len(last)), dtype=bool))
                by_output[key][1][r, c] = True
        groups: list[tuple[list[int], list[int], np.ndarray]] = []
        for out, table in by_output.values():
            if len(spaces) == 2:
                rects = _rectangles(table)
            else:
                rects = [([r], [int(c) for c in np.flatnonzero(line)]) for r, line in enumerate(table) if line.any()]
            for rows, cols in rects:
                row_dims = sorted({dim for r in rows for _, dim in leading[r]})
                groups.append((row_dims, [last[c][1] for c in cols], out))
        return groups

    def exact(self, name: str) -> bool:
        """Does this node hold exact values (no attention leakage)? Embeddings, staircases and
        cleaned-up lookups do; attention outputs, and single-input lookups of them, do not."""
        if name not in self._exact:
            node = self.graph.nodes[name]
            if node.kind in ("aggregate", "bos_fraction"):
                result = False
            elif node.kind != "mlp" or node.sum_of is not None:
                result = node.kind != "mlp"
            elif len(node.inputs) == 1 and self.graph.nodes[node.inputs[0]].encoding is ir.Encoding.NUMERICAL:
                result = True  # staircase: flat around every reachable input
            elif len(node.inputs) > 1:
                # exact inputs, or cleaned; an uncleaned lookup feeds only lookups that clean
                result = all(self.exact(i) for i in node.inputs) or self.needs_cleanup(node)
            else:
                result = self.exact(node.inputs[0])
            self._exact[name] = result
        return self._exact[name]

    def sum_units(self, node: Node) -> list[tuple[np.ndarray, np.ndarray]]:
        """sum = m * (w + 1) for the width w that is hot: two ReLUs per width, gated off by -L."""
        mean, width = node.inputs
        mean_dim = self.layout.dims[mean][0]
        out_dim = self.layout.dims[node.name][0]
        gate = float(max(abs(Fraction(v)) for v in self.values[node.name]) + 1) * 2
        units: list[tuple[np.ndarray, np.ndarray]] = []
        for w, dim in zip(self.layout.dim_values[width], self.layout.dims[width]):
            out = np.zeros(self.d)
            if w == 0:
                if node.default:
                    col = np.zeros(self.d)
                    col[dim] = 1.0
                    out[out_dim] = _num(node.default)
                    units.append((col, out))
                continue
            out[out_dim] = 1.0
            for sign in (1.0, -1.0):
                col = np.zeros(self.d)
                col[mean_dim] = sign * (w + 1)
                col[ONE] = -gate
                col[dim] = gate
                units.append((col, sign * out))
        return units

    def erase_units(self, owner: str, dim: int) -> list[tuple[np.ndarray, np.ndarray]]:
        pos, neg = np.zeros(self.d), np.zeros(self.d)
        pos[dim], neg[dim] = 1.0, -1.0
        out = np.zeros(self.d)
        out[dim] = -1.0
        units = [(pos, out)]
        if self.graph.nodes[owner].encoding is ir.Encoding.NUMERICAL:
            units.append((neg, -out))
        return units

    def mlp(self, names: list[str], erase: list[tuple[str, int]]) -> MlpWeights:
        units: list[tuple[np.ndarray, np.ndarray]] = []
        for n in names:
            units += self.mlp_units(self.graph.nodes[n])
        erasing: list[tuple[np.ndarray, np.ndarray]] = []
        for owner, dim in erase:
            erasing += self.erase_units(owner, dim)
        units += erasing
        if not units:  # a map whose every output is zero/None still needs one (silent) unit
            units = [(np.zeros(self.d), np.zeros(self.d))]
        w_in = np.stack([u[0] for u in units], 1)
        w_out = np.stack([u[1] for u in units], 0)
        return MlpWeights(w_in, w_out, list(names), len(erasing))

    def output(self) -> OutputSpec:
        name = self.graph.output
        node = self.graph.nodes[name]
        if node.encoding is ir.Encoding.NUMERICAL:
            gap = self.values.min_gap(name)
            tol = float(gap) / 4 if gap is not None else 0.25
            return OutputSpec(name, node.source, "numerical", self.layout.dims[name], list(self.values[name]), tol)
        return OutputSpec(name, node.source, "categorical", self.layout.dims[name],
                          list(self.layout.dim_values[name]), 0.5)


def _is_cleaning_lookup(graph: Graph, node: Node) -> bool:
    """A categorical lookup over several categorical inputs (not a sum): its units read inputs
    within 1/4 of one-hot as exactly one-hot (or it is itself uncleaned and read only by such)."""
    return (node.kind == "mlp" and node.sum_of is None and len(node.inputs) > 1
            and all(graph.nodes[i].encoding is ir.Encoding.CATEGORICAL for i in node.inputs))


def _readable(value: Any) -> str:
    """A value as a residual label: fractions as 1001/1000 (not Fraction(1001, 1000)), strings quoted."""
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(_readable(v) for v in value) + ")"
    return repr(value)


def _compensate(w: np.ndarray, bos_residual: np.ndarray) -> np.ndarray:
    """Make w read the BOS position as if its residual were only the `bos` dimension.

    Sub-layers leave input-independent values at BOS (the BOS query attends to BOS alone; MLPs
    see a constant there), so subtracting their contribution through the `bos` row makes
    every query/key/value at BOS exactly what the head intends (e.g. the value = the default)."""
    others = bos_residual.copy()
    others[BOS] = 0.0
    w = w.copy()
    w[BOS, :] -= others @ w
    return w


def _rectangles(matrix: np.ndarray) -> list[tuple[list[int], list[int]]]:
    """Partition the ones of a 0/1 matrix (rows: query values, columns: key values, both in value
    order) into disjoint all-ones rectangles with few rows + columns in all: each rectangle is one
    query/key column of a head whose non-zeros are its rows and its columns, and as the rectangles
    are disjoint every selected pair still scores exactly select_score and every other pair 0.

    Per block (starting from the whole matrix) the cheaper of: one rectangle per distinct
    non-empty row (rows with the same keys share it), the same by columns, or the four quadrants
    recursively. An order predicate (`<` over n values) is triangular: its off-diagonal quadrants
    are one rectangle each, so it costs about n log2 n non-zeros instead of n^2 / 2."""
    n_rows, n_cols = matrix.shape
    table = np.zeros((n_rows + 1, n_cols + 1), dtype=np.int64)
    table[1:, 1:] = matrix.astype(np.int64).cumsum(0).cumsum(1)

    def ones(r0: int, r1: int, c0: int, c1: int) -> int:
        return int(table[r1, c1] - table[r0, c1] - table[r1, c0] + table[r0, c0])

    Rects = list[tuple[list[int], list[int]]]

    def grouped(r0: int, r1: int, c0: int, c1: int, by_rows: bool) -> Rects:
        block = matrix[r0:r1, c0:c1] if by_rows else matrix[r0:r1, c0:c1].T
        first, other = (r0, c0) if by_rows else (c0, r0)
        groups: dict[bytes, list[int]] = {}
        for i, line in enumerate(block):
            if line.any():
                groups.setdefault(line.tobytes(), []).append(first + i)
        rects: Rects = []
        for members in groups.values():
            line = block[members[0] - first]
            others = [other + int(j) for j in np.flatnonzero(line)]
            rects.append((members, others) if by_rows else (others, members))
        return rects

    def cost(rects: Rects) -> tuple[int, int]:
        return sum(len(r) + len(c) for r, c in rects), len(rects)

    def best(r0: int, r1: int, c0: int, c1: int) -> Rects:
        count = ones(r0, r1, c0, c1)
        if count == 0:
            return []
        if count == (r1 - r0) * (c1 - c0):
            return [(list(range(r0, r1)), list(range(c0, c1)))]
        options = [grouped(r0, r1, c0, c1, True), grouped(r0, r1, c0, c1, False)]
        if r1 - r0 >= 2 and c1 - c0 >= 2:
            rm, cm = (r0 + r1) // 2, (c0 + c1) // 2
            options.append(best(r0, rm, c0, cm) + best(r0, rm, cm, c1) + best(rm, r1, c0, cm) + best(rm, r1, cm, c1))
        return min(options, key=cost)

    return best(0, n_rows, 0, n_cols)


def _merge_columns(cols_q: list[np.ndarray], cols_k: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Fold query/key columns that share their query vector (or their key vector) into one:
    q k1 + q k2 = q (k1 + k2), the same scores with fewer non-zeros."""
    qs, ks = list(cols_q), list(cols_k)
    merged = True
    while merged:
        merged = False
        for a, b in itertools.combinations(range(len(qs)), 2):
            if np.array_equal(qs[a], qs[b]):
                ks[a] = ks[a] + ks[b]
            elif np.array_equal(ks[a], ks[b]):
                qs[a] = qs[a] + qs[b]
            else:
                continue
            del qs[b], ks[b]
            merged = True
            break
    return qs, ks


def _bos_step(sub: AttentionWeights | MlpWeights, r: np.ndarray) -> np.ndarray:
    """The residual at BOS after `sub` (attention there sees only BOS itself)."""
    if isinstance(sub, AttentionWeights):
        out = np.zeros_like(r)
        for h in range(sub.w_v.shape[0]):
            out += (r @ sub.w_v[h]) @ sub.w_o[h]
        return r + out
    return r + np.maximum(r @ sub.w_in, 0.0) @ sub.w_out


def block_count(spec: ModelSpec) -> int:
    """Transformer blocks (attention + MLP pairs, as tracr counts layers) the sub-layers fill."""
    blocks, open_attention = 0, False
    for sub in spec.sublayers:
        if isinstance(sub, AttentionWeights):
            if open_attention:
                blocks += 1
            open_attention = True
        else:
            blocks += 1
            open_attention = False
    return blocks + (1 if open_attention else 0)


def craft_model(graph: Graph, values: ValueSets, layout: Layout, vocab: list[Any], max_len: int,
                causal: bool) -> ModelSpec:
    crafter = _Crafter(graph, values, layout, vocab, max_len, causal)
    tok, pos = crafter.embeddings()
    sublayers: list[AttentionWeights | MlpWeights] = []
    bos_residual = tok[len(vocab)] + pos[0]
    for sub in layout.sublayers:
        built = crafter.attention(sub.nodes, bos_residual) if sub.kind == "attn" else crafter.mlp(sub.nodes, sub.erase)
        sublayers.append(built)
        bos_residual = _bos_step(built, bos_residual)
    def dim_label(name: str, dim: int) -> str:
        if name in layout.dim_values:
            return f"{name}={_readable(layout.dim_values[name][layout.dims[name].index(dim)])}"
        return name

    residual = [[(dim_label(name, d), a, b) for name, a, b in occupants] for d, occupants in enumerate(layout.occupants)]
    return ModelSpec(
        vocab=list(vocab), max_len=max_len, causal=causal, d_model=layout.d_model, token_embed=tok,
        pos_embed=pos, sublayers=sublayers, output=crafter.output(), residual=residual,
        epsilon=crafter.epsilon,
        notes={"dropped_combinations": dict(sorted(values.dropped.items()))},
    )
