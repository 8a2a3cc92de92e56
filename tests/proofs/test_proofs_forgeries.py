"""Issue 12's forgeries, by hand: a schema without a base case, a notation table that shows
other statements than the ones checked, and what the HTML site shows with and without the
theory file."""

from __future__ import annotations

import copy
import html
import json
import re
from pathlib import Path
from typing import Any

from axiomforge.cli import main
from axiomforge.proofs.checker import check_document
from axiomforge.proofs.notation import Printer
from axiomforge.proofs.site import write_site

DATA = Path(__file__).resolve().parent / "data"
UNCHECKED_NOTE = "Not checked against a theory file"

N = "N"


def v(x: str) -> dict[str, Any]:
    return {"v": x, "s": N}


def f(name: str, *args: dict[str, Any]) -> dict[str, Any]:
    return {"f": name, "a": list(args)}


def eq(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    return {"op": "=", "a": [a, b]}


def neg(a: dict[str, Any]) -> dict[str, Any]:
    return {"op": "not", "a": [a]}


def forall(x: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"op": "forall", "var": [x, N], "a": [body]}


def baseless_schema_forgery(theory: dict[str, Any]) -> dict[str, Any]:
    """`induction N : s` and a proof of ∀a. s(a) = 0: induction proves ∀x. ¬(x = x) from the
    step case alone (¬(y = y) → ¬(s(y) = s(y)) holds vacuously), and ¬(0 = 0) gives anything."""
    theory = copy.deepcopy(theory)
    theory["induction"] = [{"sort": N, "constructors": [{"name": "s", "args": [N]}]}]
    y, zero = v("y1"), f("zero")
    goal = forall("a", eq(f("s", v("a")), zero))
    steps = [
        {"id": 1, "rule": "assume", "formula": neg(eq(y, y))},
        {"id": 2, "rule": "refl", "formula": eq(y, y)},
        {"id": 3, "rule": "not_elim", "formula": {"op": "false"}, "premises": [1, 2]},
        {"id": 4, "rule": "false_elim", "formula": neg(eq(f("s", y), f("s", y))), "premises": [3]},
        {"id": 5, "rule": "imp_intro", "formula": {"op": "implies", "a": [neg(eq(y, y)), neg(eq(f("s", y), f("s", y)))]},
         "premises": [4], "discharges": 1},
        {"id": 6, "rule": "gen", "var": ["y1", N], "premises": [5],
         "formula": forall("y1", {"op": "implies", "a": [neg(eq(y, y)), neg(eq(f("s", y), f("s", y)))]})},
        {"id": 7, "rule": "induction", "var": ["x", N], "formula": forall("x", neg(eq(v("x"), v("x")))), "premises": [6]},
        {"id": 8, "rule": "inst", "subst": {"x": zero}, "formula": neg(eq(zero, zero)), "premises": [7]},
        {"id": 9, "rule": "refl", "formula": eq(zero, zero)},
        {"id": 10, "rule": "not_elim", "formula": {"op": "false"}, "premises": [8, 9]},
        {"id": 11, "rule": "false_elim", "formula": goal, "premises": [10]},
    ]  # fmt: skip
    thm = {"name": "succ_eq_zero", "statement": goal, "method": "induction", "cites": [], "steps": steps}
    return {"format": "axiomforge-proofs", "version": 1, "theory": theory, "theorems": [thm]}


def test_a_schema_without_base_constructor_is_rejected_without_the_theory_file(engine_theories):
    doc = baseless_schema_forgery(engine_theories["peano"])
    for theory in (None, engine_theories["peano"]):
        report = check_document(doc, theory)
        assert not report.ok and report.checked == ()
        failure = report.failure_for("succ_eq_zero")
        assert failure is not None and failure.step == 7, report.failures
    alone = check_document(doc)
    assert "no base constructor" in alone.failures[0].reason and alone.failures[0].theorem is None
    assert "no base constructor" in alone.failure_for("succ_eq_zero").reason


def _swapped(doc: dict[str, Any]) -> dict[str, Any]:
    """The notation of 0 and 1 swapped, and the symbols of + and *: true theorems read false."""
    doc = copy.deepcopy(doc)
    fns = {fn["name"]: fn for fn in doc["theory"]["functions"]}
    fns["zero"]["notation"], fns["one"]["notation"] = fns["one"]["notation"], fns["zero"]["notation"]
    fns["add"]["infix"], fns["mul"]["infix"] = fns["mul"]["infix"], fns["add"]["infix"]
    return doc


def test_a_notation_swap_is_rejected_against_the_theory_file(tmp_path, repo_root, capsys):
    doc = _swapped(json.loads((DATA / "peano.proofs.json").read_text()))
    path = tmp_path / "proofs.json"
    path.write_text(json.dumps(doc))
    assert main(["check", str(path), "--theory", str(repo_root / "theories" / "peano.mpl")]) == 1
    out = capsys.readouterr().out
    assert "notation differs from the theory file's: function" in out
    assert main(["check", str(path)]) == 0  # alone, the document is only consistent with itself
    capsys.readouterr()


def test_html_with_the_theory_file_shows_its_notation_and_checks(tmp_path, repo_root, capsys):
    doc = _swapped(json.loads((DATA / "peano.proofs.json").read_text()))
    path = tmp_path / "proofs.json"
    path.write_text(json.dumps(doc))
    mpl = str(repo_root / "theories" / "peano.mpl")
    assert main(["html", str(path), "--out", str(tmp_path / "site"), "--theory", mpl]) == 0
    index = (tmp_path / "site" / "index.html").read_text()
    from axiomforge.commands.proofs import theory_section

    honest, forged = Printer(theory_section(mpl)), Printer(doc["theory"])
    zero_add = next(t for t in doc["theorems"] if honest.show(t["statement"]) == "∀a. 0 + a = a")
    assert forged.show(zero_add["statement"]) == "∀a. 1 * a = a"  # what the forger wanted shown
    assert "∀a. 0 + a = a" in index
    shown = [html.unescape(x) for x in re.findall(r'<td class="formula">(.*?)</td>', index)]
    assert shown == [honest.show(t["statement"]) for t in doc["theorems"]]
    assert shown != [forged.show(t["statement"]) for t in doc["theorems"]]
    assert "Document rejected: the document&#39;s notation differs" in index
    assert UNCHECKED_NOTE not in index


def test_html_without_the_theory_file_says_so_on_every_page_and_shows_no_tick(tmp_path, capsys):
    assert main(["html", str(DATA / "peano.proofs.json"), "--out", str(tmp_path)]) == 0
    pages = sorted(tmp_path.glob("*.html"))
    assert len(pages) > 5
    for page in pages:
        text = page.read_text()
        assert UNCHECKED_NOTE in text, page.name
        assert "✓" not in text, page.name
    assert "○" in (tmp_path / "index.html").read_text()


def test_prove_html_renders_against_the_theory_file(tmp_path, repo_root, capsys):
    assert main(["prove", str(repo_root / "theories" / "peano.mpl"), "--out", str(tmp_path), "--html"]) == 0
    capsys.readouterr()
    index = (tmp_path / "html" / "index.html").read_text()
    assert UNCHECKED_NOTE not in index and "○" not in index
    doc = json.loads((tmp_path / "proofs.json").read_text())
    assert len(re.findall(r'title="re-checked against the theory file">✓', index)) == len(doc["theorems"])


def test_site_ticks_only_what_was_checked_against_the_file(hand_doc, hand_theory, tmp_path):
    write_site(hand_doc, tmp_path / "with", theory_file=hand_theory)
    write_site(hand_doc, tmp_path / "without")
    assert "✓" in (tmp_path / "with" / "index.html").read_text()
    assert "✓" not in (tmp_path / "without" / "index.html").read_text()


def test_lean_export_against_the_theory_file_refuses_a_tampered_document(tmp_path, repo_root, capsys):
    mpl = str(repo_root / "theories" / "peano.mpl")
    path = tmp_path / "proofs.json"
    path.write_text(json.dumps(_swapped(json.loads((DATA / "peano.proofs.json").read_text()))))
    assert main(["lean-export", str(path), "--theory", mpl, "-o", str(tmp_path / "out.lean")]) == 2
    assert "notation differs" in capsys.readouterr().err and not (tmp_path / "out.lean").exists()
    assert main(["lean-export", str(DATA / "peano.proofs.json"), "--theory", mpl, "-o", str(tmp_path / "ok.lean")]) == 0
    assert (tmp_path / "ok.lean").read_text().count("\ntheorem ") == len(json.loads((DATA / "peano.proofs.json")
                                                                                  .read_text())["theorems"])
