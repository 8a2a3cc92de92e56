"""Hand-written Peano proofs in the proofs.json format: the checker's permanent known-good input.

Written with axiomforge.proofs.builder, independently of the engine, so the checker, the site and
the Lean export have valid documents to work on whatever the engine produces.
"""

from __future__ import annotations

import json

from axiomforge.proofs.builder import (
    J,
    Proof,
    app,
    binary,
    document,
    eq,
    exists,
    false,
    forall,
    implies,
    neg,
    theorem,
    var,
)

N = "N"
a, b, c, n, p, q, y = (var(x, N) for x in "abcnpqy")
zero = app("zero")


def s(t: J) -> J:
    return app("s", t)


def add(x: J, z: J) -> J:
    return app("add", x, z)


def mul(x: J, z: J) -> J:
    return app("mul", x, z)


def peano_theory() -> J:
    return _fresh(_peano_theory())


def _peano_theory() -> J:
    axioms = {
        "succ_ne_zero": forall("n", N, neg(eq(s(n), zero))),
        "succ_inj": forall("a", N, forall("b", N, implies(eq(s(a), s(b)), eq(a, b)))),
        "add_zero": forall("a", N, eq(add(a, zero), a)),
        "add_succ": forall("a", N, forall("b", N, eq(add(a, s(b)), s(add(a, b))))),
        "mul_zero": forall("a", N, eq(mul(a, zero), zero)),
        "mul_succ": forall("a", N, forall("b", N, eq(mul(a, s(b)), add(mul(a, b), a)))),
        "one_def": eq(app("one"), s(zero)),
    }
    return {
        "name": "peano",
        "source": "theories/peano.mpl",
        "source_sha256": "0" * 64,
        "sorts": [N],
        "functions": [
            {"name": "zero", "args": [], "result": N, "infix": None, "notation": "0"},
            {"name": "s", "args": [N], "result": N, "infix": None},
            {"name": "add", "args": [N, N], "result": N, "infix": "+"},
            {"name": "mul", "args": [N, N], "result": N, "infix": "*"},
            {"name": "one", "args": [], "result": N, "infix": None, "notation": "1"},
        ],
        "relations": [],
        "axioms": [
            {"name": k, "kind": "definition" if k.endswith("_def") else "axiom", "formula": f}
            for k, f in axioms.items()
        ],
        "induction": [{"sort": N, "constructors": [{"name": "zero", "args": []}, {"name": "s", "args": [N]}]}],
    }


def _add_zero_left() -> J:
    # ∀a. 0 + a = a, by induction on a
    pr = Proof()
    ax0 = pr.add("axiom", forall("a", N, eq(add(a, zero), a)), ref="add_zero")
    base = pr.add("inst", eq(add(zero, zero), zero), (ax0,), subst={"a": zero})
    ih = pr.add("assume", eq(add(zero, n), n))
    axs = pr.add("axiom", forall("a", N, forall("b", N, eq(add(a, s(b)), s(add(a, b))))), ref="add_succ")
    e1 = pr.add("inst", eq(add(zero, s(n)), s(add(zero, n))), (axs,), subst={"a": zero, "b": n})
    e2 = pr.add("rewrite", eq(add(zero, s(n)), s(n)), (ih, e1), path=[1, 0])
    imp = pr.add("imp_intro", implies(eq(add(zero, n), n), eq(add(zero, s(n)), s(n))), (e2,), discharges=ih)
    step = pr.add("gen", forall("n", N, pr.formula(imp)), (imp,), var=["n", N])
    stmt = forall("a", N, eq(add(zero, a), a))
    pr.add("induction", stmt, (base, step), var=["a", N])
    return theorem("add_zero_left", stmt, pr, "induction on a", 0.01)


def _add_succ_left() -> J:
    # ∀a b. s(a) + b = s(a + b), by induction on b
    pr = Proof()
    ax0 = pr.add("axiom", forall("a", N, eq(add(a, zero), a)), ref="add_zero")
    e1 = pr.add("inst", eq(add(s(a), zero), s(a)), (ax0,), subst={"a": s(a)})
    e2 = pr.add("inst", eq(add(a, zero), a), (ax0,), subst={"a": a})
    e3 = pr.add("symm", eq(a, add(a, zero)), (e2,))
    base = pr.add("rewrite", eq(add(s(a), zero), s(add(a, zero))), (e3, e1), path=[1, 0])
    ih = pr.add("assume", eq(add(s(a), n), s(add(a, n))))
    axs = pr.add("axiom", forall("a", N, forall("b", N, eq(add(a, s(b)), s(add(a, b))))), ref="add_succ")
    f1 = pr.add("inst", eq(add(s(a), s(n)), s(add(s(a), n))), (axs,), subst={"a": s(a), "b": n})
    f2 = pr.add("rewrite", eq(add(s(a), s(n)), s(s(add(a, n)))), (ih, f1), path=[1, 0])
    f3 = pr.add("inst", eq(add(a, s(n)), s(add(a, n))), (axs,), subst={"a": a, "b": n})
    f4 = pr.add("symm", eq(s(add(a, n)), add(a, s(n))), (f3,))
    f5 = pr.add("rewrite", eq(add(s(a), s(n)), s(add(a, s(n)))), (f4, f2), path=[1, 0])
    imp = pr.add("imp_intro", implies(pr.formula(ih), pr.formula(f5)), (f5,), discharges=ih)
    step = pr.add("gen", forall("n", N, pr.formula(imp)), (imp,), var=["n", N])
    inner = forall("b", N, eq(add(s(a), b), s(add(a, b))))
    ind = pr.add("induction", inner, (base, step), var=["b", N])
    stmt = forall("a", N, inner)
    pr.add("gen", stmt, (ind,), var=["a", N])
    return theorem("add_succ_left", stmt, pr, "induction on b", 0.02)


def _add_comm() -> J:
    # ∀a b. a + b = b + a, by induction on b, citing the two lemmas
    pr = Proof()
    ax0 = pr.add("axiom", forall("a", N, eq(add(a, zero), a)), ref="add_zero")
    e1 = pr.add("inst", eq(add(a, zero), a), (ax0,), subst={"a": a})
    l0 = pr.add("theorem", forall("a", N, eq(add(zero, a), a)), ref="add_zero_left")
    e2 = pr.add("inst", eq(add(zero, a), a), (l0,), subst={"a": a})
    e3 = pr.add("symm", eq(a, add(zero, a)), (e2,))
    base = pr.add("trans", eq(add(a, zero), add(zero, a)), (e1, e3))
    ih = pr.add("assume", eq(add(a, n), add(n, a)))
    axs = pr.add("axiom", forall("a", N, forall("b", N, eq(add(a, s(b)), s(add(a, b))))), ref="add_succ")
    f1 = pr.add("inst", eq(add(a, s(n)), s(add(a, n))), (axs,), subst={"a": a, "b": n})
    f2 = pr.add("rewrite", eq(add(a, s(n)), s(add(n, a))), (ih, f1), path=[1, 0])
    l1 = pr.add("theorem", forall("a", N, forall("b", N, eq(add(s(a), b), s(add(a, b))))), ref="add_succ_left")
    f3 = pr.add("inst", eq(add(s(n), a), s(add(n, a))), (l1,), subst={"a": n, "b": a})
    f4 = pr.add("symm", eq(s(add(n, a)), add(s(n), a)), (f3,))
    f5 = pr.add("trans", eq(add(a, s(n)), add(s(n), a)), (f2, f4))
    imp = pr.add("imp_intro", implies(pr.formula(ih), pr.formula(f5)), (f5,), discharges=ih)
    step = pr.add("gen", forall("n", N, pr.formula(imp)), (imp,), var=["n", N])
    inner = forall("b", N, eq(add(a, b), add(b, a)))
    ind = pr.add("induction", inner, (base, step), var=["b", N])
    stmt = forall("a", N, inner)
    pr.add("gen", stmt, (ind,), var=["a", N])
    return theorem("add_comm", stmt, pr, "induction on b", 0.05)


def _succ_ne_self() -> J:
    # ∀a. s(a) ≠ a, by induction on a with not_intro
    pr = Proof()
    ax = pr.add("axiom", forall("n", N, neg(eq(s(n), zero))), ref="succ_ne_zero")
    base = pr.add("inst", neg(eq(s(zero), zero)), (ax,), subst={"n": zero})
    ih = pr.add("assume", neg(eq(s(n), n)))
    h = pr.add("assume", eq(s(s(n)), s(n)))
    inj = pr.add("axiom", forall("a", N, forall("b", N, implies(eq(s(a), s(b)), eq(a, b)))), ref="succ_inj")
    i1 = pr.add("inst", implies(eq(s(s(n)), s(n)), eq(s(n), n)), (inj,), subst={"a": s(n), "b": n})
    m = pr.add("mp", eq(s(n), n), (i1, h))
    bottom = pr.add("not_elim", false(), (ih, m))
    ni = pr.add("not_intro", neg(eq(s(s(n)), s(n))), (bottom,), discharges=h)
    imp = pr.add("imp_intro", implies(pr.formula(ih), pr.formula(ni)), (ni,), discharges=ih)
    step = pr.add("gen", forall("n", N, pr.formula(imp)), (imp,), var=["n", N])
    stmt = forall("a", N, neg(eq(s(a), a)))
    pr.add("induction", stmt, (base, step), var=["a", N])
    return theorem("succ_ne_self", stmt, pr, "induction on a", 0.01)


def _zero_or_succ_body(x: J) -> J:
    return binary("or", eq(x, zero), exists("p", N, eq(x, s(p))))


def _zero_or_succ() -> J:
    # ∀a. a = 0 ∨ ∃p. a = s(p), by cases on a
    pr = Proof()
    r0 = pr.add("refl", eq(zero, zero))
    case0 = pr.add("or_intro", _zero_or_succ_body(zero), (r0,), side=0)
    r1 = pr.add("refl", eq(s(y), s(y)))
    ex = pr.add("exists_intro", exists("p", N, eq(s(y), s(p))), (r1,), var=["p", N], term=y)
    body = pr.add("or_intro", _zero_or_succ_body(s(y)), (ex,), side=1)
    case1 = pr.add("gen", forall("y", N, _zero_or_succ_body(s(y))), (body,), var=["y", N])
    stmt = forall("a", N, _zero_or_succ_body(a))
    pr.add("cases", stmt, (case0, case1), var=["a", N])
    return theorem("zero_or_succ", stmt, pr, "cases on a", 0.01)


def _nonzero_iff_succ() -> J:
    # ∀a. ¬(a = 0) ↔ ∃p. a = s(p): or_elim, false_elim, exists_elim, iff_intro
    pr = Proof()
    is_succ = exists("p", N, eq(a, s(p)))
    h = pr.add("assume", neg(eq(a, zero)))
    zs = pr.add("theorem", forall("a", N, _zero_or_succ_body(a)), ref="zero_or_succ")
    d = pr.add("inst", _zero_or_succ_body(a), (zs,), subst={"a": a})
    ha = pr.add("assume", eq(a, zero))
    bot = pr.add("not_elim", false(), (h, ha))
    left = pr.add("false_elim", is_succ, (bot,))
    hb = pr.add("assume", is_succ)
    both = pr.add("or_elim", is_succ, (d, left, hb), discharges=[ha, hb])
    forward = pr.add("imp_intro", implies(neg(eq(a, zero)), is_succ), (both,), discharges=h)
    he = pr.add("assume", is_succ)
    hq = pr.add("assume", eq(a, s(q)))
    hz = pr.add("assume", eq(a, zero))
    r = pr.add("rewrite", eq(s(q), zero), (hq, hz), path=[0])
    ax = pr.add("axiom", forall("n", N, neg(eq(s(n), zero))), ref="succ_ne_zero")
    nq = pr.add("inst", neg(eq(s(q), zero)), (ax,), subst={"n": q})
    bot2 = pr.add("not_elim", false(), (nq, r))
    nz = pr.add("not_intro", neg(eq(a, zero)), (bot2,), discharges=hz)
    el = pr.add("exists_elim", neg(eq(a, zero)), (he, nz), discharges=hq, var=["q", N])
    backward = pr.add("imp_intro", implies(is_succ, neg(eq(a, zero))), (el,), discharges=he)
    iff = pr.add("iff_intro", binary("iff", neg(eq(a, zero)), is_succ), (forward, backward))
    conj = pr.add("and_intro", binary("and", pr.formula(iff), pr.formula(iff)), (iff, iff))
    back = pr.add("and_elim", pr.formula(iff), (conj,), side=1)
    stmt = forall("a", N, binary("iff", neg(eq(a, zero)), exists("p", N, eq(a, s(p)))))
    pr.add("gen", stmt, (back,), var=["a", N])
    return theorem("nonzero_iff_succ", stmt, pr, "direct", 0.02)


def _mul_one() -> J:
    # ∀a. a * 1 = a, using the definition of one; iff_elim and mp on the way
    pr = Proof()
    one_def = pr.add("axiom", eq(app("one"), s(zero)), ref="one_def")
    ms = pr.add("axiom", forall("a", N, forall("b", N, eq(mul(a, s(b)), add(mul(a, b), a)))), ref="mul_succ")
    e1 = pr.add("inst", eq(mul(a, s(zero)), add(mul(a, zero), a)), (ms,), subst={"a": a, "b": zero})
    mz = pr.add("axiom", forall("a", N, eq(mul(a, zero), zero)), ref="mul_zero")
    e2 = pr.add("inst", eq(mul(a, zero), zero), (mz,), subst={"a": a})
    e3 = pr.add("rewrite", eq(mul(a, s(zero)), add(zero, a)), (e2, e1), path=[1, 0])
    lz = pr.add("theorem", forall("a", N, eq(add(zero, a), a)), ref="add_zero_left")
    e4 = pr.add("inst", eq(add(zero, a), a), (lz,), subst={"a": a})
    e5 = pr.add("trans", eq(mul(a, s(zero)), a), (e3, e4))
    back = pr.add("symm", eq(s(zero), app("one")), (one_def,))
    e6 = pr.add("rewrite", eq(mul(a, app("one")), a), (back, e5), path=[0, 1])
    iff = pr.add("iff_intro", binary("iff", pr.formula(e6), pr.formula(e6)),
                 (pr.add("imp_intro", implies(pr.formula(e6), pr.formula(e6)), (e6,),
                         discharges=pr.add("assume", pr.formula(e6))),) * 2)  # fmt: skip
    fwd = pr.add("iff_elim", implies(pr.formula(e6), pr.formula(e6)), (iff,), side=0)
    res = pr.add("mp", pr.formula(e6), (fwd, e6))
    stmt = forall("a", N, eq(mul(a, app("one")), a))
    pr.add("gen", stmt, (res,), var=["a", N])
    return theorem("mul_one", stmt, pr, "direct", 0.01)


def peano_document() -> J:
    """A valid document: seven Peano theorems covering every rule of the checker (a fresh copy,
    sharing no objects with other calls, so tests may change it)."""
    thms = [_add_zero_left(), _add_succ_left(), _add_comm(), _succ_ne_self(), _zero_or_succ(),
            _nonzero_iff_succ(), _mul_one()]  # fmt: skip
    return _fresh(document(peano_theory(), thms, seconds=0.13))


def _fresh(value: J) -> J:
    return dict(json.loads(json.dumps(value)))
