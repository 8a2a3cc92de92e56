"""Lean 4 export of checked proofs: core Lean only, no Mathlib, no `sorry`.

The theory becomes declarations in a namespace: each sort `axiom N : Type`, each function and
relation an `axiom` constant, each MPL axiom an `axiom` of its formula, and each induction schema
an axiom `N.ind {motive : N → Prop} (case_c : …) … : ∀ x, motive x`. Every theorem that the
checker accepts becomes one `theorem` whose tactic block has one `have` per step of our proof:

    have h_7 : ∀ (a : N) …, A₁ → … → F₇ := fun (a : N) … (hyp_3 : A₁) … => <term for the rule>

Each step is stated closed over its free variables and open assumptions, so steps can be reused
anywhere, exactly as the checker reads them. Rules map to core terms: `Eq.symm`, `Eq.trans`,
`Eq.subst` with an explicit motive for rewrite at a path, `absurd`, `False.elim`, `And.intro`,
`Or.elim`, `Iff.intro`, `Exists.intro`, `Exists.elim`, application for modus ponens and `inst`,
`fun` for `gen`, `imp_intro` and `not_intro`, and the induction axiom with an explicit motive
(`cases` uses the same axiom, ignoring the hypotheses).

Nothing from the document reaches the file unchecked: every identifier is rebuilt from
[A-Za-z0-9_'] (never a Lean keyword nor a name the proof terms use), and every name or text in a
comment goes through `_comment`, which escapes line breaks and other non-printing characters and
defuses `/-` and `-/`, so a name such as "x\n#eval …" stays inside its comment.

A variable that occurs in a premise but in neither the conclusion nor an open assumption (the
middle term of `trans`, say) is instantiated with a constant of its sort; a sort without
constants then gets `axiom S.inhabited : S` — first-order logic assumes non-empty domains.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from axiomforge.errors import UserError
from axiomforge.proofs.checker import CheckReport, check_document
from axiomforge.proofs.syntax import (
    BINARY_OPS,
    Formula,
    Term,
    VarKey,
    free_vars,
    read_formula,
    read_term,
    read_var,
    replace_at,
    subst,
)


class LeanExportError(UserError):
    """The document as a whole is rejected by the checker (bad format or theory)."""


LEAN_KEYWORDS = frozenset(
    ["abbrev", "at", "attribute", "axiom", "by", "calc", "catch", "class", "def", "deriving", "do", "else", "end", "example", "exists", "export", "extends", "false", "fin", "finally", "for", "forall", "fun", "have", "if", "import", "in", "inductive", "infix", "infixl", "infixr", "instance", "let", "local", "macro", "match", "motive", "mut", "mutual", "namespace", "noncomputable", "nomatch", "nofun", "notation", "obtain", "open", "opaque", "partial", "postfix", "prefix", "private", "protected", "return", "scoped", "section", "set_option", "show", "sorry", "admit", "structure", "suffices", "syntax", "then", "theorem", "this", "true", "try", "Type", "Prop", "Sort", "universe", "unless", "unsafe", "variable", "where", "with", "True", "False", "Not", "And", "Or", "Iff", "Eq", "Exists",
     "rfl", "absurd"]
)
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_']*$")
_LOCAL = re.compile(r"^(h|hyp|z)_\d+$")


def _sanitize(name: str) -> str:
    """A plain ASCII Lean identifier for any string (the validation every emitted name passes)."""
    out = re.sub(r"[^A-Za-z0-9_']", "_", name) or "x"
    if not re.match(r"[A-Za-z]", out):  # not a digit, a prime, or `_` (a hole) first
        out = "x" + out
    assert _IDENT.match(out), out
    return out


class _Names:
    """Distinct Lean identifiers for everything the document names."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.table: dict[tuple[str, str], str] = {}

    def add(self, kind: str, name: str, suffix: str = "_") -> str:
        key = (kind, name)
        if key in self.table:
            return self.table[key]
        candidate = _sanitize(name)
        while candidate in self.taken or candidate in LEAN_KEYWORDS or _LOCAL.match(candidate):
            candidate += suffix
        self.taken.add(candidate)
        self.table[key] = candidate
        return candidate

    def __getitem__(self, key: tuple[str, str]) -> str:
        return self.table[key]


def lean_name_for_theory(name: str) -> str:
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", name) if p]
    out = "".join(p[:1].upper() + p[1:] for p in parts) or "Theory"
    return out if re.match(r"[A-Za-z]", out) else "T" + out


class _Lean:
    """Printing terms and formulas as Lean, with witnesses for variables out of scope."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        theory = doc["theory"]
        self.names = _Names()
        self.sorts = [str(s) for s in theory.get("sorts", [])]
        for s in self.sorts:
            self.names.add("sort", s)
        self.functions = [(str(f["name"]), [str(a) for a in f.get("args", [])], str(f["result"]))
                          for f in theory.get("functions", [])]  # fmt: skip
        for f, _, _ in self.functions:
            self.names.add("fn", f)
        self.relations = [(str(r["name"]), [str(a) for a in r.get("args", [])]) for r in theory.get("relations", [])]
        for r, _ in self.relations:
            self.names.add("rel", r)
        self.axioms = [(str(a["name"]), str(a.get("kind")), read_formula(a["formula"])) for a in theory.get("axioms", [])]
        for a, _, _ in self.axioms:
            self.names.add("ax", a)
        self.induction = [(str(i["sort"]), [(str(c["name"]), [str(x) for x in c.get("args", [])])
                                            for c in i["constructors"]]) for i in theory.get("induction", [])]  # fmt: skip
        for sort, _ in self.induction:
            self.table_ind = self.names.add("ind", sort)  # reserve a base name; the real name is S.ind
        self.var_names: dict[str, str] = {}
        self.needed_witness: set[str] = set()

    # ---------------------------------------------------------- names

    def var(self, name: str) -> str:
        if name not in self.var_names:
            candidate = _sanitize(name)
            used = set(self.var_names.values())
            while (candidate in self.names.taken or candidate in LEAN_KEYWORDS or _LOCAL.match(candidate)
                   or candidate in used or candidate in ("motive",)):  # fmt: skip
                candidate += "'"
            self.var_names[name] = candidate
        return self.var_names[name]

    def sort(self, sort: str) -> str:
        return self.names["sort", sort]

    def ind(self, sort: str) -> str:
        return f"{self.sort(sort)}.ind"

    def witness(self, sort: str) -> str:
        for f, args, result in self.functions:
            if not args and result == sort:
                return self.names["fn", f]
        self.needed_witness.add(sort)
        return f"{self.sort(sort)}.inhabited"

    # ---------------------------------------------------------- terms and formulas

    def term(self, term: Term, scope: set[VarKey] | None, holes: Mapping[VarKey, str] | None = None) -> str:
        if term[0] == "v":
            key = (term[1], term[2])
            if holes and key in holes:
                return holes[key]
            if scope is not None and key not in scope:
                return self.witness(term[2])
            return self.var(term[1])
        head = self.names["fn", term[1]]
        if not term[2]:
            return head
        return "(" + " ".join([head, *(self.term(a, scope, holes) for a in term[2])]) + ")"

    def formula(self, f: Formula, scope: set[VarKey] | None, holes: Mapping[VarKey, str] | None = None) -> str:
        """Lean text of `f`; free variables outside `scope` (when given) become witnesses."""
        op = f[0]
        if op == "=":
            return f"{self.term(f[1], scope, holes)} = {self.term(f[2], scope, holes)}"
        if op == "rel":
            return " ".join([self.names["rel", f[1]], *(self.term(a, scope, holes) for a in f[2])])
        if op == "true":
            return "True"
        if op == "false":
            return "False"
        if op == "not":
            return f"¬({self.formula(f[1], scope, holes)})"
        if op in BINARY_OPS:
            sym = {"and": "∧", "or": "∨", "implies": "→", "iff": "↔"}[op]
            return f"({self.formula(f[1], scope, holes)}) {sym} ({self.formula(f[2], scope, holes)})"
        var = f[1]
        inner = None if scope is None else scope | {var}
        q = "∀" if op == "forall" else "∃"
        return f"{q} ({self.var(var[0])} : {self.sort(var[1])}), {self.formula(f[2], inner, holes)}"

    def closed(self, params: list[VarKey], hyps: list[Formula], goal: Formula) -> str:
        """∀ (params), hyp₁ → … → goal."""
        scope = set(params)
        body = " → ".join([f"({self.formula(h, scope)})" for h in hyps] + [f"({self.formula(goal, scope)})"])
        if not params:
            return body
        binders = " ".join(f"({self.var(n)} : {self.sort(s)})" for n, s in params)
        return f"∀ {binders}, {body}"


class _Step:
    def __init__(self, sid: int, step: Mapping[str, Any], formula: Formula) -> None:
        self.id, self.data, self.formula = sid, step, formula
        self.premises: list[int] = list(step.get("premises", []))
        self.rule = str(step.get("rule"))
        self.open: list[int] = []
        self.params: list[VarKey] = []


def _discharged(step: _Step) -> set[int]:
    marks = step.data.get("discharges")
    return set(marks) if isinstance(marks, list) else ({marks} if isinstance(marks, int) else set())


def _translate_theorem(lean: _Lean, thm: Mapping[str, Any], thm_names: Mapping[str, str]) -> list[str]:
    steps: dict[int, _Step] = {}
    order: list[_Step] = []
    for raw in thm["steps"]:
        st = _Step(int(raw["id"]), raw, read_formula(raw["formula"]))
        if st.rule == "assume":
            opened = {st.id}
        elif st.rule == "or_elim":
            a, b = st.data["discharges"]
            p = [steps[i] for i in st.premises]
            opened = set(p[0].open) | (set(p[1].open) - {a}) | (set(p[2].open) - {b})
        else:
            opened = set().union(*(set(steps[p].open) for p in st.premises)) - _discharged(st)
        st.open = sorted(opened)
        fv: set[VarKey] = set(free_vars(st.formula))
        for a in st.open:
            fv |= free_vars(st.formula if a == st.id else steps[a].formula)
        st.params = sorted(fv)
        steps[st.id] = st
        order.append(st)

    lines = []
    for st in order:
        scope = set(st.params)
        body = _rule_term(lean, st, steps, scope, thm_names)
        binders = [f"({lean.var(n)} : {lean.sort(s)})" for n, s in st.params]
        binders += [f"(hyp_{a} : {lean.formula(steps[a].formula, scope)})" for a in st.open]
        term = f"fun {' '.join(binders)} => {body}" if binders else body
        hyps = [steps[a].formula for a in st.open]
        origin = f" from {', '.join(map(str, st.premises))}" if st.premises else ""
        lines.append(f"  -- step {st.id}: {st.rule}{origin}")
        lines.append(f"  have h_{st.id} : {lean.closed(st.params, hyps, st.formula)} := {term}")
    lines.append(f"  exact h_{order[-1].id}")
    return lines


def _use(lean: _Lean, steps: Mapping[int, _Step], sid: int, scope: set[VarKey]) -> str:
    """Step `sid` applied to the variables (or witnesses) and hypotheses of the current context."""
    st = steps[sid]
    args = [lean.var(n) if (n, s) in scope else lean.witness(s) for n, s in st.params]
    args += [f"hyp_{a}" for a in st.open]
    return f"(h_{sid} {' '.join(args)})" if args else f"h_{sid}"


class _Premises:
    """Premise uses in the step's scope, built on demand (a rule may need another scope)."""

    def __init__(self, lean: _Lean, steps: Mapping[int, _Step], ids: list[int], scope: set[VarKey]) -> None:
        self.lean, self.steps, self.ids, self.scope = lean, steps, ids, scope

    def __getitem__(self, i: int) -> str:
        return _use(self.lean, self.steps, self.ids[i], self.scope)

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self.ids)))


def _rule_term(lean: _Lean, st: _Step, steps: Mapping[int, _Step], scope: set[VarKey],
               thm_names: Mapping[str, str]) -> str:  # fmt: skip
    P = _Premises(lean, steps, st.premises, scope)
    rule, data = st.rule, st.data
    if rule == "axiom":
        return lean.names["ax", str(data["ref"])]
    if rule == "theorem":
        return thm_names[str(data["ref"])]
    if rule == "assume":
        return f"hyp_{st.id}"
    if rule == "inst":  # terms in the order of the premise's leading quantifiers
        binders, body = [], steps[st.premises[0]].formula
        for _ in data["subst"]:
            binders.append(body[1][0])
            body = body[2]
        terms = [lean.term(read_term(data["subst"][b]), scope) for b in binders]
        return f"({P[0]} {' '.join(terms)})"
    if rule == "gen":
        name, sort = read_var(data["var"])
        inner = scope | {(name, sort)}
        return f"fun ({lean.var(name)} : {lean.sort(sort)}) => {_use(lean, steps, st.premises[0], inner)}"
    if rule == "refl":
        return "rfl"
    if rule == "symm":
        return f"Eq.symm {P[0]}"
    if rule == "trans":
        return f"Eq.trans {P[0]} {P[1]}"
    if rule == "rewrite":
        eq, target = steps[st.premises[0]].formula, steps[st.premises[1]].formula
        sort = _term_sort(lean, eq[1])
        hole = ("v", f"z_{st.id}", sort)
        motive_formula = replace_at(target, list(data["path"]), hole)
        motive = lean.formula(motive_formula, scope, {hole[1:]: f"z_{st.id}"})
        return f"@Eq.subst {lean.sort(sort)} (fun (z_{st.id} : {lean.sort(sort)}) => {motive}) _ _ {P[0]} {P[1]}"
    if rule == "mp":
        return f"({P[0]} {P[1]})"
    if rule in ("imp_intro", "not_intro"):
        a = int(data["discharges"])
        return f"fun (hyp_{a} : {lean.formula(steps[a].formula, scope)}) => {P[0]}"
    if rule == "not_elim":
        return f"absurd {P[1]} {P[0]}"
    if rule == "false_elim":
        return f"False.elim {P[0]}"
    if rule == "and_intro":
        return f"And.intro {P[0]} {P[1]}"
    if rule == "and_elim":
        return f"And.{'left' if data['side'] == 0 else 'right'} {P[0]}"
    if rule == "or_intro":
        return f"Or.{'inl' if data['side'] == 0 else 'inr'} {P[0]}"
    if rule == "or_elim":
        a, b = data["discharges"]
        fa, fb = lean.formula(steps[a].formula, scope), lean.formula(steps[b].formula, scope)
        return f"Or.elim {P[0]} (fun (hyp_{a} : {fa}) => {P[1]}) (fun (hyp_{b} : {fb}) => {P[2]})"
    if rule == "iff_intro":
        return f"Iff.intro {P[0]} {P[1]}"
    if rule == "iff_elim":
        return f"Iff.{'mp' if data['side'] == 0 else 'mpr'} {P[0]}"
    if rule == "exists_intro":
        return f"Exists.intro {lean.term(read_term(data['term']), scope)} {P[0]}"
    if rule == "exists_elim":
        y = read_var(data["var"])
        a = int(data["discharges"])
        inner = scope | {y}
        fa = lean.formula(steps[a].formula, inner)
        use = _use(lean, steps, st.premises[1], inner)
        return f"Exists.elim {P[0]} (fun ({lean.var(y[0])} : {lean.sort(y[1])}) (hyp_{a} : {fa}) => {use})"
    if rule in ("induction", "cases"):
        var = read_var(data["var"])
        body = st.formula[2]
        hole = ("v", "z_0", var[1])
        motive = lean.formula(subst(body, {st.formula[1]: hole}), scope, {hole[1:]: "z_0"})
        cases = []
        constructors = dict(lean.induction)[var[1]]
        for premise, (_, cargs) in zip(P, constructors):
            if rule == "induction" or not cargs:
                cases.append(premise)
                continue
            ys = [f"z_{i + 1}" for i in range(len(cargs))]
            ihs = ["_" for a in cargs if a == var[1]]
            cases.append(f"(fun {' '.join(ys + ihs)} => {premise} {' '.join(ys)})")
        return (f"@{lean.ind(var[1])} (fun (z_0 : {lean.sort(var[1])}) => {motive}) {' '.join(cases)} ")
    raise ValueError(f"unknown rule {rule!r}")


def _term_sort(lean: _Lean, term: Term) -> str:
    if term[0] == "v":
        return str(term[2])
    return next(r for f, _, r in lean.functions if f == term[1])


def _declarations(lean: _Lean) -> list[str]:
    out = ["-- the signature"]
    out += [f"axiom {lean.sort(s)} : Type" for s in lean.sorts]
    for f, args, result in lean.functions:
        out.append(f"axiom {lean.names['fn', f]} : {' → '.join([*(lean.sort(a) for a in args), lean.sort(result)])}")
    for r, args in lean.relations:
        out.append(f"axiom {lean.names['rel', r]} : {' → '.join([*(lean.sort(a) for a in args), 'Prop'])}")
    out += ["", "-- the axioms and definitions"]
    for name, kind, formula in lean.axioms:
        out.append(f"axiom {lean.names['ax', name]} : {lean.formula(formula, None)}  -- {kind}")
    if lean.induction:
        out += ["", "-- the induction schemas the theory declares"]
    for sort, constructors in lean.induction:
        cases = []
        for cname, cargs in constructors:
            ys = [f"z_{i + 1}" for i in range(len(cargs))]
            head = lean.names["fn", cname]
            goal = f"motive ({' '.join([head, *ys])})" if ys else f"motive {head}"
            hyps = [f"motive {y}" for y, a in zip(ys, cargs) if a == sort]
            binders = " ".join(f"({y} : {lean.sort(a)})" for y, a in zip(ys, cargs))
            text = " → ".join([*hyps, goal])
            cases.append(f"(case_{_sanitize(cname)} : {'∀ ' + binders + ', ' if ys else ''}{text})")
        out.append(f"axiom {lean.ind(sort)} {{motive : {lean.sort(sort)} → Prop}} {' '.join(cases)} : "
                   f"∀ (z_0 : {lean.sort(sort)}), motive z_0")  # fmt: skip
    return out


def export_lean(doc: dict[str, Any], report: CheckReport | None = None) -> str:
    """A self-contained Lean 4 file with one theorem per proof that the checker accepts."""
    report = report or check_document(doc)
    rejected = [f for f in report.failures if f.theorem is None]
    if rejected:
        raise LeanExportError(f"nothing to export: {rejected[0].reason}")
    theory = doc.get("theory", {})
    lean = _Lean(doc)
    namespace = lean_name_for_theory(str(theory.get("name", "theory")))
    thm_names: dict[str, str] = {}
    bodies: list[str] = []
    checked = set(report.checked)
    skipped = [name for name in report.theorems if name not in checked]
    for thm in doc.get("theorems", []):
        if not isinstance(thm, dict) or str(thm.get("name")) not in checked:
            continue
        name = lean.names.add("thm", str(thm["name"]))
        lines = _translate_theorem(lean, thm, thm_names)
        statement = lean.formula(read_formula(thm["statement"]), None)
        method = str(thm.get("method", ""))
        bodies += ["", f"-- {_comment(thm['name'])}: {_comment(method)}", f"theorem {name} : {statement} := by", *lines]
        thm_names[str(thm["name"])] = name
    decls = _declarations(lean)
    if lean.needed_witness:
        decls += ["", "-- first-order logic assumes every sort is non-empty"]
        decls += [f"axiom {lean.sort(s)}.inhabited : {lean.sort(s)}" for s in sorted(lean.needed_witness)]
    header = [
        f"/- Generated by `axiomforge lean-export` from {_comment(_source_name(theory))}",
        f"   (theory {_comment(theory.get('name', '?'))}). Core Lean 4 only: no Mathlib, no sorry.",
        f"   {len(thm_names)} theorem(s), each a step-by-step translation of a proof the axiomforge checker accepts."
        + (f"\n   Not exported (rejected by the checker): {_comment(', '.join(map(str, skipped)))}" if skipped else ""),
        "-/",
        "",
        f"namespace {namespace}",
        "",
    ]
    return "\n".join([*header, *decls, *bodies, "", f"end {namespace}", ""])


def _source_name(theory: Mapping[str, Any]) -> str:
    """The theory's source path; writers that embed the source text get its sha256 instead."""
    source = str(theory.get("source", ""))
    if source and "\n" not in source and len(source) < 200:
        return source
    return f"an MPL source with sha256 {str(theory.get('source_sha256', '?'))[:16]}…"


def _comment(value: Any) -> str:
    """Text that stays inside a `--` or `/- -/` comment: a line break (or any other non-printing
    character) would end a line comment, and `-/` / `/-` would close or nest a block comment."""
    text = "".join(ch if ch.isprintable() else f"\\u{{{ord(ch):x}}}" for ch in str(value))
    return text.replace("-/", "- /").replace("/-", "/ -")


def declared_names(text: str) -> Iterable[str]:
    """Names declared by `axiom`/`theorem` lines of an exported file (for tests and tools)."""
    for match in re.finditer(r"^(?:axiom|theorem) ([^\s:{(]+)", text, re.MULTILINE):
        yield match.group(1)
