"""Readable infix printing of JSON terms and formulas, from the notation the theory declares.

The theory section lists, per function, `infix` (a binary operator symbol), `notation` (a
constant's printed name, such as "0"), and optionally `precedence` (higher binds tighter) and
`assoc` ("left", "right", "none"). Without precedence, well-known symbols get the usual one and
anything else is parenthesised. Relations with `infix` print between their two arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from axiomforge.proofs.syntax import BINARY_OPS, Formula, Term, read_formula, read_term

_DEFAULT_PRECEDENCE = {"*": 7, "·": 7, "+": 6, "-": 6, "++": 5}
_UNICODE = {"forall": "∀", "exists": "∃", "not": "¬", "and": "∧", "or": "∨", "implies": "→", "iff": "↔",
            "!=": "≠", "true": "⊤", "false": "⊥"}  # fmt: skip
_ASCII = {"forall": "forall", "exists": "exists", "not": "~", "and": "/\\", "or": "\\/", "implies": "->",
          "iff": "<->", "!=": "!=", "true": "true", "false": "false"}  # fmt: skip
# Formula binding strength: quantifiers reach furthest right, atoms bind tightest.
_LEVEL = {"iff": 1, "implies": 2, "or": 3, "and": 4}


def _items(theory: Any, key: str) -> list[Any]:
    value = theory.get(key) if isinstance(theory, Mapping) else None
    return value if isinstance(value, list) else []


class Printer:
    def __init__(self, theory: Mapping[str, Any] | None = None, ascii: bool = False) -> None:
        self.symbols = _ASCII if ascii else _UNICODE
        self.infix: dict[str, tuple[str, int, str]] = {}
        self.names: dict[str, str] = {}
        self.rel_infix: dict[str, str] = {}
        theory = theory or {}
        for fn in _items(theory, "functions"):
            if not isinstance(fn, Mapping):
                continue
            name = str(fn.get("name"))
            raw_args = fn.get("args")
            args: list[Any] = raw_args if isinstance(raw_args, list) else []
            if fn.get("infix") and len(args) == 2:
                symbol = str(fn["infix"])
                precedence = fn.get("precedence")
                if not isinstance(precedence, int):
                    precedence = _DEFAULT_PRECEDENCE.get(symbol, 0)
                assoc = fn.get("assoc") if fn.get("assoc") in ("left", "right", "none") else "left"
                self.infix[name] = (symbol, precedence, str(assoc))
            if fn.get("notation"):
                self.names[name] = str(fn["notation"])
        for rel in _items(theory, "relations"):
            if isinstance(rel, Mapping) and rel.get("infix") and isinstance(rel.get("args"), list) and len(rel["args"]) == 2:
                self.rel_infix[str(rel.get("name"))] = str(rel["infix"])

    # -------------------------------------------------------------- terms

    def term(self, term: Term, outer: int = -1, side: str = "") -> str:
        if term[0] == "v":
            return str(term[1])
        name, args = term[1], term[2]
        if name in self.infix and len(args) == 2:
            symbol, prec, assoc = self.infix[name]
            left = self.term(args[0], prec, "left" if assoc == "left" else "")
            right = self.term(args[1], prec, "right" if assoc == "right" else "")
            text = f"{left} {symbol} {right}"
            if outer > prec or (outer == prec and (side == "" or prec == 0)):
                return f"({text})"
            return text
        shown = str(self.names.get(name, name))
        if not args:
            return shown
        return f"{shown}({', '.join(self.term(a) for a in args)})"

    # -------------------------------------------------------------- formulas

    def formula(self, formula: Formula, outer: int = 0) -> str:
        op = formula[0]
        sym = self.symbols
        if op == "=":
            return f"{self.term(formula[1])} = {self.term(formula[2])}"
        if op == "rel":
            if formula[1] in self.rel_infix and len(formula[2]) == 2:
                return f"{self.term(formula[2][0])} {self.rel_infix[formula[1]]} {self.term(formula[2][1])}"
            return f"{formula[1]}({', '.join(self.term(a) for a in formula[2])})"
        if op in ("true", "false"):
            return sym[op]
        if op == "not":
            body = formula[1]
            if body[0] == "=":
                return f"{self.term(body[1])} {sym['!=']} {self.term(body[2])}"
            return f"{sym['not']}{self.formula(body, 5)}"
        if op in BINARY_OPS:
            level = _LEVEL[op]
            # `implies` is right-associative; the others are printed with explicit grouping
            left = self.formula(formula[1], level + 1)
            right = self.formula(formula[2], level if op == "implies" else level + 1)
            text = f"{left} {sym[op]} {right}"
            return f"({text})" if outer > level else text
        names, body = [formula[1][0]], formula[2]
        while body[0] == op:
            names.append(body[1][0])
            body = body[2]
        sep = " " if sym is _ASCII else ""
        text = f"{sym[op]}{sep}{' '.join(names)}. {self.formula(body, 0)}"
        return f"({text})" if outer > 0 else text

    def show(self, formula_json: Any) -> str:
        """Print a JSON formula; malformed input prints as its JSON text rather than failing."""
        try:
            return self.formula(read_formula(formula_json))
        except (ValueError, TypeError, KeyError, IndexError, RecursionError):
            return repr(formula_json)

    def show_term(self, term_json: Any) -> str:
        try:
            return self.term(read_term(term_json))
        except (ValueError, TypeError, KeyError, IndexError, RecursionError):
            return repr(term_json)
