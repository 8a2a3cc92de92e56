"""Theories without induction: finite model finding, Knuth-Bendix completion, and the runs on
the shipped algebraic theories (groups, monoids, lattices, rings, Boolean algebras).

The soundness test evaluates every proved law (and every law derived for an expect line) of
every shipped algebraic theory in the finite models the run found and in standard models built
here by hand (S3 and Z5 for groups, Z4 and Z6 for rings, the divisors of 12 and the diamond M3
for lattices, the 2- and 4-element Boolean algebras); every proof is re-checked by the
independent checker."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from axiomforge.logic.algebra import AlgebraConfig, inductive_theory_checks
from axiomforge.logic.completion import Completion, CompletionConfig, completion_precedence
from axiomforge.logic.conjecture import ConjectureConfig
from axiomforge.logic.engine import EngineConfig, expect_report, run_engine, strip_expects
from axiomforge.logic.finite_models import ModelSearchConfig, Structure, find_countermodel, find_models
from axiomforge.logic.ir import theory_to_json
from axiomforge.logic.models import FiniteModel
from axiomforge.logic.output import dumps, proofs_document
from axiomforge.logic.parser import parse_formula, parse_theory_file, parse_theory_text
from axiomforge.logic.proof import Citation
from axiomforge.logic.terms import show
from axiomforge.proofs.checker import check_document

ROOT = Path(__file__).resolve().parents[2]
THEORIES = ROOT / "theories"


def _theory(name: str):
    return parse_theory_file(THEORIES / f"{name}.mpl")


def _structure(theory, n: int, functions: dict, relations: dict | None = None) -> Structure:
    """A standard model from Python functions on 0..n-1 (row-major tables, as the finder's)."""
    tables = []
    for decl in theory.functions:
        fn = functions[decl.name]
        tables.append((decl.name, tuple(fn(*args) for args in itertools.product(range(n), repeat=len(decl.arg_sorts)))))
    rels = []
    for decl in theory.relations:
        fn = (relations or {})[decl.name]
        rels.append((decl.name, tuple(bool(fn(*args)) for args in itertools.product(range(n), repeat=len(decl.arg_sorts)))))
    return Structure(n, tuple(tables), tuple(rels))


def _s3(theory) -> Structure:
    perms = list(itertools.permutations(range(3)))
    index = {p: i for i, p in enumerate(perms)}
    compose = lambda i, j: index[tuple(perms[i][perms[j][k]] for k in range(3))]  # noqa: E731
    inverse = lambda i: index[tuple(sorted(range(3), key=lambda k: perms[i][k]))]  # noqa: E731
    return _structure(theory, 6, {"e": lambda: index[(0, 1, 2)], "inv": inverse, "mul": compose})


def _zn_group(theory, n: int) -> Structure:
    return _structure(theory, n, {"e": lambda: 0, "inv": lambda a: (-a) % n, "mul": lambda a, b: (a + b) % n})


def _zn_ring(theory, n: int) -> Structure:
    return _structure(theory, n, {
        "zero": lambda: 0, "one": lambda: 1 % n, "neg": lambda a: (-a) % n,
        "add": lambda a, b: (a + b) % n, "mul": lambda a, b: (a * b) % n,
    })


def _lattice(theory, elements: list, meet, join) -> Structure:
    n = len(elements)
    idx = {x: i for i, x in enumerate(elements)}
    m = lambda a, b: idx[meet(elements[a], elements[b])]  # noqa: E731
    j = lambda a, b: idx[join(elements[a], elements[b])]  # noqa: E731
    return _structure(theory, n, {"meet": m, "join": j}, {"le": lambda a, b: m(a, b) == a})


def _m3(theory) -> Structure:
    # the diamond: 0 < x, y, z < 1, not distributive
    order = {("0", t) for t in "0xyz1"} | {(t, "1") for t in "0xyz1"} | {(t, t) for t in "0xyz1"}
    elements = list("0xyz1")
    le = lambda a, b: (a, b) in order  # noqa: E731
    meet = lambda a, b: max((c for c in elements if le(c, a) and le(c, b)), key=lambda c: sum(le(d, c) for d in elements))  # noqa: E731
    join = lambda a, b: min((c for c in elements if le(a, c) and le(b, c)), key=lambda c: sum(le(d, c) for d in elements))  # noqa: E731
    return _lattice(theory, elements, meet, join)


def _boolean(theory, bits: int) -> Structure:
    full = (1 << bits) - 1
    return _structure(theory, 1 << bits, {
        "zero": lambda: 0, "one": lambda: full, "compl": lambda a: full ^ a,
        "join": lambda a, b: a | b, "meet": lambda a, b: a & b,
    })


def _monoid_s3(theory) -> Structure:
    # S3 with rev = inverse: an involution that reverses products
    group = _s3(_theory("groups"))
    return _structure(theory, 6, {"e": lambda: group.apply("e", []), "u": lambda: group.apply("e", []),
                                  "rev": lambda a: group.apply("inv", [a]), "mul": lambda a, b: group.apply("mul", [a, b])})


def _monoid_zn(theory, n: int) -> Structure:
    return _structure(theory, n, {"e": lambda: 0, "u": lambda: 0, "rev": lambda a: a, "mul": lambda a, b: (a + b) % n})


STANDARD = {
    "groups": lambda th: [_s3(th), _zn_group(th, 5)],
    "monoids": lambda th: [_monoid_s3(th), _monoid_zn(th, 4)],
    "lattices": lambda th: [_lattice(th, [1, 2, 3, 4, 6, 12], __import__("math").gcd, lambda a, b: a * b // __import__("math").gcd(a, b)), _m3(th)],
    "rings": lambda th: [_zn_ring(th, 4), _zn_ring(th, 6)],
    "boolean_algebra": lambda th: [_boolean(th, 1), _boolean(th, 2)],
}
# rings and Boolean algebras run with a smaller search here; benchmarks/gl_algebra runs the defaults
SMALL = AlgebraConfig(completion=CompletionConfig(max_steps=600), max_countermodel_searches=2)
CONFIGS = {
    "groups": EngineConfig(),
    "monoids": EngineConfig(),
    "lattices": EngineConfig(),
    "rings": EngineConfig(conjecture=ConjectureConfig(max_size=5), algebra=SMALL),
    "boolean_algebra": EngineConfig(conjecture=ConjectureConfig(max_size=5), algebra=SMALL),
}


@pytest.fixture(scope="module")
def runs():
    return {name: run_engine(_theory(name), CONFIGS[name]) for name in STANDARD}


# ---------------------------------------------------------------- finite models


def test_standard_models_satisfy_the_axioms():
    for name, build in STANDARD.items():
        theory = _theory(name)
        for model in build(theory):
            for ax in theory.axioms:
                assert model.satisfies(ax.formula), (name, ax.name)


def test_model_finder_finds_both_groups_of_order_4_and_no_isomorphic_copies():
    theory = _theory("groups")
    result = find_models(theory, ModelSearchConfig(max_size=4, models_per_size=10))
    sizes = [m.size for m in result.models]
    assert sizes.count(1) == 1 and sizes.count(2) == 1 and sizes.count(3) == 1
    assert sizes.count(4) == 2  # Z4 and Z2 x Z2: symmetry breaking loses neither, dedup keeps one of each
    for model in result.models:
        for ax in theory.axioms:
            assert model.satisfies(ax.formula)


def test_countermodel_to_commutativity_is_a_non_abelian_group_of_order_6():
    theory = _theory("groups")
    comm = parse_formula("forall a b. a * b = b * a", theory)
    model = find_countermodel(theory, comm)
    assert model is not None and model.size == 6
    assert not model.satisfies(comm)
    assert all(model.satisfies(ax.formula) for ax in theory.axioms)
    assert find_countermodel(theory, parse_formula("forall a. a * e = a", theory)) is None


def test_term_generated_models_only_for_inductive_theories():
    peano = _theory("peano")  # s injective and never 0: no finite model, and no warning
    models, warnings = inductive_theory_checks(peano, FiniteModel(peano))
    assert models == [] and warnings == []


def test_inconsistent_theory_is_reported():
    text = (THEORIES / "peano.mpl").read_text(encoding="utf-8") + "\naxiom bad : s(0) = 0\n"
    theory = parse_theory_text(text, "peano_bad.mpl")
    _, warnings = inductive_theory_checks(theory, FiniteModel(theory))
    assert any("no model of the axioms exists" in w for w in warnings)
    assert any("false is derived" in w and "succ_ne_zero" in w for w in warnings)


def test_algebraic_theory_without_models_is_reported():
    theory = parse_theory_text(
        "sort G\nconst e : G\nconst u : G\nfunction mul : G, G -> G\n"
        "axiom ne : e != u\naxiom collapse : forall a b. a = b\n", "bad.mpl"
    )
    result = run_engine(theory)
    assert any("may be inconsistent" in w for w in result.summary.warnings)


# ---------------------------------------------------------------- completion


GROUP_SYSTEM = {
    "mul(e, v1) -> v1", "mul(inv(v1), v1) -> e", "mul(mul(v1, v2), v3) -> mul(v1, mul(v2, v3))",
    "mul(inv(v1), mul(v1, v2)) -> v2", "inv(e) -> e", "mul(v1, inv(v1)) -> e", "mul(v1, mul(inv(v1), v2)) -> v2",
    "mul(v1, e) -> v1", "inv(inv(v1)) -> v1", "inv(mul(v1, v2)) -> mul(inv(v2), inv(v1))",
}


def test_group_axioms_complete_to_the_ten_rule_system():
    theory = _theory("groups")
    comp = Completion(theory, completion_precedence(theory))
    for ax in theory.axioms:
        comp.add_law(Citation("axiom", ax.name, ax.formula))
    assert comp.run()
    assert comp.complete
    rules = {f"{show(eq.lhs)} -> {show(eq.rhs)}" for eq in comp.active.values()}
    assert rules == GROUP_SYSTEM


# ---------------------------------------------------------------- the runs


def test_every_proved_law_holds_in_every_model_and_every_proof_checks(runs):
    for name, result in runs.items():
        theory = result.theory
        models = list(result.algebra.models) + STANDARD[name](theory)
        statements = [t.statement for t in result.theorems]
        statements += [st for st, _ in result.algebra.expect_proofs.values()]
        for statement in statements:
            for model in models:
                assert model.satisfies(statement), (name, statement)
        doc = json.loads(dumps(proofs_document(result)))
        for exp_name, (statement, steps) in result.algebra.expect_proofs.items():
            from axiomforge.logic.ir import formula_to_json

            cites = sorted({str(s["ref"]) for s in steps if s["rule"] == "theorem"})
            doc["theorems"].append({"name": f"expect_{exp_name}", "statement": formula_to_json(statement),
                                    "method": "completion", "cites": cites, "steps": steps})
        report = check_document(doc, theory_to_json(theory))
        assert report.ok, (name, report.summary())


def test_run_summary_counts_add_up(runs):
    for name, result in runs.items():
        s = result.summary
        assert s.candidates_surviving == s.redundant + s.proved + s.unproved, name
        assert s.proved == len(result.theorems) and s.unproved == len(result.unproved), name


def _found(result):
    return {e["name"] for e in expect_report(result) if e["found"]}


def test_groups_from_the_left_axioms(runs):
    result = runs["groups"]
    assert _found(result) == {e.name for e in result.theory.expects}
    assert result.unproved == []  # no false candidate left over: every one refuted by a model or the system
    assert result.algebra.complete
    assert set(result.algebra.rules) == GROUP_SYSTEM
    assert 6 in result.summary.model_sizes  # the non-abelian counter-model S3 was found


def test_monoids_and_lattices_prove_every_expected_law(runs):
    for name in ("monoids", "lattices"):
        result = runs[name]
        assert _found(result) == {e.name for e in result.theory.expects}, name


def test_expect_lines_never_steer_and_runs_are_deterministic(runs):
    theory = _theory("groups")
    again = run_engine(strip_expects(theory))
    first = json.loads(dumps(proofs_document(runs["groups"])))
    second = json.loads(dumps(proofs_document(again)))
    assert first["theorems"] == second["theorems"]


def test_algebra_runs_have_no_induction_and_no_constructor_model(runs):
    theory = _theory("groups")
    assert not theory.induction
    assert runs["groups"].algebra is not None
    assert all(t.method == "completion" for t in runs["groups"].theorems)


def test_prove_cli_reports_models_and_warnings(tmp_path, capsys):
    from axiomforge.cli import main

    semigroup = tmp_path / "semigroup.mpl"
    semigroup.write_text("sort S\nfunction mul : S, S -> S infix \"*\"\n"
                         "axiom assoc : forall a b c. (a * b) * c = a * (b * c)\n"
                         "axiom idem : forall a. a * a = a\n")
    code = main(["prove", str(semigroup), "--out", str(tmp_path / "m"), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["check"]["ok"]
    assert data["models"]["sizes"] and data["warnings"] == []
    assert data["completion"]["rules"]
    bad = tmp_path / "bad.mpl"
    bad.write_text("sort G\nconst e : G\nconst u : G\naxiom ne : e != u\naxiom one : forall a b. a = b\n")
    code = main(["prove", str(bad), "--out", str(tmp_path / "b")])
    out = capsys.readouterr().out
    assert "may be inconsistent" in out




def test_prove_warns_on_peano_with_s0_equal_0(tmp_path, capsys):
    """The issue's example: Peano plus `s(0) = 0` runs with a warning, in the table and the JSON."""
    from axiomforge.cli import main

    bad = tmp_path / "peano_bad.mpl"
    bad.write_text((THEORIES / "peano.mpl").read_text(encoding="utf-8").replace("theory peano", "theory peano_bad")
                   + "\naxiom bad : s(0) = 0\n", encoding="utf-8")
    main(["prove", str(bad), "--out", str(tmp_path / "pb"), "--json", "--max-size", "4"])
    data = json.loads(capsys.readouterr().out)
    assert any("may be inconsistent" in w and "violates bad" in w for w in data["warnings"])
    assert any("false is derived" in w for w in data["warnings"])
    main(["prove", str(bad), "--out", str(tmp_path / "pb2"), "--max-size", "4"])
    assert "warning:" in capsys.readouterr().out


def _groups_lean(runs) -> str:
    from axiomforge.proofs.lean_export import export_lean

    doc = json.loads(dumps(proofs_document(runs["groups"])))
    return export_lean(doc, check_document(doc, theory_to_json(runs["groups"].theory)))


def test_completion_proofs_export_to_lean(runs):
    import re

    text = _groups_lean(runs)
    assert len(re.findall(r"^theorem ", text, re.MULTILINE)) == len(runs["groups"].theorems)
    assert not re.search(r"\b(sorry|admit)\b", text.split("-/", 1)[1])
    assert text.count("(") == text.count(")")


@pytest.mark.lean
def test_lean_accepts_the_groups_export(runs, tmp_path):
    import subprocess

    from axiomforge.lean.toolchain import find_lean_toolchain

    toolchain = find_lean_toolchain()
    assert toolchain is not None
    path = tmp_path / "Groups.lean"
    path.write_text(_groups_lean(runs), encoding="utf-8")
    proc = subprocess.run([str(toolchain.lean), str(path)], capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
