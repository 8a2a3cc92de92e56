"""The independent proof checker for proofs.json (docs/proof-format.md).

Trusted base: this module and `syntax.py`; nothing from the engine is imported. The checker
re-derives every step from its cited premises with the primitive rules below and accepts a
document only if every theorem checks.

Document rules
  D1  `format` is "axiomforge-proofs", `version` is 1.
  D2  The theory is well formed: every symbol used is declared, every axiom is a closed,
      well-sorted formula, every induction constructor is a declared function whose result is
      the sort and whose argument sorts are the ones listed.
      Every induction schema lists a base constructor (one with no argument of the sort
      itself): a schema without one proves anything (P(y) -> P(s(y)) holds for P = false). The
      document is rejected, and each step that uses such a schema fails.
  D3  With `theory=` (the section computed from the .mpl file), the document's sorts,
      functions, relations, axioms (name, kind, formula up to alpha), induction schemas and
      notation (each function's `infix`, `notation`, `precedence`, `assoc`; each relation's
      `infix`) equal it: a tampered file cannot smuggle in axioms, nor show a statement other
      than the one checked (swapping the printed names of 0 and 1, say).
  D4  Theorem names are distinct. The citation graph (theorem -> theorems its steps cite) is
      acyclic; each theorem on a cycle fails. A theorem cites only theorems before it that
      check themselves. Its `cites` list equals the set of theorems its steps cite.
  D5  The statement is a closed, well-sorted formula; the last step has no open assumptions
      and its formula is alpha-equivalent to the statement.

Step rules (each step: distinct integer `id`, `premises` = ids of earlier steps, `formula`)
  S1  Every formula is well sorted over the signature, and within one formula a variable name
      has one sort.
  S2  A step's open assumptions are those of its premises, plus itself for `assume`, minus the
      assumption(s) it discharges; `or_elim` discharges A only from its second premise and B only
      from its third, `exists_elim` only from its second.
  S3  The step's formula must be alpha-equivalent to what its rule derives:

      axiom        ref names a theory axiom/definition          -> its formula
      theorem      ref names an earlier theorem that checks      -> its statement
      assume       (no premises)                                 -> any formula (opens it)
      inst         [forall x1..xk. F], subst {x1: t1, ..}        -> F[x1:=t1..], sorts agree,
                   the keys are exactly the names of the k leading bound variables (k = number
                   of keys; key order is not significant; the k names must be distinct)
      gen          [F], var x                                    -> forall x. F, x not free in an
                                                                    open assumption of the premise
      refl                                                       -> t = t
      symm         [a = b]                                       -> b = a
      trans        [a = b, b = c]                                -> a = c
      rewrite      [l = r, F], path                              -> F with the term at path (which
                   must be l, and under no quantifier binding a variable of l or r) replaced by r
      mp           [A -> B, A]                                   -> B
      imp_intro    [B], discharges assume A                      -> A -> B
      not_intro    [false], discharges assume A                  -> not A
      not_elim     [not A, A]                                    -> false
      false_elim   [false]                                       -> any formula
      and_intro    [A, B]                                        -> A and B
      and_elim     [A and B], side 0/1                           -> A / B
      or_intro     [A], side 0/1                                 -> A or X / X or A
      or_elim      [A or B, C, C], discharges [assume A, assume B] -> C
      iff_intro    [A -> B, B -> A]                              -> A <-> B
      iff_elim     [A <-> B], side 0/1                           -> A -> B / B -> A
      exists_intro [F[x:=t]], var x, term t                      -> exists x. F
      exists_elim  [exists x. F, C], discharges assume F[x:=y], var y -> C, y not free in C, in
                   exists x. F, nor in any other open assumption
      induction    one premise per declared constructor c_i      -> forall x. P(x), premise i
                   alpha-equal to forall y1..yj. P(yr1) -> .. -> P(yrq) -> P(c_i(y1..yj)) where
                   yr* are the yi of x's sort (hypotheses); a nullary constructor gives P(c_i)
      cases        like induction, premises without hypotheses

There is no other rule: no built-in arithmetic, no built-in induction beyond the schemas the
theory declares, no trust in the engine's `method`, `cites` or `seconds` fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from axiomforge.proofs.syntax import (
    BINARY_OPS,
    QUANTIFIERS,
    Formula,
    ShapeError,
    Term,
    VarKey,
    alpha_eq,
    free_vars,
    is_term,
    node_at,
    read_formula,
    read_term,
    read_var,
    replace_at,
    subst,
    term_vars,
)

# Short descriptions of the rules, for the HTML glossary and error messages.
RULES: dict[str, str] = {
    "axiom": "States an axiom or definition of the theory (ref names it).",
    "theorem": "States an earlier theorem of the document (ref names it); it must itself check.",
    "assume": "Opens an assumption: its own formula, to be discharged later.",
    "inst": "From ∀x1…∀xk.F derives F with the terms of subst put for x1…xk.",
    "gen": "From F derives ∀x.F, when x is not free in any open assumption.",
    "refl": "Derives t = t.",
    "symm": "From a = b derives b = a.",
    "trans": "From a = b and b = c derives a = c.",
    "rewrite": "From l = r and F derives F with the occurrence of l at path replaced by r.",
    "mp": "Modus ponens: from A → B and A derives B.",
    "imp_intro": "From B derives A → B, discharging the assumption A.",
    "not_intro": "From false derives ¬A, discharging the assumption A.",
    "not_elim": "From ¬A and A derives false.",
    "false_elim": "From false derives any formula.",
    "and_intro": "From A and B derives A ∧ B.",
    "and_elim": "From A ∧ B derives A (side 0) or B (side 1).",
    "or_intro": "From A derives A ∨ X (side 0) or X ∨ A (side 1).",
    "or_elim": "From A ∨ B, C (assuming A) and C (assuming B) derives C, discharging both.",
    "iff_intro": "From A → B and B → A derives A ↔ B.",
    "iff_elim": "From A ↔ B derives A → B (side 0) or B → A (side 1).",
    "exists_intro": "From F[x:=t] derives ∃x.F.",
    "exists_elim": "From ∃x.F and C (assuming F[x:=y] for a fresh y) derives C.",
    "induction": "Instance of the declared induction schema: one case per constructor, with hypotheses.",
    "cases": "Case split over the declared constructors: one case per constructor, no hypotheses.",
}


@dataclass(frozen=True)
class Failure:
    """Why a theorem (or the document, when theorem is None) does not check."""

    theorem: str | None
    step: int | None
    reason: str

    def __str__(self) -> str:
        where = self.theorem or "<document>"
        if self.step is not None:
            where += f" step {self.step}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class CheckReport:
    theorems: tuple[str, ...]
    checked: tuple[str, ...]
    failures: tuple[Failure, ...]
    theory_compared: bool
    steps_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures and len(self.checked) == len(self.theorems)

    def failure_for(self, theorem: str) -> Failure | None:
        return next((f for f in self.failures if f.theorem == theorem), None)

    def summary(self) -> str:
        against = "against the theory file" if self.theory_compared else "against the document's own theory"
        head = (
            f"{len(self.checked)}/{len(self.theorems)} theorems check ({self.steps_checked} steps, {against})"
        )
        if self.ok:
            return f"ok: {head}"
        return "\n".join([f"FAILED: {head}", *(f"  {f}" for f in self.failures)])


class _Reject(Exception):
    def __init__(self, reason: str, step: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.step = step


# ---------------------------------------------------------------- the signature


@dataclass
class _Signature:
    sorts: set[str] = field(default_factory=set)
    functions: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    relations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    axioms: dict[str, Formula] = field(default_factory=dict)
    induction: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = field(default_factory=dict)
    # how each symbol is printed: what a reader of the site or of `check` output is shown
    notation: dict[tuple[str, str], tuple[Any, ...]] = field(default_factory=dict)
    # sorts whose declared induction schema has no base constructor, with the reason
    baseless: dict[str, str] = field(default_factory=dict)

    def term_sort(self, term: Term, names: dict[str, str]) -> str:
        if term[0] == "v":
            name, sort = term[1], term[2]
            if sort not in self.sorts:
                raise _Reject(f"variable {name} has undeclared sort {sort}")
            if names.setdefault(name, sort) != sort:
                raise _Reject(f"variable {name} used with sorts {names[name]} and {sort}")
            return str(sort)
        if term[1] not in self.functions:
            raise _Reject(f"undeclared function {term[1]}")
        arg_sorts, result = self.functions[term[1]]
        if len(term[2]) != len(arg_sorts):
            raise _Reject(f"{term[1]} takes {len(arg_sorts)} arguments, got {len(term[2])}")
        for arg, want in zip(term[2], arg_sorts):
            got = self.term_sort(arg, names)
            if got != want:
                raise _Reject(f"argument of {term[1]} has sort {got}, expected {want}")
        return result

    def check_formula(self, formula: Formula, names: dict[str, str] | None = None) -> None:
        names = {} if names is None else names
        op = formula[0]
        if op == "=":
            left, right = self.term_sort(formula[1], names), self.term_sort(formula[2], names)
            if left != right:
                raise _Reject(f"equation between sorts {left} and {right}")
        elif op == "rel":
            if formula[1] not in self.relations:
                raise _Reject(f"undeclared relation {formula[1]}")
            want = self.relations[formula[1]]
            if len(formula[2]) != len(want):
                raise _Reject(f"{formula[1]} takes {len(want)} arguments")
            for arg, sort in zip(formula[2], want):
                if self.term_sort(arg, names) != sort:
                    raise _Reject(f"argument of {formula[1]} should have sort {sort}")
        elif op == "not":
            self.check_formula(formula[1], names)
        elif op in BINARY_OPS:
            self.check_formula(formula[1], names)
            self.check_formula(formula[2], names)
        elif op in QUANTIFIERS:
            self.term_sort(("v", *formula[1]), names)
            self.check_formula(formula[2], names)


def _read_theory(data: Any) -> _Signature:
    if not isinstance(data, dict):
        raise _Reject("the theory section must be an object")
    sig = _Signature()
    try:
        sig.sorts = {str(s) for s in data.get("sorts", [])}
        for fn in data.get("functions", []):
            args = tuple(str(a) for a in fn.get("args", []))
            sig.functions[str(fn["name"])] = (args, str(fn["result"]))
            sig.notation[("function", str(fn["name"]))] = _display(fn, "function")
        for rel in data.get("relations", []):
            sig.relations[str(rel["name"])] = tuple(str(a) for a in rel.get("args", []))
            sig.notation[("relation", str(rel["name"]))] = _display(rel, "relation")
        for fn_args, result in sig.functions.values():
            if result not in sig.sorts or not set(fn_args) <= sig.sorts:
                raise _Reject(f"a function uses an undeclared sort ({fn_args} -> {result})")
        for rel_args in sig.relations.values():
            if not set(rel_args) <= sig.sorts:
                raise _Reject(f"a relation uses an undeclared sort ({rel_args})")
        for ax in data.get("axioms", []):
            name = str(ax["name"])
            if ax.get("kind") not in ("axiom", "definition"):
                raise _Reject(f"axiom {name} has unknown kind {ax.get('kind')!r}")
            formula = read_formula(ax["formula"])
            sig.check_formula(formula)
            if free_vars(formula):
                raise _Reject(f"axiom {name} is not closed")
            if name in sig.axioms:
                raise _Reject(f"axiom {name} is declared twice")
            sig.axioms[name] = formula
        for ind in data.get("induction", []):
            sort = str(ind["sort"])
            constructors = []
            for c in ind["constructors"]:
                cname, cargs = str(c["name"]), tuple(str(a) for a in c.get("args", []))
                if sig.functions.get(cname) != (cargs, sort):
                    raise _Reject(f"induction on {sort}: {cname} is not a constructor {cargs} -> {sort}")
                constructors.append((cname, cargs))
            if sort in sig.induction or not constructors:
                raise _Reject(f"induction on {sort} is declared twice or has no constructor")
            sig.induction[sort] = tuple(constructors)
            if all(sort in cargs for _, cargs in constructors):
                sig.baseless[sort] = (
                    f"the induction schema for {sort} lists no base constructor (one without an argument of "
                    f"sort {sort}; it has only {', '.join(c for c, _ in constructors)}): it would prove anything"
                )
    except KeyError as err:
        raise _Reject(f"malformed theory section: missing field {err.args[0]!s}") from err
    except (TypeError, AttributeError, ShapeError) as err:
        raise _Reject(f"malformed theory section: {err}") from err
    return sig


_SHOWN = {"function": ("infix", "notation", "precedence", "assoc"), "relation": ("infix",)}


def _display(decl: Mapping[str, Any], kind: str) -> tuple[Any, ...]:
    """The printing fields of a declaration, normalised (absent, null and "" are the same)."""
    return tuple(None if decl.get(k) in (None, "") or isinstance(decl.get(k), bool) else decl.get(k)
                 for k in _SHOWN[kind])  # fmt: skip


def _compare_theories(doc: _Signature, src: _Signature) -> None:
    for what, mine, theirs in (
        ("sorts", doc.sorts, src.sorts),
        ("functions", doc.functions, src.functions),
        ("relations", doc.relations, src.relations),
        ("induction schemas", doc.induction, src.induction),
    ):
        if mine != theirs:
            raise _Reject(f"the document's {what} differ from the theory file's")
    if set(doc.axioms) != set(src.axioms):
        extra = sorted(set(doc.axioms) ^ set(src.axioms))
        raise _Reject(f"the document's axioms differ from the theory file's: {', '.join(extra)}")
    for name, formula in doc.axioms.items():
        if not alpha_eq(formula, src.axioms[name]):
            raise _Reject(f"axiom {name} differs from the theory file's")
    for (kind, name), shown in sorted(src.notation.items()):
        for field_name, mine, theirs in zip(_SHOWN[kind], doc.notation[kind, name], shown):
            if mine != theirs:
                raise _Reject(f"the document's notation differs from the theory file's: {kind} {name} has "
                              f"{field_name} {mine!r} in the document, {theirs!r} in the theory file")  # fmt: skip


def _axiom_kinds(data: Any) -> dict[str, str]:
    return {str(a.get("name")): str(a.get("kind")) for a in data.get("axioms", []) if isinstance(a, dict)}


# ---------------------------------------------------------------- one theorem


def _ids(value: Any, what: str) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in value):
        raise _Reject(f"{what} must be a list of step ids")
    return value


def _imp_chain(hyps: Iterable[Formula], goal: Formula) -> Formula:
    out = goal
    for h in reversed(list(hyps)):
        out = ("implies", h, out)
    return out


def _forall_all(variables: Iterable[VarKey], body: Formula) -> Formula:
    out = body
    for var in reversed(list(variables)):
        out = ("forall", var, out)
    return out


def schema_premises(
    sig_induction: Mapping[str, tuple[tuple[str, tuple[str, ...]], ...]],
    var: VarKey,
    body: Formula,
    with_hypotheses: bool,
) -> list[Formula]:
    """The premises the induction (or cases) schema for ∀var.body requires, one per constructor."""
    name, sort = var
    taken = {v[0] for v in free_vars(body)} | {name}
    premises = []
    for cname, cargs in sig_induction[sort]:
        ys: list[VarKey] = []
        for i, arg_sort in enumerate(cargs):
            y = f"y{i + 1}"
            while y in taken:
                y += "'"
            ys.append((y, arg_sort))
        hyps = [subst(body, {var: ("v", *y)}) for y in ys if y[1] == sort] if with_hypotheses else []
        goal = subst(body, {var: ("f", cname, tuple(("v", *y) for y in ys))})
        premises.append(_forall_all(ys, _imp_chain(hyps, goal)))
    return premises


class _TheoremChecker:
    """Checks one theorem's steps; `statements` holds the theorems it may cite."""

    def __init__(self, sig: _Signature, statements: Mapping[str, Formula]) -> None:
        self.sig = sig
        self.statements = statements
        self.formulas: dict[int, Formula] = {}
        self.open: dict[int, frozenset[int]] = {}
        self.rules: dict[int, str] = {}
        self.free_names: dict[str, str] = {}

    def premise(self, ids: list[int], i: int) -> Formula:
        return self.formulas[ids[i]]

    def assumption(self, step_id: Any, expected: Formula | None = None) -> int:
        if not isinstance(step_id, int) or self.rules.get(step_id) != "assume":
            raise _Reject(f"discharges {step_id!r}, which is not an earlier assume step")
        if expected is not None and not alpha_eq(self.formulas[step_id], expected):
            raise _Reject(f"discharged assumption {step_id} is not the formula this rule requires")
        return step_id

    def check_step(self, step: Any) -> tuple[int, Formula]:
        if not isinstance(step, dict):
            raise _Reject("a step must be an object")
        sid = step.get("id")
        if not isinstance(sid, int) or isinstance(sid, bool) or sid in self.formulas:
            raise _Reject(f"step id {sid!r} is not a fresh integer")
        try:
            return sid, self._check_step(sid, step)
        except _Reject as err:
            raise _Reject(err.reason, sid) from None
        except (ShapeError, KeyError, TypeError, IndexError, ValueError, RecursionError) as err:
            raise _Reject(f"malformed step: {err}", sid) from None

    def _check_step(self, sid: int, step: dict[str, Any]) -> Formula:
        rule = step.get("rule")
        formula = read_formula(step.get("formula"))
        names: dict[str, str] = {}
        self.sig.check_formula(formula, names)
        for name, sort in names.items():
            if (name, sort) in free_vars(formula) and self.free_names.setdefault(name, sort) != sort:
                raise _Reject(f"free variable {name} has sort {sort} here and {self.free_names[name]} elsewhere")
        ids = _ids(step.get("premises", []), "premises")
        for p in ids:
            if p not in self.formulas:
                raise _Reject(f"premise {p} is not an earlier step")
        want_premises = {
            "axiom": 0, "theorem": 0, "assume": 0, "refl": 0, "inst": 1, "gen": 1, "symm": 1,
            "trans": 2, "rewrite": 2, "mp": 2, "imp_intro": 1, "not_intro": 1, "not_elim": 2,
            "false_elim": 1, "and_intro": 2, "and_elim": 1, "or_intro": 1, "or_elim": 3,
            "iff_intro": 2, "iff_elim": 1, "exists_intro": 1, "exists_elim": 2,
        }  # fmt: skip
        if rule in want_premises and len(ids) != want_premises[rule]:
            raise _Reject(f"{rule} takes {want_premises[rule]} premises, got {len(ids)}")
        opened: frozenset[int] = frozenset().union(*(self.open[p] for p in ids)) if ids else frozenset()
        derived: Formula | None = None
        P = lambda i: self.premise(ids, i)  # noqa: E731

        if rule == "axiom":
            ref = step.get("ref")
            if not isinstance(ref, str) or ref not in self.sig.axioms:
                raise _Reject(f"{ref!r} is not an axiom of the theory")
            derived = self.sig.axioms[ref]
        elif rule == "theorem":
            ref = step.get("ref")
            if not isinstance(ref, str) or ref not in self.statements:
                raise _Reject(f"cites {ref!r}, which is not an earlier theorem that checks")
            derived = self.statements[ref]
        elif rule == "assume":
            derived, opened = formula, frozenset({sid})
        elif rule == "inst":
            sigma_json = step.get("subst")
            if not isinstance(sigma_json, dict) or not sigma_json:
                raise _Reject("inst needs a non-empty subst")
            body, sigma = P(0), {}
            for _ in sigma_json:  # strip as many leading ∀ as subst has keys (key order is free)
                if body[0] != "forall":
                    raise _Reject(f"subst has {len(sigma_json)} variables, the premise fewer leading ∀")
                name, sort = body[1]
                if name not in sigma_json or (name, sort) in sigma:
                    raise _Reject(f"subst does not name ∀{name} (or names it twice)")
                term = read_term(sigma_json[name])
                if self.sig.term_sort(term, {}) != sort:
                    raise _Reject(f"the term for {name} does not have sort {sort}")
                sigma[(name, sort)] = term
                body = body[2]
            derived = subst(body, sigma)
        elif rule == "gen":
            var = read_var(step.get("var"))
            if any(var in free_vars(self.formulas[a]) for a in self.open[ids[0]]):
                raise _Reject(f"cannot generalise {var[0]}: it is free in an open assumption")
            derived = ("forall", var, P(0))
        elif rule == "refl":
            if formula[0] != "=" or formula[1] != formula[2]:
                raise _Reject("refl derives only t = t")
            derived = formula
        elif rule == "symm":
            eq = self._eq(P(0))
            derived = ("=", eq[2], eq[1])
        elif rule == "trans":
            ab, bc = self._eq(P(0)), self._eq(P(1))
            if ab[2] != bc[1]:
                raise _Reject("trans premises do not chain (a = b, b = c)")
            derived = ("=", ab[1], bc[2])
        elif rule == "rewrite":
            eq, target = self._eq(P(0)), P(1)
            path = step.get("path")
            if not isinstance(path, list):
                raise _Reject("rewrite needs a path")
            node, binders = node_at(target, path)
            if not is_term(node) or node != eq[1]:
                raise _Reject("the term at path is not the left side of the equation")
            moved = set(term_vars(eq[1])) | set(term_vars(eq[2]))
            if moved & set(binders):
                raise _Reject("rewrite under a quantifier that binds a variable of the equation")
            derived = replace_at(target, path, eq[2])
        elif rule == "mp":
            imp = P(0)
            if imp[0] != "implies" or not alpha_eq(imp[1], P(1)):
                raise _Reject("mp needs A → B and A")
            derived = imp[2]
        elif rule in ("imp_intro", "not_intro"):
            a = self.assumption(step.get("discharges"))
            opened -= {a}
            if rule == "imp_intro":
                derived = ("implies", self.formulas[a], P(0))
            else:
                self._want(P(0), ("false",))
                derived = ("not", self.formulas[a])
        elif rule == "not_elim":
            neg = P(0)
            if neg[0] != "not" or not alpha_eq(neg[1], P(1)):
                raise _Reject("not_elim needs ¬A and A")
            derived = ("false",)
        elif rule == "false_elim":
            self._want(P(0), ("false",))
            derived = formula
        elif rule == "and_intro":
            derived = ("and", P(0), P(1))
        elif rule in ("and_elim", "iff_elim"):
            whole, side = P(0), self._side(step)
            if whole[0] != ("and" if rule == "and_elim" else "iff"):
                raise _Reject(f"{rule} needs a {'conjunction' if rule == 'and_elim' else 'biconditional'}")
            if rule == "and_elim":
                derived = whole[1 + side]
            else:
                derived = ("implies", whole[1 + side], whole[2 - side])
        elif rule == "or_intro":
            side = self._side(step)
            if formula[0] != "or" or not alpha_eq(formula[1 + side], P(0)):
                raise _Reject(f"or_intro: disjunct {side} of the formula is not the premise")
            derived = formula
        elif rule == "or_elim":
            disj = P(0)
            marks = step.get("discharges")
            if disj[0] != "or" or not isinstance(marks, list) or len(marks) != 2:
                raise _Reject("or_elim needs A ∨ B and discharges [idA, idB]")
            a, b = self.assumption(marks[0], disj[1]), self.assumption(marks[1], disj[2])
            self._want(P(2), P(1))
            opened = self.open[ids[0]] | (self.open[ids[1]] - {a}) | (self.open[ids[2]] - {b})
            derived = P(1)
        elif rule == "iff_intro":
            ab, ba = P(0), P(1)
            if ab[0] != "implies" or ba[0] != "implies" or not (alpha_eq(ab[1], ba[2]) and alpha_eq(ab[2], ba[1])):
                raise _Reject("iff_intro needs A → B and B → A")
            derived = ("iff", ab[1], ab[2])
        elif rule == "exists_intro":
            var, term = read_var(step.get("var")), read_term(step.get("term"))
            if formula[0] != "exists" or formula[1] != var:
                raise _Reject("the formula must be ∃var.F")
            if self.sig.term_sort(term, {}) != var[1]:
                raise _Reject(f"the witness does not have sort {var[1]}")
            self._want(P(0), subst(formula[2], {var: term}))
            derived = formula
        elif rule == "exists_elim":
            ex, y = P(0), read_var(step.get("var"))
            if ex[0] != "exists" or ex[1][1] != y[1]:
                raise _Reject(f"exists_elim needs ∃x.F with x of sort {y[1]}")
            a = self.assumption(step.get("discharges"), subst(ex[2], {ex[1]: ("v", *y)}))
            opened = self.open[ids[0]] | (self.open[ids[1]] - {a})
            others = [self.formulas[o] for o in opened]
            if any(y in free_vars(f) for f in [P(1), ex, *others]):
                raise _Reject(f"{y[0]} is not fresh (free in the conclusion, ∃x.F or an open assumption)")
            derived = P(1)
        elif rule in ("induction", "cases"):
            var = read_var(step.get("var"))
            if formula[0] != "forall" or formula[1] != var:
                raise _Reject(f"the formula must be ∀{var[0]}.P")
            if var[1] not in self.sig.induction:
                raise _Reject(f"the theory declares no induction schema for sort {var[1]}")
            if var[1] in self.sig.baseless:
                raise _Reject(self.sig.baseless[var[1]])
            wanted = schema_premises(self.sig.induction, var, formula[2], rule == "induction")
            if len(ids) != len(wanted):
                raise _Reject(f"{rule} on {var[1]} takes {len(wanted)} premises, got {len(ids)}")
            for i, want in enumerate(wanted):
                if not alpha_eq(P(i), want):
                    raise _Reject(f"premise {ids[i]} is not the case for constructor {i + 1} of the schema")
            derived = formula
        else:
            raise _Reject(f"unknown rule {rule!r}")

        if not alpha_eq(formula, derived):
            raise _Reject(f"the formula is not what {rule} derives from its premises")
        self.formulas[sid], self.open[sid], self.rules[sid] = formula, opened, str(rule)
        return formula

    @staticmethod
    def _eq(formula: Formula) -> Formula:
        if formula[0] != "=":
            raise _Reject("the premise must be an equation")
        return formula

    @staticmethod
    def _want(got: Formula, want: Formula) -> None:
        if not alpha_eq(got, want):
            raise _Reject("a premise is not the formula this rule requires")

    @staticmethod
    def _side(step: dict[str, Any]) -> int:
        side = step.get("side")
        if side not in (0, 1) or isinstance(side, bool):
            raise _Reject("side must be 0 or 1")
        return int(side)


def _step_refs(theorem: Any) -> list[str]:
    steps = theorem.get("steps") if isinstance(theorem, dict) else None
    if not isinstance(steps, list):
        return []
    return [str(s.get("ref")) for s in steps if isinstance(s, dict) and s.get("rule") == "theorem"]


def citation_cycles(theorems: list[Any]) -> dict[str, list[str]]:
    """For each theorem on a citation cycle, one cycle through it (names, first = last)."""
    graph = {str(t.get("name")): sorted(set(_step_refs(t))) for t in theorems if isinstance(t, dict)}
    on_cycle: dict[str, list[str]] = {}
    for start in sorted(graph):
        stack, parent = [start], {start: ""}
        while stack:  # depth-first search for a path back to start
            node = stack.pop()
            for nxt in graph.get(node, []):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    on_cycle[start] = [start, *reversed(path[:-1]), start]
                    stack = []
                    break
                if nxt in graph and nxt not in parent:
                    parent[nxt] = node
                    stack.append(nxt)
    return on_cycle


def check_document(doc: Any, theory: Mapping[str, Any] | None = None) -> CheckReport:
    """Check every theorem of a proofs.json document; `theory` is the section from the .mpl file."""
    if not isinstance(doc, dict):
        return CheckReport((), (), (Failure(None, None, "the document must be a JSON object"),), theory is not None)
    raw_theorems = doc.get("theorems")
    theorems = raw_theorems if isinstance(raw_theorems, list) else []
    names = tuple(str(t.get("name")) if isinstance(t, dict) else "?" for t in theorems)

    def doc_failure(reason: str) -> CheckReport:
        return CheckReport(names, (), (Failure(None, None, reason),), theory is not None)

    if doc.get("format") != "axiomforge-proofs" or doc.get("version") != 1:
        return doc_failure("not an axiomforge-proofs document of version 1")
    if not isinstance(raw_theorems, list):
        return doc_failure("'theorems' must be a list")
    try:
        sig = _read_theory(doc.get("theory"))
    except _Reject as err:
        return doc_failure(err.reason)
    mismatch: list[Failure] = []
    if theory is not None:
        try:
            source = _read_theory(theory)
        except _Reject as err:
            return doc_failure(f"the theory file: {err.reason}")
        try:
            _compare_theories(sig, source)
            if _axiom_kinds(doc["theory"]) != _axiom_kinds(theory):
                raise _Reject("axiom kinds differ from the theory file's")
        except _Reject as err:
            mismatch.append(Failure(None, None, err.reason))
        # what is checked is the theory file: a step that leans on a tampered declaration fails
        # by name, and the mismatch itself rejects the document
        sig = source
    if len(set(names)) != len(names) or not all(
        isinstance(t, dict) and isinstance(t.get("name"), str) and t["name"] for t in theorems
    ):
        return doc_failure("theorem names must be distinct non-empty strings")

    cycles = citation_cycles(theorems)
    statements: dict[str, Formula] = {}
    # a baseless schema rejects the document; the theorems are still checked so that each step
    # that relies on it is named
    failures: list[Failure] = [*mismatch, *(Failure(None, None, reason) for _, reason in sorted(sig.baseless.items()))]
    checked: list[str] = []
    steps_checked = 0
    for index, thm in enumerate(theorems):
        name = names[index]
        try:
            if not isinstance(thm, dict):
                raise _Reject("a theorem must be an object")
            if name in cycles:
                raise _Reject("citation cycle: " + " -> ".join(cycles[name]))
            earlier = set(names[:index])
            for ref in _step_refs(thm):
                if ref not in earlier:
                    raise _Reject(f"cites {ref}, which is not a theorem before it")
                if ref not in statements:
                    raise _Reject(f"cites {ref}, which does not check")
            cites = thm.get("cites", [])
            if not isinstance(cites, list) or set(map(str, cites)) != set(_step_refs(thm)):
                raise _Reject("'cites' differs from the theorems its steps cite")
            try:
                statement = read_formula(thm.get("statement"))
            except ShapeError as err:
                raise _Reject(f"malformed statement: {err}") from None
            sig.check_formula(statement)
            if free_vars(statement):
                raise _Reject("the statement is not closed")
            steps = thm.get("steps")
            if not isinstance(steps, list) or not steps:
                raise _Reject("a theorem needs a non-empty list of steps")
            checker = _TheoremChecker(sig, statements)
            last = None
            for step in steps:
                last, _ = checker.check_step(step)
                steps_checked += 1
            assert last is not None
            if checker.open[last]:
                raise _Reject(f"the last step leaves assumptions open: {sorted(checker.open[last])}", last)
            if not alpha_eq(checker.formulas[last], statement):
                raise _Reject("the last step is not the statement", last)
        except _Reject as err:
            failures.append(Failure(name, err.step, err.reason))
            continue
        statements[name] = statement
        checked.append(name)
    return CheckReport(names, tuple(checked), tuple(failures), theory is not None, steps_checked)
