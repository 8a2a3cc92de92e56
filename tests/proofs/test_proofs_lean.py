"""Lean 4 export: structure here; a real Lean toolchain checks it where one exists (marker lean)."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest

from axiomforge.lean.toolchain import find_lean_toolchain
from axiomforge.proofs.builder import Proof, app, document, eq, forall, theorem, var
from axiomforge.proofs.checker import check_document
from axiomforge.proofs.lean_export import LEAN_KEYWORDS, declared_names, export_lean

LEAN_CORE = {
    "Type", "Prop", "True", "False", "rfl", "absurd", "fun", "by", "have", "exact", "theorem", "axiom",
    "namespace", "end", "Eq.subst", "Eq.symm", "Eq.trans", "False.elim", "And.intro", "And.left", "And.right",
    "Or.inl", "Or.inr", "Or.elim", "Iff.intro", "Iff.mp", "Iff.mpr", "Exists.intro", "Exists.elim", "motive",
}  # fmt: skip
IDENT = r"[A-Za-z_][A-Za-z0-9_'.]*"


def _structure(text: str, doc: dict[str, Any]) -> None:
    """The checks a Lean-less machine can make on an exported file."""
    report = check_document(doc)
    assert len(re.findall(r"^theorem ", text, re.MULTILINE)) == len(report.checked)
    assert not re.search(r"\b(sorry|admit)\b", text.split("-/", 1)[1])
    for opening, closing in ("()", "{}", "[]"):
        assert text.count(opening) == text.count(closing)
    for line in text.splitlines():
        depth = 0
        for ch in line:
            depth += {"(": 1, ")": -1}.get(ch, 0)
            assert depth >= 0, line
        assert depth == 0, line
    names = list(declared_names(text))
    assert len(names) == len(set(names))
    for name in names:
        assert re.fullmatch(IDENT, name) and name not in LEAN_KEYWORDS and not name.endswith(".")
    # every identifier is declared earlier, bound locally, or core Lean
    declared: set[str] = set()
    body = text.split("-/", 1)[1]
    for line in body.splitlines():
        line = line.split("  -- ", 1)[0]
        if line.startswith("--") or not line.strip() or line.startswith(("namespace ", "end ")):
            continue
        bound = set(re.findall(r"\((" + IDENT + r") :", line)) | set(re.findall(r"have (h_\d+)", line))
        bound |= set(re.findall(r"fun ((?:" + IDENT + r" )+)=>", line)[0].split() if "fun z_" in line else [])
        decl = re.match(r"^(?:axiom|theorem) (" + IDENT + ")", line)
        rest = line[decl.end():] if decl else line
        for ident in re.findall(IDENT, rest):
            if ident in LEAN_CORE or ident in bound or re.fullmatch(r"(h|hyp|z)_\d+", ident) or ident == "_":
                continue
            if ident.startswith("case_"):
                continue
            assert ident in declared, (ident, line[:120])
        if decl:
            declared.add(decl.group(1))


@pytest.mark.parametrize("name", ["peano", "lists", "peano_order"])
def test_engine_export_structure(engine_docs, name):
    doc = engine_docs[name]
    text = export_lean(doc)
    _structure(text, doc)
    assert f"namespace {name.title().replace('_', '')}" in text
    for thm in doc["theorems"]:
        assert re.search(rf"^theorem {re.escape(thm['name'])} : ", text, re.MULTILINE)
    assert text == export_lean(doc)  # deterministic


def test_hand_export_uses_every_rule_translation(hand_doc):
    text = export_lean(hand_doc)
    _structure(text, hand_doc)
    for core in ("Eq.subst", "Eq.symm", "Eq.trans", "absurd", "False.elim", "And.intro", "And.right", "Or.inl",
                 "Or.inr", "Or.elim", "Iff.intro", "Iff.mp", "Exists.intro", "Exists.elim", "@N.ind"):  # fmt: skip
        assert core in text, core
    assert "axiom N.ind {motive : N → Prop} (case_zero : motive zero) (case_s : ∀ (z_1 : N), motive z_1 → motive (s z_1))" in text
    assert "axiom add_succ : ∀ (a : N), ∀ (b : N), (add a (s b)) = (s (add a b))" in text
    assert "axiom one_def : one = (s zero)  -- definition" in text
    assert "theorem add_comm : ∀ (a : N), ∀ (b : N), (add a b) = (add b a) := by" in text


def test_rejected_theorems_are_not_exported(hand_doc):
    hand_doc["theorems"][3]["steps"][0]["ref"] = "nope"
    text = export_lean(hand_doc)
    assert "theorem succ_ne_self" not in text and "Not exported (rejected by the checker): succ_ne_self" in text
    _structure(text, hand_doc)


def test_awkward_names_become_valid_distinct_identifiers(hand_doc):
    # a theorem named like a keyword, a variable named like a function, a name with odd characters
    thm = hand_doc["theorems"][0]
    thm["name"] = "fun"
    for later in hand_doc["theorems"]:
        later["cites"] = ["fun" if c == "add_zero_left" else c for c in later["cites"]]
        for step in later["steps"]:
            if step.get("ref") == "add_zero_left":
                step["ref"] = "fun"
    hand_doc["theorems"][3]["name"] = "succ ≠ self!"
    pr = Proof()
    sv = var("s", "N")
    r = pr.add("refl", eq(app("s", sv), app("s", sv)))
    pr.add("gen", forall("s", "N", eq(app("s", sv), app("s", sv))), (r,), var=["s", "N"])
    hand_doc["theorems"].append(theorem("h_1", forall("s", "N", eq(app("s", sv), app("s", sv))), pr, "direct"))
    assert check_document(hand_doc).ok
    text = export_lean(hand_doc)
    _structure(text, hand_doc)
    assert "theorem fun_ :" in text and "theorem succ___self_ :" in text
    assert "theorem h_1_ : ∀ (s' : N), (s s') = (s s')" in text


def test_dangling_variables_get_a_witness():
    # trans through a middle term with a variable that appears nowhere else
    theory = {"name": "t", "sorts": ["E"], "functions": [{"name": "f", "args": ["E"], "result": "E"}],
              "relations": [], "axioms": [{"name": "const_f", "kind": "axiom",
                                           "formula": forall("x", "E", forall("y", "E", eq(app("f", var("x", "E")), app("f", var("y", "E")))))}],
              "induction": []}  # fmt: skip
    x, y, m = var("x", "E"), var("y", "E"), var("m", "E")
    pr = Proof()
    ax = pr.add("axiom", theory["axioms"][0]["formula"], ref="const_f")
    e1 = pr.add("inst", eq(app("f", x), app("f", m)), (ax,), subst={"x": x, "y": m})
    e2 = pr.add("inst", eq(app("f", m), app("f", y)), (ax,), subst={"x": m, "y": y})
    e3 = pr.add("trans", eq(app("f", x), app("f", y)), (e1, e2))
    g1 = pr.add("gen", forall("y", "E", pr.formula(e3)), (e3,), var=["y", "E"])
    stmt = forall("x", "E", pr.formula(g1))
    pr.add("gen", stmt, (g1,), var=["x", "E"])
    doc = document(theory, [theorem("f_const", stmt, pr, "direct")])
    assert check_document(doc).ok
    text = export_lean(doc)
    _structure(text, doc)
    assert "axiom E.inhabited : E" in text and "Eq.trans (h_2 E.inhabited x) (h_3 E.inhabited y)" in text


@pytest.mark.lean
@pytest.mark.slow
@pytest.mark.parametrize("name", ["peano", "lists", "peano_order"])
def test_lean_accepts_the_export(engine_docs, tmp_path, name):
    toolchain = find_lean_toolchain()
    assert toolchain is not None
    path = tmp_path / f"{name.capitalize()}.lean"
    path.write_text(export_lean(engine_docs[name]))
    proc = subprocess.run([str(toolchain.lean), str(path)], capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "sorry" not in proc.stdout
