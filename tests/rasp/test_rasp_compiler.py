"""The compiler against the interpreter: every library program, exhaustively and sampled."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from axiomforge.errors import UserError
from axiomforge.rasp import api as rasp
from axiomforge.rasp.compiler import compile_rasp_to_model, compile_to_spec
from axiomforge.rasp.craft import AttentionWeights, MlpWeights
from axiomforge.rasp.errors import RaspCompileError
from axiomforge.rasp.model import CompiledTransformer
from axiomforge.rasp.parser import load_file, load_program
from axiomforge.rasp.programs import library
from axiomforge.rasp.verify import check_agreement

LIBRARY = {p.name: p for p in library()}
SLOW = {"shuffle_dyck3", "sort_unique"}


def test_library_is_complete():
    wanted = {"length", "hist", "hist_nobos", "reverse", "sort_unique", "sort", "sort_freq", "double_hist",
              "dyck1", "dyck2", "shuffle_dyck2", "shuffle_dyck3", "frac_prevs", "pair_balance", "detect_pattern",
              "count_less_freq", "shift_by", "nary_map", "causal_count", "causal_running_max",
              "causal_running_sum"}
    assert wanted <= set(LIBRARY)


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in sorted(LIBRARY)]
)
def test_library_program_agrees_on_every_input_up_to_length_6(name):
    entry = LIBRARY[name]
    program = load_file(entry.path)
    model = compile_rasp_to_model(program.output, entry.vocab, 6, program.causal)
    result = check_agreement(program.output, model, entry.vocab, range(1, 7), program.causal,
                             exhaustive_limit=10**6)
    assert result.exhaustive
    assert result.sequences == sum(len(entry.vocab) ** n for n in range(1, 7)) - result.out_of_domain
    assert result.sequences_agree == result.sequences, result.mismatches


# dyck2's composite selector pairs (depth, index) on both sides: ~N^2 tuples, too big at 32 here
@pytest.mark.parametrize("name", sorted(set(LIBRARY) - {"dyck2"}))
def test_library_program_agrees_on_sampled_inputs_of_length_32(name):
    entry = LIBRARY[name]
    program = load_file(entry.path)
    model = compile_rasp_to_model(program.output, entry.vocab, 32, program.causal)
    result = check_agreement(program.output, model, entry.vocab, [32], program.causal, exhaustive_limit=0,
                             samples=16, seed=1)
    assert result.sequences == 16 - result.out_of_domain and result.sequences > 0
    assert result.sequences_agree == result.sequences, result.mismatches


@pytest.mark.parametrize("name", ["length", "hist"])
def test_counting_is_exact_at_max_len_64(name):
    entry = LIBRARY[name]
    program = load_file(entry.path)
    model = compile_rasp_to_model(program.output, entry.vocab, 64)
    # every count 1..64 occurs: a run of one token of each length, plus random inputs
    runs = [[entry.vocab[0]] * n for n in range(1, 65)]
    result = check_agreement(program.output, model, entry.vocab, [64], exhaustive_limit=0, samples=30, seed=2)
    assert result.sequences_agree == result.sequences == 30
    from axiomforge.rasp.interpreter import evaluate

    assert model.run(runs) == [evaluate(program.output, r) for r in runs]


def test_model_is_float64_and_has_no_empty_sublayer():
    program = load_file(LIBRARY["sort"].path)
    model = compile_rasp_to_model(program.output, [1, 2, 3, 4], 5)
    assert all(p.dtype == torch.float64 for p in model.parameters())
    for sub in model.spec.sublayers:
        if isinstance(sub, AttentionWeights):
            assert sub.w_q.shape[0] >= 1 and np.abs(sub.w_q).sum() > 0
        else:
            assert isinstance(sub, MlpWeights) and np.abs(sub.w_out).sum() > 0


def test_dead_sops_give_their_residual_space_back():
    program = load_file(LIBRARY["sort_freq"].path)
    compiled = compile_to_spec(program.output, [1, 2, 3, 4], 5)
    owners_per_dim = [len(occ) for occ in compiled.spec.residual]
    assert max(owners_per_dim) >= 2  # some dimension was reused
    total_needed = sum(len(d) for d in compiled.layout.dims.values()) + 2
    assert compiled.spec.d_model < total_needed


def test_padding_is_masked_in_a_mixed_length_batch():
    program = load_file(LIBRARY["hist"].path)
    model = compile_rasp_to_model(program.output, ["a", "b"], 6)
    batch = [["a"], ["a", "a", "b", "a", "a", "a"], ["b", "a"]]
    assert model.run(batch) == [[1], [5, 5, 1, 5, 5, 5], [1, 1]]


def test_causal_reverse_matches_causal_semantics():
    program = load_file(LIBRARY["reverse"].path)
    model = compile_rasp_to_model(program.output, ["a", "b", "c"], 5, causal=True)
    result = check_agreement(program.output, model, ["a", "b", "c"], range(1, 6), causal=True)
    assert result.sequences_agree == result.sequences


def test_tampered_model_is_caught_by_verification():
    program = load_file(LIBRARY["reverse"].path)
    model = compile_rasp_to_model(program.output, ["a", "b", "c"], 4)
    last_attention = [s for s in model.sublayers if hasattr(s, "w_q")][-1]
    with torch.no_grad():
        last_attention.w_q.mul_(0.0)  # uniform attention: no longer reverses
    result = check_agreement(program.output, model, ["a", "b", "c"], range(1, 5))
    assert result.sequences_agree < result.sequences


def test_numerical_sop_that_can_be_undefined_is_a_compile_error():
    text = """
    first = aggregate(select(indices, indices, lambda k, q: k == q + 5), tokens);
    output = numerical(map(lambda x: 1 if x == "a" else 0, first));
    """
    program = load_program(text, "bad.rasp")
    with pytest.raises(RaspCompileError) as err:
        compile_to_spec(program.output, ["a", "b"], 4)
    assert "output" in str(err.value) and "None" in str(err.value)
    assert isinstance(err.value, UserError)


def test_too_many_mlp_combinations_is_a_compile_error_not_a_wrong_model():
    big = rasp.numerical(rasp.Map(lambda x: x * 7919 % 100003, rasp.indices)).named("big")
    other = rasp.numerical(rasp.Map(lambda x: x * 31 % 1009, rasp.indices)).named("other")
    mean1 = rasp.numerical(rasp.Aggregate(rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ), big,
                                          default=0)).named("mean1")
    mean2 = rasp.numerical(rasp.Aggregate(rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ), other,
                                          default=0)).named("mean2")
    prod = rasp.SequenceMap(lambda a, b: a * b, mean1, mean2).named("prod")
    with pytest.raises(RaspCompileError) as err:
        compile_to_spec(prod, ["x"], 12)
    assert "mean" in str(err.value) or "prod" in str(err.value)


def test_python_api_mirrors_tracr_names():
    opp = (rasp.length - rasp.indices - 1).named("opp")
    flip = rasp.Select(rasp.indices, opp, rasp.Comparison.EQ).named("flip")
    reverse = rasp.Aggregate(flip, rasp.tokens).named("reverse")
    model = rasp.compile_rasp_to_model(reverse, vocab={"a", "b"}, max_seq_len=4)
    assert model.run([["a", "b", "b"]]) == [["b", "b", "a"]]
    both = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ) & ~rasp.Select(
        rasp.indices, rasp.indices, rasp.Comparison.EQ)
    others = rasp.SelectorWidth(both)
    assert rasp.evaluate(others, ["a", "b", "a"]) == [1, 0, 1]
    model = rasp.compile_rasp_to_model(others, vocab=["a", "b"], max_seq_len=4)
    assert model.run([["a", "b", "a"]]) == [[1, 0, 1]]


def test_selector_or_and_not_compile():
    sel = (rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.LT)
           | rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.GT))
    width = rasp.SelectorWidth(~sel)
    model = rasp.compile_rasp_to_model(width, vocab=[1, 2, 3], max_seq_len=4)
    result = check_agreement(width, model, [1, 2, 3], range(1, 5))
    assert result.sequences_agree == result.sequences


def test_numerical_mean_over_many_values_and_a_map_of_it():
    frac = rasp.numerical(rasp.Aggregate(rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ),
                                         rasp.numerical(rasp.Map(lambda t: 1 if t == "x" else 0, rasp.tokens)),
                                         default=0))
    bucket = rasp.Map(lambda f: int(f * 4), frac)  # tracr agrees on ~53% of such maps
    model = rasp.compile_rasp_to_model(bucket, vocab=["x", "y"], max_seq_len=8)
    result = check_agreement(bucket, model, ["x", "y"], range(1, 9))
    assert result.sequences_agree == result.sequences


def test_negative_numerical_outputs_are_kept():
    neg = rasp.numerical(rasp.Map(lambda t: -3 if t == "a" else 2, rasp.tokens))
    shifted = rasp.numerical(rasp.Aggregate(rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.EQ), neg,
                                            default=0))
    model = CompiledTransformer(compile_to_spec(shifted, ["a", "b"], 3).spec)
    assert model.run([["a", "b", "a"]]) == [[-3, 2, -3]]


def test_dyck2_interpreter_matches_a_stack_checker():
    import itertools

    from axiomforge.rasp.interpreter import evaluate

    def nested(seq):
        stack = []
        for t in seq:
            if t in "({":
                stack.append(t)
            elif not stack or (stack.pop() + t) not in ("()", "{}"):
                return 0
        return int(not stack)

    program = load_file(LIBRARY["dyck2"].path)
    memo: dict = {}
    for n in range(1, 7):
        for seq in itertools.product("(){}", repeat=n):
            assert evaluate(program.output, list(seq), memo=memo) == [nested(seq)] * n


def test_selector_rectangles_cover_every_selected_pair_exactly_once():
    from axiomforge.rasp.craft import _rectangles

    rng = np.random.default_rng(0)
    n = 48
    triangle = np.tri(n, n, -1, dtype=bool)  # row = query, column = key: key < query
    matrices = [triangle, np.eye(n, dtype=bool), ~np.eye(n, dtype=bool), np.zeros((3, 0), dtype=bool),
                np.zeros((0, 4), dtype=bool)] + [rng.random((r, c)) < p for r, c, p in
                                                 [(7, 11, 0.5), (13, 5, 0.2), (20, 20, 0.8), (1, 9, 0.5)]]
    for m in matrices:
        rects = _rectangles(m)
        cover = np.zeros(m.shape, dtype=int)
        for rows, cols in rects:
            cover[np.ix_(rows, cols)] += 1
        assert (cover == m).all()  # disjoint, all-ones, and every one covered
        cost = sum(len(r) + len(c) for r, c in rects)
        by_rows = int(m.any(1).sum() + m.sum())
        by_cols = int(m.any(0).sum() + m.sum())
        assert cost <= min(by_rows, by_cols)
    # an order predicate costs about n log2 n non-zeros, not n^2 / 2
    tri_cost = sum(len(r) + len(c) for r, c in _rectangles(triangle))
    assert tri_cost <= n * np.log2(n) + 2 * n < int(triangle.sum())


@pytest.mark.parametrize("name, vocab, max_len, tracr_nonzero", [
    ("sort", [1, 2, 3, 4], 5, 377), ("sort_freq", [1, 2, 3, 4], 5, 741), ("sort", [1, 2, 3, 4], 40, 13992),
])
def test_sorts_have_fewer_nonzero_parameters_than_tracr(name, vocab, max_len, tracr_nonzero):
    # tracr-pypi 1.0.0's counts for make_sort / make_sort_freq (benchmarks/rasp_vs_tracr)
    program = load_file(LIBRARY[name].path)
    model = CompiledTransformer(compile_to_spec(program.output, vocab, max_len, program.causal).spec)
    total, nonzero = model.parameter_counts()
    assert nonzero < tracr_nonzero
    lengths = range(1, max_len + 1) if max_len <= 5 else range(max_len, max_len + 1)
    result = check_agreement(program.output, model, vocab, lengths, program.causal, samples=50)
    assert result.sequences_agree == result.sequences
