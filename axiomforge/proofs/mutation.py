"""Tamper operators: ways of breaking a valid proofs.json, for testing the checker.

Each operator takes a document and a `random.Random` and returns a `Mutant` (a broken deep copy)
or None when it does not apply. Operators only touch steps the proof actually uses (reachable
from the last step), keep `cites` in step with the steps (so a mutant is not caught merely by
that bookkeeping), and never produce a change that is a renaming of bound variables, so every
mutant is a proof that must be rejected.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from axiomforge.proofs.syntax import (
    alpha_eq,
    children,
    formula_to_json,
    node_at,
    read_formula,
    read_term,
    replace_at,
    subst,
    term_positions,
    term_to_json,
)

J = dict[str, Any]


@dataclass(frozen=True)
class Mutant:
    kind: str
    theorem: str
    description: str
    doc: J


def _used_steps(thm: J) -> list[J]:
    """Steps reachable from the last step through premises and discharges, in proof order."""
    by_id = {s["id"]: s for s in thm["steps"]}
    todo, seen = [thm["steps"][-1]["id"]], set()
    while todo:
        sid = todo.pop()
        if sid in seen or sid not in by_id:
            continue
        seen.add(sid)
        step = by_id[sid]
        todo.extend(step.get("premises", []))
        marks = step.get("discharges")
        todo.extend(marks if isinstance(marks, list) else [] if marks is None else [marks])
    return [s for s in thm["steps"] if s["id"] in seen]


def _recompute_cites(thm: J) -> None:
    thm["cites"] = sorted({s["ref"] for s in thm["steps"] if s.get("rule") == "theorem"})


def _signature(doc: J) -> dict[str, tuple[list[str], str]]:
    return {f["name"]: (list(f["args"]), f["result"]) for f in doc["theory"]["functions"]}


def _sort_of(term: tuple[Any, ...], sig: dict[str, tuple[list[str], str]]) -> str:
    return str(term[2]) if term[0] == "v" else sig[term[1]][1]


def _other_term(term: tuple[Any, ...], formula: tuple[Any, ...], sig: dict[str, tuple[list[str], str]],
                rng: random.Random) -> tuple[Any, ...]:  # fmt: skip
    """A different well-sorted term of the same sort."""
    sort = _sort_of(term, sig)
    variables = sorted({("v", v, s) for v, s in _vars_of(formula) if s == sort} - {term})
    constants = [("f", f, ()) for f, (args, res) in sorted(sig.items()) if not args and res == sort]
    wrappers = [f for f, (args, res) in sorted(sig.items()) if args and res == sort]
    choices: list[tuple[Any, ...]] = [t for t in variables + constants if t != term]
    for f in wrappers:
        args, _ = sig[f]
        filler = [term if a == sort else (constants[0] if a == sort and constants else None) for a in args]
        if all(x is not None for x in filler):
            choices.append(("f", f, tuple(filler)))
    if term[0] == "f" and term[2]:
        choices.extend(a for a in term[2] if _sort_of(a, sig) == sort)
    choices.append(("v", "fresh_var", sort))
    return rng.choice([c for c in choices if c != term])


def _vars_of(node: tuple[Any, ...]) -> Iterator[tuple[str, str]]:
    if node[0] == "v":
        yield (node[1], node[2])
    if node[0] in ("forall", "exists"):
        yield node[1]
    for kid in children(node):
        yield from _vars_of(kid)


def _pick(doc: J, rng: random.Random, want: Callable[[J, J], bool]) -> tuple[J, J] | None:
    thm = doc["theorems"][-1]
    pairs = [(thm, s) for s in _used_steps(thm) if want(thm, s)]
    return rng.choice(pairs) if pairs else None


def _changed(old: J, new: J) -> bool:
    return not alpha_eq(read_formula(old), read_formula(new))


# ---------------------------------------------------------------- operators


def drop_step(doc: J, rng: random.Random) -> Mutant | None:
    picked = _pick(doc, rng, lambda t, s: len(t["steps"]) > 1)
    if not picked:
        return None
    thm, step = picked
    index = thm["steps"].index(step)
    earlier = thm["steps"][:index]
    replacement = None
    others = [e for e in earlier if _changed(e["formula"], step["formula"])]
    if others and rng.random() < 0.7:
        replacement = rng.choice(others)["id"]
    del thm["steps"][index]
    for later in thm["steps"][index:]:
        later["premises"] = [replacement if p == step["id"] else p for p in later.get("premises", [])]
        later["premises"] = [p for p in later["premises"] if p is not None]
    if index == len(thm["steps"]) and not _changed(thm["steps"][-1]["formula"], thm["statement"]):
        return None
    _recompute_cites(thm)
    how = f"rewired to step {replacement}" if replacement is not None else "references left dangling"
    return Mutant("drop a step", thm["name"], f"dropped step {step['id']} ({step['rule']}), {how}", doc)


def swap_premise(doc: J, rng: random.Random) -> Mutant | None:
    picked = _pick(doc, rng, lambda t, s: bool(s.get("premises")))
    if not picked:
        return None
    thm, step = picked
    by_id = {s["id"]: s for s in thm["steps"]}
    premises = step["premises"]
    k = rng.randrange(len(premises))
    if len(premises) > 1 and rng.random() < 0.4:
        j = (k + 1) % len(premises)
        if not _changed(by_id[premises[k]]["formula"], by_id[premises[j]]["formula"]):
            return None
        premises[k], premises[j] = premises[j], premises[k]
        return Mutant("swap a premise", thm["name"], f"step {step['id']}: swapped premises {k} and {j}", doc)
    index = thm["steps"].index(step)
    old = by_id[premises[k]]
    options = [e["id"] for e in thm["steps"][:index] if _changed(e["formula"], old["formula"])]
    if not options:
        return None
    premises[k] = rng.choice(options)
    return Mutant("swap a premise", thm["name"], f"step {step['id']}: premise {old['id']} -> {premises[k]}", doc)


def _mutate_formula_term(formula_json: J, doc: J, rng: random.Random) -> J | None:
    formula = read_formula(formula_json)
    positions = list(term_positions(formula))
    if not positions:
        return None
    path = list(rng.choice(positions))
    node, _ = node_at(formula, path)
    new = replace_at(formula, path, _other_term(node, formula, _signature(doc), rng))
    return formula_to_json(new) if not alpha_eq(new, formula) else None


def change_term(doc: J, rng: random.Random) -> Mutant | None:
    picked = _pick(doc, rng, lambda t, s: True)
    if not picked:
        return None
    thm, step = picked
    new = _mutate_formula_term(step["formula"], doc, rng)
    if new is None:
        return None
    step["formula"] = new
    return Mutant("change a term", thm["name"], f"step {step['id']} ({step['rule']}): changed a term", doc)


def change_field(doc: J, rng: random.Random) -> Mutant | None:
    """Change a term in a substitution or witness, a rewrite path, a side or a variable."""
    fields = ("subst", "term", "path", "side", "var")
    picked = _pick(doc, rng, lambda t, s: any(f in s for f in fields))
    if not picked:
        return None
    thm, step = picked
    field = rng.choice([f for f in fields if f in step])
    sig = _signature(doc)
    by_id = {s["id"]: s for s in thm["steps"]}
    if field == "subst":
        key = rng.choice(sorted(step["subst"]))
        term = read_term(step["subst"][key])
        step["subst"][key] = term_to_json(_other_term(term, read_formula(step["formula"]), sig, rng))
    elif field == "term":
        term = read_term(step["term"])
        step["term"] = term_to_json(_other_term(term, read_formula(step["formula"]), sig, rng))
    elif field == "path":
        path = step["path"]
        if path and rng.random() < 0.5:
            step["path"] = path[:-1] if rng.random() < 0.5 else path[:-1] + [1 - path[-1] if path[-1] < 2 else 0]
        else:
            step["path"] = path + [0]
    elif field == "side":
        whole = by_id[step["premises"][0]]["formula"] if step["rule"] != "or_intro" else step["formula"]
        if not _changed(whole["a"][0], whole["a"][1]):
            return None  # A ∧ A, A ↔ A, A ∨ A: either side gives the same formula
        step["side"] = 1 - step["side"]
    else:
        name, sort = step["var"]
        step["var"] = [name + "_renamed", sort]
    return Mutant("change a field", thm["name"], f"step {step['id']} ({step['rule']}): changed {field}", doc)


def rename_variable(doc: J, rng: random.Random) -> Mutant | None:
    """Rename one variable occurrence (or one binder) so the names no longer agree."""
    picked = _pick(doc, rng, lambda t, s: any(True for _ in _vars_of(read_formula(s["formula"]))))
    if not picked:
        return None
    thm, step = picked
    formula = read_formula(step["formula"])
    spots = [p for p in term_positions(formula) if node_at(formula, list(p))[0][0] == "v"]
    binders = list(_binder_paths(formula))
    if binders and (not spots or rng.random() < 0.3):
        path = list(rng.choice(binders))
        node, _ = node_at(formula, path)
        new = replace_at(formula, path, (node[0], (node[1][0] + "'", node[1][1]), node[2]))
    else:
        path = list(rng.choice(spots))
        node, _ = node_at(formula, path)
        names = sorted({v for v, s in _vars_of(formula) if s == node[2] and v != node[1]})
        other = rng.choice(names) if names and rng.random() < 0.5 else node[1] + "'"
        new = replace_at(formula, path, ("v", other, node[2]))
    if alpha_eq(new, formula):
        return None
    step["formula"] = formula_to_json(new)
    return Mutant("rename a variable", thm["name"], f"step {step['id']}: renamed a variable inconsistently", doc)


def _binder_paths(node: tuple[Any, ...], prefix: tuple[int, ...] = ()) -> Iterator[tuple[int, ...]]:
    if node[0] in ("forall", "exists"):
        yield prefix
    if node[0] in ("v", "f"):
        return
    for i, kid in enumerate(children(node)):
        yield from _binder_paths(kid, prefix + (i,))


def cite_unproved(doc: J, rng: random.Random) -> Mutant | None:
    """Make a step cite a theorem that is not proved: unknown, later, or with a broken proof."""
    picked = _pick(doc, rng, lambda t, s: s["rule"] in ("axiom", "theorem"))
    if not picked:
        return None
    thm, step = picked
    names = [t["name"] for t in doc["theorems"]]
    here = names.index(thm["name"])
    later_ones = doc.pop("later_theorems", [])
    mode = rng.choice(["unknown", "later", "broken"])
    if mode == "later" and later_ones:  # cite a theorem that comes after this one
        later = copy.deepcopy(rng.choice(later_ones))
        doc["theorems"].append(later)
        step.update(rule="theorem", ref=later["name"], formula=later["statement"])
        step.pop("subst", None)
    elif mode == "broken":
        bogus = {"name": f"unproved_{thm['name']}_{step['id']}", "statement": step["formula"],
                 "method": "direct", "seconds": 0.0, "cites": [],
                 "steps": [{"id": 1, "rule": "assume", "formula": step["formula"], "premises": []}]}  # fmt: skip
        doc["theorems"].insert(here, bogus)
        step.update(rule="theorem", ref=bogus["name"])
        step.pop("subst", None)
    else:
        mode = "unknown"
        step.update(rule="theorem", ref=f"no_such_theorem_{step['id']}")
    _recompute_cites(thm)
    return Mutant("cite an unproved theorem", thm["name"], f"step {step['id']} cites a {mode} theorem", doc)


def citation_cycle(doc: J, rng: random.Random) -> Mutant | None:
    """A circular proof: T proved from copies of itself, each copy proved from the next."""
    thm = doc["theorems"][-1]
    length = rng.choice([1, 2, 3])
    names = [thm["name"]] + [f"{thm['name']}_copy{i}" for i in range(1, length)]
    index = doc["theorems"].index(thm)
    for i, name in enumerate(names):
        target = names[(i + 1) % length]
        entry = {"name": name, "statement": thm["statement"], "method": "direct", "seconds": 0.0,
                 "cites": [target],
                 "steps": [{"id": 1, "rule": "theorem", "ref": target, "formula": thm["statement"], "premises": []}]}  # fmt: skip
        if i == 0:
            doc["theorems"][index] = entry
        else:
            doc["theorems"].insert(index + i, entry)
    return Mutant("citation cycle", thm["name"], f"cycle of length {length}", doc)


def induction_without_hypothesis(doc: J, rng: random.Random) -> Mutant | None:
    picked = _pick(doc, rng, lambda t, s: s["rule"] == "induction")
    if not picked:
        return None
    thm, ind = picked
    by_id = {s["id"]: s for s in thm["steps"]}
    imps = [s for s in _used_steps(thm) if s["rule"] == "imp_intro" and by_id.get(s.get("discharges"), {})
            .get("rule") == "assume"]  # fmt: skip
    mode = rng.choice(["cases", "drop_hypothesis", "assume_goal"])
    if mode == "cases" or not imps:
        ind["rule"] = "cases"
        return Mutant("induction without its hypothesis", thm["name"], f"step {ind['id']}: induction -> cases", doc)
    imp = rng.choice(imps)
    goal = imp["formula"]["a"][1]
    if mode == "assume_goal":  # assume what the step case should prove
        by_id[imp["discharges"]]["formula"] = goal
        imp["formula"] = {"op": "implies", "a": [goal, goal]}
        return Mutant("induction without its hypothesis", thm["name"], "step case assumes its own goal", doc)
    for step in thm["steps"]:  # the step case without the implication from the hypothesis
        if imp["id"] in step.get("premises", []):
            step["premises"] = [imp["premises"][0] if p == imp["id"] else p for p in step["premises"]]
            if step["rule"] == "gen" and step["formula"]["op"] == "forall":
                step["formula"] = {"op": "forall", "var": step["formula"]["var"], "a": [goal]}
    thm["steps"].remove(imp)
    return Mutant("induction without its hypothesis", thm["name"], "step case drops its hypothesis", doc)


def change_statement(doc: J, rng: random.Random) -> Mutant | None:
    thm = doc["theorems"][-1]
    new = _mutate_formula_term(thm["statement"], doc, rng)
    if new is None:
        return None
    thm["statement"] = new
    return Mutant("change the statement", thm["name"], "changed a term of the statement", doc)


def smuggle_axiom(doc: J, rng: random.Random) -> Mutant | None:
    """Prove a theorem from an axiom added to (or altered in) the document's theory."""
    thm = doc["theorems"][-1]
    if rng.random() < 0.5:
        name = f"{thm['name']}_ax"
        doc["theory"]["axioms"].append({"name": name, "kind": "axiom", "formula": thm["statement"]})
        thm["steps"] = [{"id": 1, "rule": "axiom", "ref": name, "formula": thm["statement"], "premises": []}]
        thm["cites"] = []
        return Mutant("smuggle an axiom", thm["name"], f"added axiom {name}", doc)
    ax = rng.choice(doc["theory"]["axioms"])
    new = _mutate_formula_term(ax["formula"], doc, rng)
    if new is None:
        return None
    ax["formula"] = new
    return Mutant("smuggle an axiom", thm["name"], f"altered axiom {ax['name']}", doc)


# ---------------------------------------------------------------- binder, notation and schema forgeries


def _naive_subst(node: tuple[Any, ...], sigma: dict[tuple[str, str], tuple[Any, ...]]) -> tuple[Any, ...]:
    """Substitution that does not rename binders, so it captures: what a forger writes."""
    op = node[0]
    if op == "v":
        return sigma.get((node[1], node[2]), node)
    if op == "f":
        return ("f", node[1], tuple(_naive_subst(a, sigma) for a in node[2]))
    if op in ("forall", "exists"):
        inner = {k: t for k, t in sigma.items() if k != node[1]}
        return (op, node[1], _naive_subst(node[2], inner))
    if op == "rel":
        return ("rel", node[1], tuple(_naive_subst(a, sigma) for a in node[2]))
    return (op, *(_naive_subst(kid, sigma) for kid in node[1:]))


def _shadowings(formula: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    """Each way of renaming an inner binder to the name of an enclosing one of the same sort,
    with its occurrences, so that the enclosing variable's occurrences inside are captured."""
    for path in _binder_paths(formula):
        node, outer = node_at(formula, list(path))
        name, sort = node[1]
        for other, other_sort in outer:
            if other_sort == sort and other != name:
                body = _naive_subst(node[2], {(name, sort): ("v", other, sort)})
                new = replace_at(formula, list(path), (node[0], (other, sort), body))
                if not alpha_eq(new, formula):
                    yield new


def shadow_binder(doc: J, rng: random.Random) -> Mutant | None:
    """A step whose inner quantifier re-binds the name of an enclosing one (capturing it)."""
    picked = _pick(doc, rng, lambda t, s: any(True for _ in _shadowings(read_formula(s["formula"]))))
    if not picked:
        return None
    thm, step = picked
    step["formula"] = formula_to_json(rng.choice(list(_shadowings(read_formula(step["formula"])))))
    return Mutant("binder shadowing", thm["name"], f"step {step['id']}: an inner binder re-binds an outer name", doc)


def _equation_prefix(statement: tuple[Any, ...]) -> tuple[list[tuple[str, str]], tuple[Any, ...]] | None:
    variables = []
    while statement[0] == "forall":
        variables.append(statement[1])
        statement = statement[2]
    return (variables, statement) if statement[0] == "=" else None


def rebinding_forgery(doc: J, rng: random.Random) -> Mutant | None:
    """Issue 12's forgery, for any equation: from ∀u ∀w. u = u claim ∀u ∀u ∀w. u = w, drop the
    outer ∀u, instantiate u := l, w := r and generalise: l = r for every l and r."""
    thm = doc["theorems"][-1]
    shape = _equation_prefix(read_formula(thm["statement"]))
    if shape is None:
        return None
    variables, (_, left, right) = shape
    sort = _sort_of(left, _signature(doc))
    u, w = ("v", "u_forged", sort), ("v", "w_forged", sort)
    uu = ("=", u, u)
    chain: list[tuple[str, tuple[Any, ...], J]] = [
        ("refl", uu, {}),
        ("gen", ("forall", w[1:], uu), {"var": list(w[1:])}),
        ("gen", ("forall", u[1:], ("forall", w[1:], uu)), {"var": list(u[1:])}),
        ("gen", ("forall", u[1:], ("forall", u[1:], ("forall", w[1:], ("=", u, w)))), {"var": list(u[1:])}),
        ("inst", ("forall", u[1:], ("forall", w[1:], ("=", u, w))), {"subst": {u[1]: term_to_json(u)}}),
        ("inst", ("=", left, right), {"subst": {u[1]: term_to_json(left), w[1]: term_to_json(right)}}),
    ]
    body: tuple[Any, ...] = ("=", left, right)
    for var in reversed(variables):
        body = ("forall", var, body)
        chain.append(("gen", body, {"var": list(var)}))
    thm["steps"] = [{"id": i + 1, "rule": rule, "formula": formula_to_json(f), "premises": [i] if i else [], **extra}
                    for i, (rule, f, extra) in enumerate(chain)]  # fmt: skip
    thm["cites"] = []
    return Mutant("rebinding forgery", thm["name"], "step 4 re-binds u to equate all terms", doc)


def capture_in_inst(doc: J, rng: random.Random) -> Mutant | None:
    """An instance whose term is put under a quantifier binding one of its variables: strip m
    leading ∀ of a premise, and put for one of them the name an inner quantifier binds."""
    picked = _pick(doc, rng, lambda t, s: s["rule"] == "inst")
    if not picked:
        return None
    thm, step = picked
    premise = read_formula({s["id"]: s for s in thm["steps"]}[step["premises"][0]]["formula"])
    options = []
    keys: list[tuple[str, str]] = []
    body = premise
    while body[0] == "forall":
        keys.append(body[1])
        body = body[2]
        for path in _binder_paths(body):
            captor = node_at(body, list(path))[0][1]
            options += [(list(keys), body, key, captor) for key in keys if key[1] == captor[1] and key != captor]
    rng.shuffle(options)
    for keys, body, key, captor in options:
        old = step["subst"]
        sigma = {k: read_term(old[k[0]]) if k[0] in old else ("v", *k) for k in keys}
        sigma[key] = ("v", *captor)
        forged = _naive_subst(body, sigma)
        if not alpha_eq(forged, subst(body, sigma)):
            step["subst"] = {k[0]: term_to_json(t) for k, t in sigma.items()}
            step["formula"] = formula_to_json(forged)
            return Mutant("capture in a substitution", thm["name"], f"step {step['id']}: {key[0]} := {captor[0]} "
                          "is captured by an inner binder", doc)  # fmt: skip
    return None


def notation_swap(doc: J, rng: random.Random) -> Mutant | None:
    """Show something other than what is proved: swap the printed names of two constants or the
    symbols of two operators, or change a precedence or associativity."""
    thm = doc["theorems"][-1]
    functions = doc["theory"]["functions"]
    named = [f for f in functions if f.get("notation")]
    infix = [f for f in functions if f.get("infix")]
    modes = [m for m, ok in (("notation", len(named) > 1), ("infix", len(infix) > 1), ("precedence", infix)) if ok]
    if not modes:
        return None
    mode = rng.choice(modes)
    if mode == "precedence":
        fn = rng.choice(infix)
        if rng.random() < 0.5:
            fn["precedence"] = int(fn.get("precedence") or 0) + rng.choice([-3, 1, 2])
        else:
            fn["assoc"] = "right" if fn.get("assoc") != "right" else "left"
        return Mutant("notation swap", thm["name"], f"{fn['name']}: precedence or associativity changed", doc)
    first, second = rng.sample(named if mode == "notation" else infix, 2)
    if first[mode] == second[mode]:
        return None
    first[mode], second[mode] = second[mode], first[mode]
    return Mutant("notation swap", thm["name"], f"{mode} of {first['name']} and {second['name']} swapped", doc)


def schema_forgery(doc: J, rng: random.Random) -> Mutant | None:
    """Induction without a base case: the schema loses its base constructors and the attacked
    theorem's induction steps lose the premises for them."""
    picked = _pick(doc, rng, lambda t, s: s["rule"] in ("induction", "cases"))
    if not picked:
        return None
    thm, step = picked
    sort = step["var"][1]
    schema = next(i for i in doc["theory"]["induction"] if i["sort"] == sort)
    base = [k for k, c in enumerate(schema["constructors"]) if sort not in c.get("args", [])]
    schema["constructors"] = [c for k, c in enumerate(schema["constructors"]) if k not in base]
    for other in thm["steps"]:
        if other["rule"] in ("induction", "cases") and other["var"][1] == sort:
            other["premises"] = [p for k, p in enumerate(other["premises"]) if k not in base]
    return Mutant("schema forgery", thm["name"], f"induction on {sort} without its base case (step {step['id']})", doc)


OPERATORS: dict[str, Callable[[J, random.Random], Mutant | None]] = {
    "drop_step": drop_step,
    "swap_premise": swap_premise,
    "change_term": change_term,
    "change_field": change_field,
    "rename_variable": rename_variable,
    "cite_unproved": cite_unproved,
    "citation_cycle": citation_cycle,
    "induction_without_hypothesis": induction_without_hypothesis,
    "change_statement": change_statement,
    "smuggle_axiom": smuggle_axiom,
    "shadow_binder": shadow_binder,
    "rebinding_forgery": rebinding_forgery,
    "capture_in_inst": capture_in_inst,
    "notation_swap": notation_swap,
    "schema_forgery": schema_forgery,
}


def focus(doc: J, name: str) -> J:
    """A copy of `doc` holding theorem `name` (last) and, before it, the theorems it cites,
    transitively, in document order: the part of the document its verdict depends on.
    `later_theorems` lists a few theorems after it (for the "cite a later theorem" mutation)."""
    by_name = {t["name"]: t for t in doc["theorems"]}
    keep, todo = set(), [name]
    while todo:
        n = todo.pop()
        if n in keep or n not in by_name:
            continue
        keep.add(n)
        todo.extend(s["ref"] for s in by_name[n]["steps"] if s.get("rule") == "theorem")
    order = [t["name"] for t in doc["theorems"]]
    here = order.index(name)
    # the theorems it depends on are shared, not copied: operators change only the last one
    kept = [t for t in doc["theorems"] if t["name"] in keep and t["name"] != name]
    out = {k: v for k, v in doc.items() if k != "theorems"}
    out["theory"] = json.loads(json.dumps(doc["theory"]))
    out["theorems"] = [*kept, json.loads(json.dumps(by_name[name]))]
    later = [t for t in doc["theorems"][here + 1 :] if not ({s.get("ref") for s in t["steps"]} - keep - {None})]
    out["later_theorems"] = later[:5]
    return out


def _applies(op_name: str, thm: J) -> bool:
    if op_name == "induction_without_hypothesis":
        return any(s.get("rule") == "induction" for s in thm["steps"])
    if op_name == "schema_forgery":
        return any(s.get("rule") in ("induction", "cases") for s in thm["steps"])
    if op_name == "capture_in_inst":
        return any(s.get("rule") == "inst" for s in thm["steps"])
    if op_name == "rebinding_forgery":
        return _equation_prefix(read_formula(thm["statement"])) is not None
    if op_name == "shadow_binder":
        return any(True for s in thm["steps"] for _ in _shadowings(read_formula(s["formula"])))
    return True


def _key(doc: J, shared: set[int]) -> str:
    """A fingerprint of a focused document; shared (unchanged) theorems count by name."""
    theorems = [t["name"] if id(t) in shared else t for t in doc["theorems"]]
    return json.dumps([doc["theory"], theorems], sort_keys=True)


def random_mutants(doc: J, count: int, seed: int = 0) -> list[Mutant]:
    """`count` distinct mutants, operators drawn in turn, deterministic for a seed.

    Each mutant is a focused document (see `focus`): the attacked theorem last, after the
    theorems it depends on; the rest of the document cannot change whether it checks.
    """
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[Mutant] = []
    names = sorted(OPERATORS)
    theorems = [t["name"] for t in doc["theorems"]]
    by_name = {t["name"]: t for t in doc["theorems"]}
    attempts = 0
    while len(out) < count and attempts < count * 50:
        attempts += 1
        op_name = names[attempts % len(names)]
        op = OPERATORS[op_name]
        pool = [t for t in theorems if _applies(op_name, by_name[t])] or theorems
        target = rng.choice(pool)
        base = focus(doc, target)
        shared = {id(t) for t in base["theorems"][:-1]}
        original = _key(base, shared)
        mutant = op(base, rng)
        if mutant is None:
            continue
        mutant.doc.pop("later_theorems", None)
        key = _key(mutant.doc, shared)
        if key in seen or key == original:
            continue
        seen.add(key)
        out.append(mutant)
    return out
