"""Malformed input never crashes: mutated theory files either parse or raise a UserError, and the
CLI turns the error into `error: file:line:col: ...` with exit code 2."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from axiomforge.cli import main
from axiomforge.errors import UserError
from axiomforge.logic.gl_reader import read_gl_text
from axiomforge.logic.ir import Theory
from axiomforge.logic.parser import parse_theory_text

ROOT = Path(__file__).resolve().parents[2]
SOURCES = {name: (ROOT / "theories" / name).read_text(encoding="utf-8")
           for name in ("peano.mpl", "lists.mpl", "gl/peano.gl")}
MPL_SOURCES = [SOURCES["peano.mpl"], SOURCES["lists.mpl"]]

_TOKEN = re.compile(r"\s+|[A-Za-z_][A-Za-z0-9_']*|\d+|\"[^\"\n]*\"|->|<->|!=|:=|\S")
INSERTABLE = ["(", ")", ",", ".", ":", ":=", "=", "!=", "+", "*", "·", "->", "<->", "∀", "∃", "¬", "∧", "∨",
              "forall", "exists", "and", "or", "not", "axiom", "expect", "sort", "function", "const",
              "definition", "induction", "relation", "include", "theory", "notation", "infix", "precedence",
              "left", "Prop", "N", "List", "s", "zero", "x", "0", "1", "[]", "[", "]", '"', '"+"', "\n",
              "//", "/*", "\x00", "é", "\t", "99999999999999999999", "(x : N)", "true", "~", "/\\", "\\/"]


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


@st.composite
def mutated(draw: st.DrawFn, sources: list[str]) -> str:
    text = draw(st.sampled_from(sources))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["del_char", "ins_char", "swap_char", "del_tok", "ins_tok", "swap_tok",
                                   "dup_tok", "replace_tok"]))
        if op.endswith("char"):
            i = draw(st.integers(0, max(len(text) - 1, 0)))
            if op == "del_char":
                text = text[:i] + text[i + 1:]
            elif op == "ins_char":
                char = draw(st.one_of(st.sampled_from("()[],.:=!+*-><~\"/\\ \n0x∀∃¬→≠·"), st.characters()))
                text = text[:i] + char + text[i:]
            elif len(text) > i + 1:
                text = text[:i] + text[i + 1] + text[i] + text[i + 2:]
            continue
        toks = _tokens(text)
        if not toks:
            continue
        i = draw(st.integers(0, len(toks) - 1))
        if op == "del_tok":
            del toks[i]
        elif op == "ins_tok":
            toks.insert(i, draw(st.sampled_from(INSERTABLE)))
        elif op == "swap_tok" and i + 1 < len(toks):
            toks[i], toks[i + 1] = toks[i + 1], toks[i]
        elif op == "dup_tok":
            toks.insert(i, toks[i])
        elif op == "replace_tok":
            toks[i] = draw(st.one_of(st.sampled_from(INSERTABLE), st.sampled_from(toks)))
        text = "".join(toks)
    return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(MPL_SOURCES))
def test_mutated_mpl_parses_or_raises_a_user_error(text):
    try:
        theory = parse_theory_text(text, "fuzz.mpl")
    except UserError as err:
        assert err.location is not None and err.location.file == "fuzz.mpl"
        assert err.format().startswith("error: fuzz.mpl")
    else:
        assert isinstance(theory, Theory)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated([SOURCES["gl/peano.gl"]]))
def test_mutated_gl_reads_or_raises_a_user_error(text):
    try:
        read_gl_text(text, "fuzz.gl")
    except UserError as err:
        assert err.format().startswith("error: fuzz.gl")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutated(MPL_SOURCES))
def test_cli_reports_errors_in_one_line_with_exit_2(tmp_path, text):
    path = tmp_path / "fuzz.mpl"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["mpl", "check", str(path)])
    if code == 0:
        assert "is well-formed" in out.getvalue()
    else:
        assert code == 2
        first = err.getvalue().splitlines()[0]
        assert re.match(rf"error: {re.escape(str(path))}(:\d+:\d+)?: \S", first), first
        assert "Traceback" not in err.getvalue()


def test_cli_error_has_location_and_caret(tmp_path):
    path = tmp_path / "bad.mpl"
    path.write_text("sort N\naxiom a : forall x. x + = x\n", encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["mpl", "check", str(path)])
    lines = err.getvalue().splitlines()
    assert code == 2
    assert lines[0].startswith(f"error: {path}:2:25: unexpected '='; expected ")
    assert lines[1] == "  axiom a : forall x. x + = x"
    assert lines[2] == "  " + " " * 24 + "^"
