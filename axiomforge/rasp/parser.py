"""The `.rasp` front end: parse with lark, then evaluate the statements into IR s-ops.

Evaluation is the type checker: s-ops, selectors, predicates, plain values and functions are
checked where they meet, and a mismatch is a `RaspTypeError` at that expression's location.
Lambdas and `def`s are closures; a lambda passed to `map` runs later, inside the interpreter
or the compiler's value-set stage, on plain values only.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import lark

from axiomforge.errors import SourceLocation, caret_excerpt, read_user_text
from axiomforge.rasp import ir
from axiomforge.rasp.errors import RaspSyntaxError, RaspTypeError
from axiomforge.rasp.limits import check_source

GRAMMAR_PATH = Path(__file__).with_name("rasp.lark")
MAX_CALL_DEPTH = 200


@lru_cache(maxsize=1)
def _parser() -> lark.Lark:
    return lark.Lark(GRAMMAR_PATH.read_text(), parser="lalr", propagate_positions=True, maybe_placeholders=True)


def parse_tree(text: str, filename: str = "<input>") -> lark.Tree:
    try:
        tree = _parser().parse(text)
    except lark.exceptions.UnexpectedInput as err:
        line, column = getattr(err, "line", None), getattr(err, "column", None)
        if isinstance(err, lark.exceptions.UnexpectedToken):
            token = err.token
            what = "end of file" if token.type == "$END" else f"'{token}'"
            if token.type == "$END":
                lines = text.splitlines() or [""]
                line, column = len(lines), len(lines[-1]) + 1
            expected = sorted(_TERMINALS.get(e, e.lower()) for e in err.expected if not e.startswith("__"))[:8]
            message = f"unexpected {what}" + (f"; expected one of {', '.join(expected)}" if expected else "")
        elif isinstance(err, lark.exceptions.UnexpectedCharacters):
            message = f"unexpected character {err.char!r}"
        else:
            message = "unexpected end of input (missing ';' or '}'?)"
        if line is None or line < 1:
            lines = text.splitlines() or [""]
            line, column = len(lines), len(lines[-1]) + 1
        detail = caret_excerpt(text, line, column or 1)
        raise RaspSyntaxError(message, SourceLocation(filename, line, column), detail) from None
    check_source(tree, text, filename)  # nesting depth and numeral length, before anything walks the tree
    return tree


_TERMINALS = {
    "COMMA": "','", "SEMICOLON": "';'", "LPAR": "'('", "RPAR": "')'", "LSQB": "'['", "RSQB": "']'",
    "LBRACE": "'{'", "RBRACE": "'}'", "EQUAL": "'='", "COLON": "':'", "NAME": "a name", "NUMBER": "a number",
    "STRING": "a string", "COMP_OP": "a comparison", "ADD_OP": "'+'/'-'", "MUL_OP": "'*'/'/'", "RETURN": "'return'",
    "IF": "'if'", "ELSE": "'else'", "LAMBDA": "'lambda'", "MINUS": "'-'", "TILDE": "'~'", "VBAR": "'|'",
    "AMPERSAND": "'&'", "NOT": "'not'", "AND": "'and'", "OR": "'or'", "DEF": "'def'", "LOAD": "'load'",
    "PRAGMA": "'pragma'", "$END": "end of file",
}


@dataclass
class Closure:
    """A language function (lambda or def) with its defining scope."""

    name: str
    params: list[str]
    body: Any  # an expression tree (lambda) or a `body` tree (def)
    scope: dict[str, Any]
    evaluator: Evaluator
    is_def: bool

    def __call__(self, *args: Any) -> Any:
        return self.evaluator.apply(self, list(args), None)


@dataclass(frozen=True)
class Builtin:
    name: str
    fn: Callable[..., Any]


class _Return(Exception):
    pass


_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": ir.exact_div,
    "//": operator.floordiv,
    "%": operator.mod,
}
_COMPARE: dict[str, ir.Comparison] = {c.value: c for c in ir.Comparison if c.value in ("==", "!=", "<", ">", "<=", ">=")}


def _compare_fn(op: str) -> Callable[[Any, Any], bool]:
    comparison = _COMPARE[op]
    return lambda a, b: comparison(a, b)


class Evaluator:
    """Turns parsed statements into IR; one instance per top-level file (with its loads)."""

    def __init__(self, filename: str, text: str) -> None:
        self.filename = filename
        self.text = text
        self.globals: dict[str, Any] = dict(_builtins(self))
        self.last_sop: ir.SOp | None = None
        self.causal = False
        self.loading: list[Path] = []
        self.depth = 0

    # -- errors --------------------------------------------------------------------------------
    def where(self, tree: Any) -> SourceLocation:
        meta = getattr(tree, "meta", None)
        line = getattr(tree, "line", None) or (getattr(meta, "line", None) if meta and not meta.empty else None)
        column = getattr(tree, "column", None) or (
            getattr(meta, "column", None) if meta and not meta.empty else None
        )
        return SourceLocation(self.filename, line, column)

    def fail(self, tree: Any, message: str) -> RaspTypeError:
        loc = self.where(tree)
        detail = caret_excerpt(self.text, loc.line, loc.column or 1) if loc.line else ""
        return RaspTypeError(message, loc, detail)

    # -- statements ----------------------------------------------------------------------------
    def run_file(self, tree: lark.Tree) -> None:
        for stmt in tree.children:
            self.statement(stmt, self.globals, top=True)

    def statement(self, stmt: lark.Tree, scope: dict[str, Any], top: bool) -> None:
        kind = stmt.data
        if kind == "assign":
            name, expr = stmt.children
            value = self.expr(expr, scope)
            if isinstance(value, ir.SOp | ir.Selector) and not _user_named(value):
                value = value.named(str(name))
            scope[str(name)] = value
            if top and isinstance(value, ir.SOp):
                self.last_sop = value
        elif kind == "funcdef":
            name, params, body = stmt.children
            names = [str(p) for p in params.children] if params is not None else []
            scope[str(name)] = Closure(str(name), names, body, scope, self, True)
        elif kind == "load":
            self.load(stmt, scope)
        elif kind == "pragma":
            word = str(stmt.children[0])
            if word != "causal":
                raise self.fail(stmt, f"unknown pragma '{word}' (known: causal)")
            self.causal = True
        elif kind == "exprstmt":
            value = self.expr(stmt.children[0], scope)
            if top and isinstance(value, ir.SOp):
                self.last_sop = value
        else:  # pragma: no cover - grammar and evaluator disagree
            raise self.fail(stmt, f"unsupported statement {kind}")

    def load(self, stmt: lark.Tree, scope: dict[str, Any]) -> None:
        token = stmt.children[0]
        rel = ast.literal_eval(str(token))
        base = Path(self.filename).parent if self.filename != "<input>" else Path.cwd()
        path = (base / rel).resolve()
        if not path.exists():
            library = Path(__file__).with_name("library") / rel
            path = library if library.exists() else path
        if not path.exists():
            raise self.fail(token, f"cannot load '{rel}': no such file")
        if path in self.loading:
            raise self.fail(token, f"cyclic load of '{rel}'")
        text = read_user_text(path)
        tree = parse_tree(text, str(path))
        saved = (self.filename, self.text)
        self.filename, self.text = str(path), text
        self.loading.append(path)
        try:
            for inner in tree.children:
                self.statement(inner, scope, top=False)
        finally:
            self.loading.pop()
            self.filename, self.text = saved

    # -- expressions ---------------------------------------------------------------------------
    def expr(self, tree: Any, scope: dict[str, Any]) -> Any:
        kind = tree.data
        method = getattr(self, f"_e_{kind}", None)
        if method is None:  # pragma: no cover
            raise self.fail(tree, f"unsupported expression {kind}")
        value = method(tree, scope)
        primitive = isinstance(value, ir.TokensType | ir.IndicesType | ir.LengthType)
        if isinstance(value, ir.SOp | ir.Selector) and value.location is None and not primitive:
            value = value.at(self.where(tree))
        return value

    def _e_number(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        text = str(tree.children[0])
        return Fraction(text) if "." in text else int(text)

    def _e_string(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        return ast.literal_eval(str(tree.children[0]))

    def _e_name(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        name = str(tree.children[0])
        if name in scope:
            return scope[name]
        if name in self.globals:
            return self.globals[name]
        raise self.fail(tree, f"unknown name '{name}'")

    def _e_predicate(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        return _COMPARE[str(tree.children[0])]

    def _e_listlit(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        args = tree.children[0]
        return [] if args is None else [self.expr(a, scope) for a in args.children]

    def _e_lambda_expr(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        params, body = tree.children
        names = [str(p) for p in params.children] if params is not None else []
        return Closure("lambda", names, body, dict(scope), self, False)

    def _e_call(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        fn_tree, args_tree = tree.children
        fn = self.expr(fn_tree, scope)
        args = [] if args_tree is None else [self.expr(a, scope) for a in args_tree.children]
        if isinstance(fn, Builtin):
            return fn.fn(tree, *args)
        if isinstance(fn, Closure):
            return self.apply(fn, args, tree)
        raise self.fail(fn_tree, f"{_kind(fn)} is not a function")

    def apply(self, fn: Closure, args: list[Any], tree: Any) -> Any:
        if len(args) != len(fn.params):
            message = f"function '{fn.name}' takes {len(fn.params)} argument(s), got {len(args)}"
            if tree is None:
                raise TypeError(message)
            raise self.fail(tree, message)
        self.depth += 1
        if self.depth > MAX_CALL_DEPTH:
            self.depth = 0
            raise self.fail(tree if tree is not None else fn.body, "recursion too deep")
        try:
            local = dict(fn.scope)
            local.update(zip(fn.params, args))
            if not fn.is_def:
                return self.expr(fn.body, local)
            *stmts, result = fn.body.children
            for stmt in stmts:
                self.statement(stmt, local, top=False)
            return self.expr(result, local)
        finally:
            self.depth -= 1

    def _e_index(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        base, index = (self.expr(c, scope) for c in tree.children)
        if isinstance(base, ir.RASPExpr):
            raise self.fail(tree, f"cannot index {_kind(base)}")
        try:
            return base[index]
        except Exception as err:
            raise self.fail(tree, f"bad index: {err}") from None

    def _e_binop(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        left_tree, op, right_tree = tree.children
        left, right = self.expr(left_tree, scope), self.expr(right_tree, scope)
        return self.lift(tree, _ARITH[str(op)], str(op), [left, right], arith=True)

    def _e_compare(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        left_tree, op, right_tree = tree.children
        left, right = self.expr(left_tree, scope), self.expr(right_tree, scope)
        return self.lift(tree, _compare_fn(str(op)), str(op), [left, right], arith=False)

    def _e_neg(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        value = self.expr(tree.children[0], scope)
        return self.lift(tree, operator.neg, "-", [value], arith=True)

    def _e_not_op(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        value = self.expr(tree.children[0], scope)
        if isinstance(value, ir.Selector):
            return ir.SelectorNot(value)
        return self.lift(tree, operator.not_, "not", [value], arith=False)

    def _e_invert(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        value = self.expr(tree.children[0], scope)
        if isinstance(value, ir.Selector):
            return ir.SelectorNot(value)
        raise self.fail(tree, f"'~' needs a selector, got {_kind(value)}")

    def _selector_pair(self, tree: lark.Tree, scope: dict[str, Any], word: str) -> tuple[Any, Any]:
        left, right = (self.expr(c, scope) for c in tree.children)
        sels = [isinstance(v, ir.Selector) for v in (left, right)]
        if any(sels) and not all(sels):
            raise self.fail(tree, f"'{word}' combines a selector with {_kind(right if sels[0] else left)}")
        return left, right

    def _e_bit_and(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        left, right = self._selector_pair(tree, scope, "&")
        if isinstance(left, ir.Selector):
            return ir.SelectorAnd(left, right)
        return self.lift(tree, lambda a, b: a & b, "&", [left, right], arith=False)

    def _e_bit_or(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        left, right = self._selector_pair(tree, scope, "|")
        if isinstance(left, ir.Selector):
            return ir.SelectorOr(left, right)
        return self.lift(tree, lambda a, b: a | b, "|", [left, right], arith=False)

    def _e_and_op(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        left, right = self._selector_pair(tree, scope, "and")
        if isinstance(left, ir.Selector):
            return ir.SelectorAnd(left, right)
        if not isinstance(left, ir.SOp) and not isinstance(right, ir.SOp):
            return left and right
        return self.lift(tree, lambda a, b: bool(a and b), "and", [left, right], arith=False)

    def _e_or_op(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        left, right = self._selector_pair(tree, scope, "or")
        if isinstance(left, ir.Selector):
            return ir.SelectorOr(left, right)
        if not isinstance(left, ir.SOp) and not isinstance(right, ir.SOp):
            return left or right
        return self.lift(tree, lambda a, b: bool(a or b), "or", [left, right], arith=False)

    def _e_ifelse(self, tree: lark.Tree, scope: dict[str, Any]) -> Any:
        then_tree, cond_tree, else_tree = tree.children
        cond = self.expr(cond_tree, scope)
        if isinstance(cond, ir.Selector):
            raise self.fail(cond_tree, "a selector cannot be a condition")
        if not isinstance(cond, ir.SOp):
            return self.expr(then_tree if cond else else_tree, scope)
        then, other = self.expr(then_tree, scope), self.expr(else_tree, scope)
        return self.lift(tree, lambda c, a, b: a if c else b, "if", [cond, then, other], arith=False)

    # -- lifting plain operations to s-ops -------------------------------------------------------
    def lift(self, tree: Any, fn: Callable[..., Any], name: str, values: list[Any], arith: bool) -> Any:
        """Apply `fn` to plain values, or build the Map/SequenceMap that applies it position-wise."""
        for v in values:
            if isinstance(v, ir.Selector):
                raise self.fail(tree, f"operator '{name}' does not apply to a selector")
            if isinstance(v, Closure | Builtin | ir.Comparison):
                raise self.fail(tree, f"operator '{name}' does not apply to {_kind(v)}")
        sops = [v for v in values if isinstance(v, ir.SOp)]
        if not sops:
            try:
                return fn(*values)
            except Exception as err:
                raise self.fail(tree, f"'{name}' failed: {type(err).__name__}: {err}") from None
        encoding = (
            ir.Encoding.NUMERICAL
            if arith and any(s.encoding is ir.Encoding.NUMERICAL for s in sops)
            else ir.Encoding.CATEGORICAL
        )
        loc = self.where(tree)
        if len(sops) == 1:
            slot = next(i for i, v in enumerate(values) if isinstance(v, ir.SOp))
            consts = list(values)

            def one(x: Any, consts: list[Any] = consts, slot: int = slot) -> Any:
                args = list(consts)
                args[slot] = x
                return fn(*args)

            return ir.Map(one, sops[0], encoding=encoding, location=loc, fn_label=name)
        if len(sops) == 2:
            slots = [i for i, v in enumerate(values) if isinstance(v, ir.SOp)]
            consts = list(values)

            def two(x: Any, y: Any, consts: list[Any] = consts, slots: list[int] = slots) -> Any:
                args = list(consts)
                args[slots[0]], args[slots[1]] = x, y
                return fn(*args)

            return ir.SequenceMap(two, sops[0], sops[1], encoding=encoding, location=loc, fn_label=name)
        pair = ir.SequenceMap(lambda a, b: (a, b), sops[0], sops[1], location=loc, fn_label="pair")
        return ir.SequenceMap(
            lambda ab, c: fn(ab[0], ab[1], c), pair, sops[2], encoding=encoding, location=loc, fn_label=name
        )


def _user_named(value: ir.RASPExpr) -> bool:
    return value.label in ("tokens", "indices", "length") or not value.label.split("_")[-1].isdigit()


def _kind(value: Any) -> str:
    if isinstance(value, ir.SOp):
        return f"s-op '{value.label}'"
    if isinstance(value, ir.Selector):
        return f"selector '{value.label}'"
    if isinstance(value, ir.Comparison):
        return f"predicate '{value.value}'"
    if isinstance(value, Closure):
        return f"function '{value.name}'"
    if isinstance(value, Builtin):
        return f"builtin '{value.name}'"
    return f"{type(value).__name__} {value!r}"


def _builtins(ev: Evaluator) -> dict[str, Any]:
    def need_sop(tree: Any, value: Any, what: str) -> ir.SOp:
        if not isinstance(value, ir.SOp):
            raise ev.fail(tree, f"{what} must be an s-op, got {_kind(value)}")
        return value

    def need_selector(tree: Any, value: Any, what: str) -> ir.Selector:
        if not isinstance(value, ir.Selector):
            raise ev.fail(tree, f"{what} must be a selector, got {_kind(value)}")
        return value

    def need_fn(tree: Any, value: Any, arity: int, what: str) -> Callable[..., Any]:
        if isinstance(value, Closure):
            if len(value.params) != arity:
                raise ev.fail(tree, f"{what} must take {arity} argument(s), '{value.name}' takes {len(value.params)}")
            return value
        if isinstance(value, ir.Comparison) and arity == 2:
            return value
        raise ev.fail(tree, f"{what} must be a function of {arity} argument(s), got {_kind(value)}")

    def arity(tree: Any, args: tuple[Any, ...], name: str, low: int, high: int) -> None:
        if not low <= len(args) <= high:
            want = str(low) if low == high else f"{low} to {high}"
            raise ev.fail(tree, f"{name}() takes {want} argument(s), got {len(args)}")

    def b_map(tree: Any, *args: Any) -> ir.SOp:
        arity(tree, args, "map", 2, 2)
        fn = need_fn(tree, args[0], 1, "map's first argument")
        inner = need_sop(tree, args[1], "map's second argument")
        return ir.Map(fn, inner, fn_label=getattr(args[0], "name", "fn"))

    def b_zipmap(tree: Any, *args: Any) -> ir.SOp:
        arity(tree, args, "zipmap", 3, 3)
        fn = need_fn(tree, args[0], 2, "zipmap's first argument")
        left = need_sop(tree, args[1], "zipmap's second argument")
        right = need_sop(tree, args[2], "zipmap's third argument")
        return ir.SequenceMap(fn, left, right, fn_label=getattr(args[0], "name", "fn"))

    def b_select(tree: Any, *args: Any) -> ir.Selector:
        arity(tree, args, "select", 3, 3)
        keys = need_sop(tree, args[0], "select's keys")
        queries = need_sop(tree, args[1], "select's queries")
        pred = args[2]
        if isinstance(pred, bool):
            predicate: ir.PredicateLike = ir.Comparison.TRUE if pred else ir.Comparison.FALSE
        elif isinstance(pred, ir.Comparison):
            predicate = pred
        elif isinstance(pred, Closure):
            predicate = ir.Predicate(need_fn(tree, pred, 2, "select's predicate"), pred.name)
        else:
            raise ev.fail(tree, f"select's predicate must be ==, <, ..., a boolean or a 2-argument lambda, got {_kind(pred)}")
        return ir.Select(keys, queries, predicate)

    def make_aggregate(reduction: ir.Reduction) -> Callable[..., ir.SOp]:
        def b_aggregate(tree: Any, *args: Any) -> ir.SOp:
            name = "aggregate" if reduction is ir.Reduction.MEAN else f"aggregate_{reduction.value}"
            arity(tree, args, name, 2, 3)
            sel = need_selector(tree, args[0], f"{name}'s first argument")
            sop = need_sop(tree, args[1], f"{name}'s second argument")
            numeric = sop.encoding is ir.Encoding.NUMERICAL or reduction is ir.Reduction.SUM
            default = args[2] if len(args) == 3 else (0 if numeric else None)
            if isinstance(default, ir.RASPExpr | Closure | Builtin):
                raise ev.fail(tree, f"{name}'s default must be a plain value, got {_kind(default)}")
            encoding = ir.Encoding.NUMERICAL if numeric else ir.Encoding.CATEGORICAL
            return ir.Aggregate(sel, sop, default, encoding=encoding, reduction=reduction)

        return b_aggregate

    def b_selector_width(tree: Any, *args: Any) -> ir.SOp:
        arity(tree, args, "selector_width", 1, 1)
        return ir.SelectorWidth(need_selector(tree, args[0], "selector_width's argument"))

    def b_numerical(tree: Any, *args: Any) -> ir.SOp:
        arity(tree, args, "numerical", 1, 1)
        return ir.numerical(need_sop(tree, args[0], "numerical's argument"))

    def b_categorical(tree: Any, *args: Any) -> ir.SOp:
        arity(tree, args, "categorical", 1, 1)
        return ir.categorical(need_sop(tree, args[0], "categorical's argument"))

    def b_full(tree: Any, *args: Any) -> ir.SOp:
        arity(tree, args, "full", 1, 1)
        if isinstance(args[0], ir.RASPExpr):
            raise ev.fail(tree, "full's argument must be a plain value")
        return ir.Full(args[0])

    def plain(name: str, fn: Callable[..., Any]) -> Builtin:
        def call(tree: Any, *args: Any) -> Any:
            for a in args:
                if isinstance(a, ir.RASPExpr):
                    raise ev.fail(tree, f"{name}() works on plain values, not {_kind(a)}")
            try:
                return fn(*args)
            except Exception as err:
                raise ev.fail(tree, f"{name}() failed: {err}") from None

        return Builtin(name, call)

    table: dict[str, Any] = {
        "tokens": ir.tokens,
        "indices": ir.indices,
        "length": ir.length,
        "True": True,
        "False": False,
        "true": True,
        "false": False,
        "TRUE": ir.Comparison.TRUE,
        "FALSE": ir.Comparison.FALSE,
        "None": None,
        "map": Builtin("map", b_map),
        "zipmap": Builtin("zipmap", b_zipmap),
        "sequence_map": Builtin("sequence_map", b_zipmap),
        "select": Builtin("select", b_select),
        "aggregate": Builtin("aggregate", make_aggregate(ir.Reduction.MEAN)),
        "aggregate_sum": Builtin("aggregate_sum", make_aggregate(ir.Reduction.SUM)),
        "aggregate_max": Builtin("aggregate_max", make_aggregate(ir.Reduction.MAX)),
        "aggregate_min": Builtin("aggregate_min", make_aggregate(ir.Reduction.MIN)),
        "selector_width": Builtin("selector_width", b_selector_width),
        "numerical": Builtin("numerical", b_numerical),
        "categorical": Builtin("categorical", b_categorical),
        "full": Builtin("full", b_full),
        "min": plain("min", min),
        "max": plain("max", max),
        "abs": plain("abs", abs),
        "int": plain("int", int),
        "str": plain("str", str),
        "len": plain("len", len),
    }
    return table


def load_program(text: str, filename: str = "<input>", output: str | None = None) -> ir.Program:
    """Parse and evaluate a `.rasp` text; the program's output is `output`, else the name
    `output`, else the last top-level s-op."""
    tree = parse_tree(text, filename)
    ev = Evaluator(filename, text)
    ev.run_file(tree)
    names = {k: v for k, v in ev.globals.items() if isinstance(v, ir.RASPExpr)}
    wanted = output or ("output" if "output" in names else None)
    if wanted is not None:
        value = ev.globals.get(wanted)
        if not isinstance(value, ir.SOp):
            what = "is not defined" if value is None else f"is {_kind(value)}, not an s-op"
            raise RaspTypeError(f"output '{wanted}' {what}", SourceLocation(filename))
        result: ir.SOp = value
    elif ev.last_sop is not None:
        result = ev.last_sop
    else:
        raise RaspTypeError("the program defines no s-op to output", SourceLocation(filename))
    return ir.Program(result, names, ev.causal, text)


def load_file(path: str | Path, output: str | None = None) -> ir.Program:
    path = Path(path)
    if not path.exists():
        raise RaspTypeError("no such file", SourceLocation(str(path)))
    return load_program(read_user_text(path), str(path), output)
