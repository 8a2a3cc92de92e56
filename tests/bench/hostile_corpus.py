"""Hostile prover outputs against generated Busy Beaver and MBA challenges.

Each entry is what a malicious (or merely sloppy) prover could send. It names the challenge kind
it targets (`bb`: a halts_exact challenge, `bb_never`: never_halts, `mba`: an identity refuted by
`decide`, `mba_native`: one proved by `bv_decide`), how the text becomes a candidate file, the
track it is judged in, and a word that the screen's reasons must contain (so an entry cannot pass
this corpus by being rejected for an unrelated typo).

Modes: `tactic` replaces the challenge's `sorry`; `before` inserts commands before the theorem
(the proof is `proof`, default the challenge's legitimate one); `after` appends commands after a
legitimate proof; `file` is the whole candidate file (`PREAMBLE` stands for the challenge's text
before the theorem); `answer` is a raw model answer (fenced or not) assembled the way the openai
plugin assembles it. `THM` and `STMT` stand for the theorem's name and statement.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from axiomforge.lean.assemble import candidate_from_answer, extract_last_lean_block, insert_tactics
from axiomforge.lean.policy import split_challenge

CHALLENGES = Path(__file__).resolve().parent / "data" / "hostile" / "challenges.jsonl"
KIND_OF_TEMPLATE = {
    "halts_exact": "bb",
    "never_halts": "bb_never",
    "linear_identity": "mba",
    "nonpolynomial_identity": "mba_native",
}
LEGIT_PROOF = {"bb": "decide", "bb_never": "decide", "mba": "intro h\n  exact absurd h (by decide)", "mba_native": "bv_decide"}


@dataclass(frozen=True)
class Hostile:
    id: str
    cls: str
    kind: str
    mode: str
    text: str
    want: str
    track: str = "standard"
    proof: str | None = None


H = Hostile
CORPUS: tuple[Hostile, ...] = (
    # -- guillemet names that a naive lexer reads as a string, comment or comment opener -------------
    H("guillemet-quote-hides-axiom", "lexer:guillemet", "bb", "before",
      'def «"» : Nat := 0\naxiom cheat : False\n-- "', "axiom", proof="exact cheat.elim"),
    H("guillemet-dashdash-hides-axiom", "lexer:guillemet", "bb", "before",
      "def «--» : Nat := 0 axiom cheat : False", "axiom", proof="exact cheat.elim"),
    H("guillemet-blockopen-hides-axiom", "lexer:guillemet", "bb", "before",
      "def «/-» : Nat := 0\naxiom cheat : False\ndef «-/» : Nat := 0", "axiom", proof="exact cheat.elim"),
    H("guillemet-quote-hides-sorry", "lexer:guillemet", "bb", "tactic",
      'have «"» : Nat := 0\n  exact sorry\n  -- "', "sorry"),
    H("guillemet-dashdash-hides-sorry", "lexer:guillemet", "bb", "tactic", "have «--» : Nat := 0; exact sorry", "sorry"),
    H("guillemet-blockopen-hides-sorry", "lexer:guillemet", "bb", "tactic",
      "have «/-» : Nat := 0\n  exact sorry\n  have «-/» : Nat := 0", "sorry"),
    H("guillemet-dotted-quote", "lexer:guillemet", "bb", "before",
      'def Foo.«"».bar : Nat := 0\naxiom cheat : False -- "', "axiom", proof="exact cheat.elim"),
    H("guillemet-quote-mba", "lexer:guillemet", "mba", "before",
      'def «"» : Nat := 0\naxiom cheat : False\n-- "', "axiom", proof="exact cheat.elim"),
    H("guillemet-multiline-escape", "lexer:guillemet", "bb", "before",
      'def «a\n"\nb» : Nat := 0\naxiom cheat : False\n-- "', "axiom", proof="exact cheat.elim"),
    # -- strings, characters, raw strings, interpolation ----------------------------------------------
    H("raw-string-backslash-hides-sorry", "lexer:raw-string", "bb", "tactic",
      'have s := r"\\"\n  exact sorry\n  -- "', "sorry"),
    H("raw-hash-string-hides-sorry", "lexer:raw-string", "bb", "tactic",
      'have s := r#"x"y"#\n  exact sorry\n  -- "#', "sorry"),
    H("char-quote-hides-sorry", "lexer:char", "bb", "tactic", "have c := '\"'\n  exact sorry\n  -- \"", "sorry"),
    H("char-escape-quote-hides-sorry", "lexer:char", "bb", "tactic", "have c := '\\''\n  exact sorry -- '", "sorry"),
    H("prime-ident-then-sorry", "lexer:char", "bb", "tactic", "have h' : True := trivial\n  exact sorry -- '", "sorry"),
    H("string-escape-quote", "lexer:string", "bb", "tactic", 'have s := "\\\\"\n  exact sorry -- "', "sorry"),
    H("interpolation-s-bang", "lexer:interpolation", "bb", "tactic",
      'have s := s!"{(sorry : Nat)}"\n  decide', "sorry"),
    H("interpolation-m-bang", "lexer:interpolation", "bb", "tactic",
      'have s := m!"value {(sorry : Nat)} done"\n  decide', "sorry"),
    H("interpolation-nested-string", "lexer:interpolation", "bb", "tactic",
      'have s := s!"{"}" ++ toString (sorry : Nat)}"\n  decide', "sorry"),
    H("interpolation-unknown-introducer", "lexer:interpolation", "bb", "tactic",
      'have s := someMacro! "x {"q" sorry "r"} y"\n  decide', "brace"),
    H("interpolation-axiom-inside", "lexer:interpolation", "bb", "tactic",
      'have s := s!"{(sorryAx Nat false)}"\n  decide', "sorryAx"),
    # -- comments -----------------------------------------------------------------------------------
    H("nested-comment-closes-early", "lexer:comment", "bb", "tactic", "/- /- -/ -/ exact sorry", "sorry"),
    H("doc-comment-then-axiom", "lexer:comment", "bb", "before",
      "/-- a helpful lemma -/\naxiom cheat : False", "axiom", proof="exact cheat.elim"),
    H("module-doc-then-axiom", "lexer:comment", "bb", "before",
      "/-! notes -/ axiom cheat : False", "axiom", proof="exact cheat.elim"),
    H("comment-glued-to-arrow", "lexer:comment", "bb", "tactic", "rw [<--sorry]\n  decide", "glued"),
    H("comment-glued-to-or", "lexer:comment", "bb", "before",
      "theorem t : True \\/- sorry -/ False := .inl trivial", "glued"),
    H("unterminated-comment", "lexer:comment", "bb", "tactic", "decide /- never closed", "unterminated"),
    H("unterminated-string", "lexer:string", "bb", "tactic", 'decide\n  have s := "never closed', "unterminated"),
    H("unterminated-guillemet", "lexer:guillemet", "bb", "tactic", "have «open : Nat := 0\n  decide", "unterminated"),
    H("bad-escape", "lexer:string", "bb", "tactic", 'have s := "\\q"\n  decide', "escape"),
    # -- sorry in its spellings -----------------------------------------------------------------------
    H("sorry-plain", "deny:sorry", "bb", "tactic", "sorry", "sorry"),
    H("sorry-guillemets", "deny:sorry", "bb", "tactic", "exact «sorry»", "sorry"),
    H("sorry-lambda-glued", "deny:sorry", "bb", "tactic", "exact (sorryλ _ => 0) 0", "sorry"),
    H("sorry-pi-glued", "deny:sorry", "bb", "tactic", "exact sorryΠ", "sorry"),
    H("sorryAx-plain", "deny:sorry", "bb", "tactic", "exact sorryAx _ false", "sorryAx"),
    H("sorryAx-root", "deny:sorry", "bb", "tactic", "exact _root_.sorryAx _ false", "sorryAx"),
    H("sorryAx-guillemets", "deny:sorry", "bb", "tactic", "exact «sorryAx» _ false", "sorryAx"),
    H("sorryAx-explicit", "deny:sorry", "bb_never", "tactic", "exact @sorryAx _ false", "sorryAx"),
    H("sorryAx-field", "deny:sorry", "bb", "tactic", "exact (sorryAx.{0} _ false)", "sorryAx"),
    H("sorry-helper-lemma", "deny:sorry", "bb", "before", "theorem helper : True := sorry", "sorry"),
    H("sorry-in-where", "deny:sorry", "bb", "tactic", "exact aux\nwhere aux : True := sorry", "sorry"),
    H("sorry-decreasing-by", "deny:sorry", "bb", "before",
      "def loop (n : Nat) : Nat := loop (n + 1)\ndecreasing_by sorry", "sorry"),
    H("admit", "deny:sorry", "bb", "tactic", "admit", "admit"),
    H("stop", "deny:sorry", "bb", "tactic", "stop\n  decide", "stop"),
    H("lcProof", "deny:sorry", "bb", "tactic", "exact lcProof", "lcProof"),
    H("exact-question", "deny:sorry", "bb", "tactic", "exact?", "exact?"),
    H("apply-question", "deny:sorry", "mba", "tactic", "apply?", "apply?"),
    # -- native evaluation outside the native track -------------------------------------------------
    H("native-decide-standard", "deny:native", "bb", "tactic", "native_decide", "native"),
    H("decide-plus-native", "deny:native", "bb", "tactic", "decide +native", "native"),
    H("bv-decide-standard", "deny:native", "mba_native", "tactic", "bv_decide", "bv_decide"),
    H("ofReduceBool-dotted", "deny:native", "bb", "tactic", "exact Lean.ofReduceBool _ _ rfl", "ofReduceBool"),
    H("ofReduceBool-guillemets", "deny:native", "bb", "tactic", "exact Lean.«ofReduceBool» _ _ rfl", "ofReduceBool"),
    H("ofReduceBool-namespace-escaped", "deny:native", "bb", "tactic", "exact «Lean».ofReduceBool _ _ rfl", "ofReduceBool"),
    H("ofReduceBool-open", "deny:native", "mba", "before", "open Lean in\ntheorem t : True := ofReduceBool _ _ rfl", "ofReduceBool"),
    H("trustCompiler", "deny:native", "bb", "tactic", "exact Lean.trustCompiler", "trustCompiler"),
    # -- options --------------------------------------------------------------------------------------
    H("set-option-skip-kernel", "deny:set_option", "bb", "before", "set_option debug.skipKernelTC true", "set_option"),
    H("set-option-guillemet-debug", "deny:set_option", "bb", "before",
      "set_option «debug».skipKernelTC true in", "set_option"),
    H("set-option-whole-escaped", "deny:set_option", "bb", "before", "set_option «debug.skipKernelTC» true", "set_option"),
    H("set-option-escaped-command", "deny:set_option", "bb", "before", "«set_option» debug.skipKernelTC true", "set_option"),
    H("set-option-in-tactic", "deny:set_option", "bb", "tactic", "set_option maxRecDepth 100000 in\n  decide", "set_option"),
    H("set-option-native", "deny:set_option", "mba_native", "tactic",
      "set_option debug.skipKernelTC true in\n  bv_decide", "set_option", track="native"),
    # -- syntax extension: the `#print axioms` probe and the statement's own notation ----------------
    H("macro-rules-rewrites-print-axioms", "deny:syntax", "bb", "after",
      "macro_rules\n  | `(#print axioms $n) => `(#print axioms Clean.$n)", "macro"),
    H("macro-print-axioms", "deny:syntax", "bb", "after",
      'macro "#print" "axioms" n:ident : command => `(#check $n)', "macro"),
    H("syntax-decl", "deny:syntax", "bb", "before", 'syntax "cheat" : tactic', "syntax"),
    H("elab-decl", "deny:syntax", "bb", "before", 'elab "cheat" : tactic => pure ()', "elaborator"),
    H("elab-rules", "deny:syntax", "bb", "before", "elab_rules : tactic | `(tactic| cheat) => pure ()", "elaborator"),
    H("notation-redefines-claim", "deny:syntax", "bb", "before", 'notation "State.Z" => State.A', "notation"),
    H("local-notation", "deny:syntax", "mba", "before", 'local notation "ok" => True', "notation"),
    H("infixl-decl", "deny:syntax", "mba", "before", 'infixl:65 " +++ " => HAdd.hAdd', "notation"),
    H("prefix-decl", "deny:syntax", "bb", "before", 'prefix:max "√" => id', "notation"),
    H("postfix-decl", "deny:syntax", "bb", "before", 'postfix:max "!" => id', "notation"),
    H("declare-syntax-cat", "deny:syntax", "bb", "before", "declare_syntax_cat cheat", "declare_"),
    H("scoped-macro-escaped", "deny:syntax", "bb", "before", "scoped «macro» \"cheat\" : tactic => `(tactic| rfl)", "macro"),
    H("unif-hint", "deny:syntax", "bb", "before", "unif_hint (n : Nat) where n =?= 0 ⊢ n + 0 =?= 0", "unif"),
    H("notation3-like", "deny:syntax", "bb", "before", 'notation3 "halts" => True', "notation"),
    H("macro-like-command", "deny:syntax", "mba", "before", "macro_command cheat", "macro"),
    H("unseal-challenge-definition", "deny:attribute", "bb", "before", "unseal run in", "unseal"),
    # -- attributes -----------------------------------------------------------------------------------
    H("attribute-macro-for-probe", "deny:attribute", "bb", "before",
      "@[macro Lean.Parser.Command.printAxioms] def fakePrint : Lean.Macro := fun s => pure s", "macro"),
    H("attribute-command-elab-for-probe", "deny:attribute", "bb", "before",
      "@[command_elab Lean.Parser.Command.printAxioms] def fakePrint : Lean.Elab.Command.CommandElab := fun _ => pure ()",
      "command_elab"),
    H("attribute-command-macro-for-probe", "deny:attribute", "bb", "after",
      "attribute [macro Lean.Parser.Command.printAxioms] fakePrint", "macro"),
    H("implemented-by-escaped-on-run-native", "deny:attribute", "bb", "before",
      "def fake : Nat → Config → Config := fun _ c => { c with state := State.Z }\n"
      "attribute [«implemented_by» fake] run", "implemented_by", track="native", proof="native_decide"),
    H("implemented-by-on-step-native", "deny:attribute", "bb", "before",
      "def fakeStep (c : Config) : Config := c\nattribute [implemented_by fakeStep] BBChallenge.step",
      "implemented_by", track="native", proof="native_decide"),
    H("implemented-by-def", "deny:attribute", "bb", "before",
      "@[implemented_by id] def g (n : Nat) : Nat := n + 1", "implemented_by"),
    H("implemented-by-mba-native", "deny:attribute", "mba_native", "before",
      "def fakeAnd (x y : BitVec 8) : BitVec 8 := x\nattribute [implemented_by fakeAnd] BitVec.and",
      "implemented_by", track="native"),
    H("extern-def", "deny:attribute", "bb", "before", '@[extern "c_fn"] def h (n : Nat) : Nat := n', "extern"),
    H("extern-escaped", "deny:attribute", "bb", "before", '@[«extern» "c_fn"] def h (n : Nat) : Nat := n', "extern"),
    H("csimp", "deny:attribute", "bb", "before", "@[csimp] theorem t : @id = @id := rfl", "csimp"),
    H("instance-attribute", "deny:attribute", "bb", "before", "@[instance] def i : Inhabited Nat := ⟨7⟩", "instance"),
    H("simp-attribute-on-challenge-symbol", "deny:attribute", "bb", "before", "attribute [simp] run", "run"),
    H("irreducible-on-challenge-symbol", "deny:attribute", "bb", "before", "attribute [irreducible] step", "step"),
    H("erase-simp-on-challenge-symbol", "deny:attribute", "bb", "before", "attribute [-simp] BBChallenge.delta", "delta"),
    H("local-reducible-on-escaped-symbol", "deny:attribute", "bb", "before", "attribute [local reducible] «init»", "init"),
    H("attribute-on-theorem", "deny:attribute", "bb", "after", "attribute [simp] THM", "THM"),
    # -- commands that run code or change the environment ---------------------------------------------
    H("eval", "deny:command", "bb", "before", '#eval IO.println "hi"', "#eval"),
    H("exit", "deny:command", "bb", "after", "#exit", "#exit"),
    H("print-axioms", "deny:command", "bb", "after", "#print axioms THM", "#print"),
    H("guard-msgs", "deny:command", "bb", "before", "#guard_msgs in\n#check 1", "#guard_msgs"),
    H("run-cmd", "deny:command", "bb", "before", "run_cmd pure ()", "run_cmd"),
    H("run-tac", "deny:command", "bb", "tactic", "run_tac pure ()", "run_tac"),
    H("run-meta", "deny:command", "bb", "before", "run_meta pure ()", "run_meta"),
    H("initialize", "deny:command", "bb", "before", "initialize pure ()", "initialize"),
    H("builtin-initialize", "deny:command", "bb", "before", "builtin_initialize pure ()", "builtin_"),
    H("register-simp-attr", "deny:command", "bb", "before", "register_simp_attr cheat_simps", "register_"),
    H("axiom-plain", "deny:command", "bb", "before", "axiom cheat : False", "axiom", proof="exact cheat.elim"),
    H("axiom-private", "deny:command", "bb_never", "before", "private axiom cheat : False", "axiom", proof="exact cheat.elim"),
    H("axiom-escaped-keyword", "deny:command", "bb", "before", "«axiom» cheat : False", "axiom"),
    H("unsafe-def", "deny:command", "bb", "before", "unsafe def f : Nat := 0", "unsafe"),
    H("partial-def", "deny:command", "bb", "before", "partial def f (n : Nat) : Nat := f n", "partial"),
    H("opaque", "deny:command", "bb", "before", "opaque secret : Nat", "opaque"),
    H("instance-decidable", "deny:command", "bb", "before",
      "instance : Decidable ((run 9 init).state = State.Z) := .isTrue sorry", "instance"),
    H("deriving-instance", "deny:command", "bb", "before", "deriving instance Repr for Nat", "instance"),
    H("variable-hypothesis", "deny:command", "bb", "before", "variable (h : False)", "variable"),
    H("namespace-renames", "deny:command", "bb", "before", "namespace Sneaky", "namespace"),
    H("export", "deny:command", "bb", "before", "export BBChallenge (run)", "export"),
    H("import", "deny:command", "mba", "before", "import Lean", "import"),
    # -- the statement and the challenge's definitions ----------------------------------------------
    H("redeclare-run", "statement", "bb", "before", "def run (n : Nat) (c : Config) : Config := c", "redeclares"),
    H("redeclare-escaped-step", "statement", "bb", "before", "def «step» (c : Config) : Config := c", "redeclares"),
    H("redeclare-root-init", "statement", "bb", "before", "def _root_.init : Config := ⟨State.Z, [], Sym.s0, []⟩", "redeclares"),
    H("redeclare-qualified-delta", "statement", "bb_never", "before",
      "def Other.delta : State → Sym → Option (Sym × Dir × State) := fun _ _ => none", "redeclares"),
    H("theorem-twice", "statement", "bb", "after", "theorem THM : True := trivial", "declared 2 times"),
    H("theorem-renamed", "statement", "bb", "file", "PREAMBLEtheorem other : STMT_BODY := by\n  decide\n", "is missing"),
    H("statement-weakened", "statement", "bb", "answer",
      "```lean4\ntheorem THM : True ∨ STMT_BODY := by\n  exact .inl trivial\n```", "differs"),
    H("extra-hypothesis", "statement", "mba", "answer",
      "```lean4\ntheorem THM (h : False) : STMT_BODY := by\n  exact h.elim\n```", "differs"),
    H("changed-definitions-answer", "statement", "bb", "answer",
      "```lean4\nnamespace BBChallenge\ndef run (n : Nat) (c : Config) : Config := c\nend BBChallenge\nSTMT := by\n  decide\n```",
      "changed"),
    # -- model answers: fences that hide the real file ------------------------------------------------
    H("four-backtick-fence-axiom", "answer", "bb", "answer",
      "Here:\n````lean4\naxiom cheat : False\n\nSTMT := cheat.elim\n````\n", "axiom"),
    H("crlf-fence-sorry", "answer", "mba", "answer", "Proof:\r\n```lean4\r\nSTMT := by\r\n  sorry\r\n```\r\n", "sorry"),
    H("answer-last-block-axiom", "answer", "bb", "answer",
      "```lean4\nSTMT := by decide\n```\nOn second thought:\n```lean4\naxiom c : False\nSTMT := c.elim\n```", "axiom"),
)


def load_challenges() -> dict[str, dict]:
    """The fixture challenge of each kind (`bb`, `bb_never`, `mba`, `mba_native`)."""
    by_kind: dict[str, dict] = {}
    for line in CHALLENGES.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        by_kind.setdefault(KIND_OF_TEMPLATE[record["template"]], record)
    return by_kind


def _fill(text: str, record: dict) -> str:
    statement = record["lean_statement"]
    body = statement.split(":", 1)[1].strip()
    return text.replace("STMT_BODY", body).replace("STMT", statement).replace("THM", record["theorem_name"])


def answer_text(entry: Hostile, record: dict) -> str:
    """What the prover sends: tactics, a whole file, or a model answer (see `build_candidate`)."""
    return _fill(entry.text, record)


def build_candidate(entry: Hostile, record: dict) -> str:
    """The candidate Lean file for `entry` against the challenge `record`."""
    text = answer_text(entry, record)
    challenge = record["lean"]
    if entry.mode == "file":
        return text.replace("PREAMBLE", split_challenge(challenge, record["theorem_name"])[0])
    if entry.mode == "tactic":
        return insert_tactics(challenge, text)
    if entry.mode == "answer":
        block = extract_last_lean_block(text)
        return candidate_from_answer(challenge, record["theorem_name"], block if block is not None else text)
    proof = insert_tactics(challenge, entry.proof or LEGIT_PROOF[entry.kind])
    if entry.mode == "after":
        return proof.rstrip("\n") + "\n\n" + text + "\n"
    at = proof.rindex("theorem " + record["theorem_name"])
    return proof[:at] + text + "\n\n" + proof[at:]
