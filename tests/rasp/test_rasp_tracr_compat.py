"""The tracr drop-in: tracr's API and operators, tracr's own library programs unchanged (but for
the import line), and a differential test against tracr itself where tracr-pypi is installed."""

from __future__ import annotations

import importlib.util
import itertools
import types
from fractions import Fraction

import pytest

from axiomforge.rasp import tracr_compat as rasp
from axiomforge.rasp.errors import RaspCompileError
from axiomforge.rasp.interpreter import evaluate as reference

TRACR = importlib.util.find_spec("tracr") is not None


# --- operators and annotations, as tracr users write them --------------------------------------


def test_comparisons_build_sops_not_booleans():
    is_x = rasp.tokens == "x"
    assert isinstance(is_x, rasp.SOp)
    assert is_x(["x", "y", "x"]) == [True, False, True]
    assert (rasp.tokens < 3)([1, 3, 5]) == [True, False, False]
    assert (rasp.tokens >= 3)([1, 3, 5]) == [False, True, True]
    assert (rasp.tokens != 3)([1, 3]) == [True, False]
    assert (-rasp.tokens)([1, -2]) == [-1, 2]
    assert (~(rasp.tokens == 1))([1, 2]) == [False, True]


def test_arithmetic_with_constants_and_sops():
    assert (rasp.tokens + 1)([1, 2]) == [2, 3]
    assert (10 - rasp.tokens)([1, 2]) == [9, 8]
    assert (rasp.tokens * rasp.indices)([5, 5, 5]) == [0, 5, 10]
    assert (rasp.length - rasp.indices - 1)(["a", "b", "c"]) == [2, 1, 0]
    assert (rasp.tokens / 2)([1]) == [Fraction(1, 2)]
    assert ((rasp.tokens == 1) & (rasp.indices == 0))([1, 1]) == [True, False]
    assert ((rasp.tokens == 1) | (rasp.indices == 0))([2, 1]) == [True, True]


def test_map_simplification_composes_nested_maps():
    inner = rasp.Map(lambda x: x + 1, rasp.tokens)
    outer = rasp.Map(lambda x: x * 2, inner)
    assert outer.inner is rasp.tokens and outer([1, 2]) == [4, 6]
    kept = rasp.Map(lambda x: x * 2, inner, simplify=False)
    assert kept.inner is inner and kept([1, 2]) == [4, 6]


def test_annotations_names_and_encodings():
    sop = rasp.numerical(rasp.Map(lambda x: x, rasp.tokens)).named("ident")
    assert sop.name == "ident" and rasp.is_numerical(sop) and not rasp.is_categorical(sop)
    assert rasp.get_encoding(rasp.tokens) is rasp.Encoding.CATEGORICAL
    assert sop.annotated(extra=1).annotations["extra"] == 1
    assert sop.annotations.get("extra") is None  # annotate copies, as in tracr
    assert sop.unique_id != sop.named("other").unique_id


def test_selector_simplification_merges_selects_on_the_same_operands():
    a = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.LEQ)
    b = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.GEQ)
    both = a & b
    assert isinstance(both, rasp.Select)  # one attention pattern, not an And of two
    width = rasp.SelectorWidth(both)
    assert width([1, 2, 1]) == [2, 1, 2]
    assert rasp.SelectorWidth(rasp.selector_and(a, b, simplify=False))([1, 2, 1]) == [2, 1, 2]
    assert rasp.SelectorWidth(~a)([1, 2, 1]) == [1, 0, 1]  # keys > query


def test_constant_sop_is_refused_with_a_reason():
    with pytest.raises(RaspCompileError, match="unsupported: ConstantSOp"):
        rasp.compile_rasp_to_model(rasp.ConstantSOp([1, 2]) + rasp.tokens, {1}, 2, compiler_bos="BOS")


def test_compile_apply_decoded_like_tracr():
    opp = (rasp.length - rasp.indices).named("opp_idx")
    opp = (opp - 1).named("opp_idx-1")
    reverse = rasp.Aggregate(rasp.Select(rasp.indices, opp, rasp.Comparison.EQ), rasp.tokens).named("reverse")
    model = rasp.compile_rasp_to_model(reverse, vocab={1, 2, 3}, max_seq_len=5, compiler_bos="BOS")
    assert model.apply(["BOS", 1, 2, 3]).decoded == ["BOS", 3, 2, 1]
    with pytest.raises(ValueError, match="BOS"):
        model.apply([1, 2])


# --- tracr's own library, through the drop-in ----------------------------------------------------


def _lib(module: types.ModuleType | None) -> types.ModuleType:
    """tracr's compiler/lib.py with its `rasp` bound to `module` (None: tracr's own)."""
    spec = importlib.util.find_spec("tracr.compiler.lib")
    assert spec is not None and spec.origin is not None
    with open(spec.origin, encoding="utf-8") as f:
        source = f.read()
    if module is None:
        return importlib.import_module("tracr.compiler.lib")
    assert "from tracr.rasp import rasp" in source
    lib = types.ModuleType("lib_on_axiomforge")
    lib.__dict__["rasp"] = module
    exec(compile(source.replace("from tracr.rasp import rasp", ""), spec.origin, "exec"), lib.__dict__)
    return lib


# name: (builder(lib, rasp), vocab, max_seq_len)
LIBRARY = {
    "length": (lambda lib, r: lib.make_length(), {1, 2, 3}, 4),
    "reverse": (lambda lib, r: lib.make_reverse(r.tokens), {1, 2, 3}, 4),
    "hist": (lambda lib, r: lib.make_hist(), {"a", "b", "c"}, 4),
    "sort_unique": (lambda lib, r: lib.make_sort_unique(r.tokens, r.tokens), {1, 2, 3}, 4),
    "sort": (lambda lib, r: lib.make_sort(r.tokens, r.tokens, max_seq_len=4, min_key=1), {1, 2, 3}, 4),
    "sort_freq": (lambda lib, r: lib.make_sort_freq(4), {1, 2, 3}, 4),
    "frac_prevs": (lambda lib, r: lib.make_frac_prevs(r.tokens == "x"), {"x", "y"}, 4),
    "pair_balance": (lambda lib, r: lib.make_pair_balance(r.tokens, "(", ")"), {"(", ")"}, 4),
    "shuffle_dyck": (lambda lib, r: lib.make_shuffle_dyck(["()"]), {"(", ")"}, 4),
    "shuffle_dyck2": (lambda lib, r: lib.make_shuffle_dyck2(), {"(", ")", "{", "}"}, 3),
    "shift_by": (lambda lib, r: lib.shift_by(1, r.tokens), {1, 2, 3}, 4),
    "detect_pattern": (lambda lib, r: lib.detect_pattern(r.tokens, "ab"), {"a", "b"}, 4),
    "count_less_freq": (lambda lib, r: lib.make_count_less_freq(2), {"a", "b", "c"}, 4),
    "count": (lambda lib, r: lib.make_count(r.tokens, "a"), {"a", "b"}, 4),
    "nary_sequencemap": (lambda lib, r: lib.make_nary_sequencemap(lambda x, y, z: x + y + z, r.tokens, r.tokens,
                                                                    r.indices), {1, 2}, 4),
}


def _inputs(vocab: set, max_len: int) -> list[list]:
    symbols = sorted(vocab, key=str)
    return [list(xs) for n in range(1, max_len + 1) for xs in itertools.product(symbols, repeat=n)]


def _same(a, b) -> bool:
    """Equal values; numbers compared exactly where both are exact, else to 1e-6 (tracr floats)."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None or isinstance(a, str) or isinstance(b, str):
        return a == b
    return abs(Fraction(a) - Fraction(b)) <= Fraction(1, 10**6) * max(1, abs(Fraction(b)))


def _run_ours(model, inputs: list[list]) -> list[list]:
    by_len: dict[int, list[int]] = {}
    for i, xs in enumerate(inputs):
        by_len.setdefault(len(xs), []).append(i)
    out: list = [None] * len(inputs)
    for idxs in by_len.values():
        for i, row in zip(idxs, model.model.run([inputs[i] for i in idxs])):
            out[i] = row
    return out


pytestmark_tracr = pytest.mark.skipif(not TRACR, reason="tracr-pypi is not installed (pip install -e '.[compare]')")


@pytestmark_tracr
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_tracr_library_program_runs_unchanged_and_exactly(name):
    build, vocab, max_len = LIBRARY[name]
    ours_lib = _lib(rasp)
    program = build(ours_lib, rasp)
    model = rasp.compile_rasp_to_model(program, vocab=vocab, max_seq_len=max_len, compiler_bos="BOS")
    inputs = _inputs(vocab, max_len)
    got = _run_ours(model, inputs)
    ir_program = rasp.to_ir(program)
    checked = 0
    for xs, row in zip(inputs, got):
        try:
            want = reference(ir_program, xs)
        except Exception:  # outside the program's domain (e.g. a categorical mean of differing values)
            continue
        assert row == want, f"{name}{xs}: model {row} != interpreter {want}"
        checked += 1
    assert checked >= len(inputs) // 2, "most inputs must be in the program's domain"


@pytestmark_tracr
@pytest.mark.slow
@pytest.mark.parametrize("name", ["length", "reverse", "hist", "sort", "frac_prevs"])
def test_differential_against_tracr(name):
    """Both compilers on tracr's program: ours agrees with tracr's own evaluator wherever that is
    defined, and is exact wherever tracr's compiled model is exact (and where it is not)."""
    from tracr.compiler import compiling
    from tracr.rasp import rasp as tracr_rasp

    build, vocab, max_len = LIBRARY[name]
    theirs_program = build(_lib(None), tracr_rasp)
    theirs = compiling.compile_rasp_to_model(theirs_program, vocab=vocab, max_seq_len=max_len, compiler_bos="BOS")
    ours_program = build(_lib(rasp), rasp)
    ours = rasp.compile_rasp_to_model(ours_program, vocab=vocab, max_seq_len=max_len, compiler_bos="BOS")
    inputs = _inputs(vocab, max_len - 1)  # tracr runs one input at a time: every input up to length 3
    got = _run_ours(ours, inputs)
    tracr_wrong = ours_wrong = compared = 0
    for xs, row in zip(inputs, got):
        try:
            truth = tracr_rasp.evaluate(theirs_program, xs)
        except Exception:
            continue
        compared += 1
        tracr_out = theirs.apply(["BOS", *xs]).decoded[1:]
        tracr_ok = all(_same(t, w) for t, w in zip(tracr_out, truth))
        ours_ok = all(_same(o, w) for o, w in zip(row, truth))
        tracr_wrong += not tracr_ok
        ours_wrong += not ours_ok
    assert compared > 0
    assert ours_wrong == 0, f"{name}: ours wrong on {ours_wrong} of {compared} inputs (tracr wrong on {tracr_wrong})"
