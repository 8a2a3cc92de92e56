/-
The second stage of axiomforge's Lean acceptance (docs/trust.md).

The candidate file has already been compiled to an `.olean` by a first `lean` run. This fixed
program never parses or elaborates any text of the candidate: it reads the compiled module and
inspects it through Lean's API, so notation, macros, `macro_rules` and attributes declared in the
candidate cannot change what is checked (they are data in the module, not code run here).

  lean --run AxiomforgeCheck.lean REFERENCE.olean CANDIDATE.olean CANDIDATE_DIR MODULE THEOREM TRACK

REFERENCE.olean is the challenge file itself (its theorem proved by `sorry`) compiled alone, in a
clean environment; CANDIDATE.olean the candidate, compiled under the same module name MODULE (so
that hygienic and private names agree); CANDIDATE_DIR holds it. TRACK is `standard` or `native`.

Checks, in order (the approach of SafeVerify and lean4checker):
1. same imports as the challenge;
2. every declaration of the challenge exists in the candidate with the same kind, universe
   parameters and type, and definitions with the same value; the theorem is a theorem and its
   type is the challenge's statement, compared as terms (`Expr` equality), not as text;
3. no declaration of the candidate is unsafe or partial, or carries `implemented_by` / `extern`
   (which would let `native_decide` run other code than the kernel sees);
4. the axioms of the theorem, collected by fully qualified name with `Lean.collectAxioms`, are
   within {propext, Classical.choice, Quot.sound} (plus Lean.ofReduceBool, Lean.trustCompiler
   in the native track);
5. the candidate's declarations are replayed through the kernel into a fresh environment built
   from the imports alone (`Lean.Environment.replay`), so `debug.skipKernelTC` or any other way of
   adding an unchecked declaration is caught. In the native track the declarations whose proofs
   call `Lean.ofReduceBool` cannot be replayed (the kernel would need their compiled code) and
   are skipped; that is the compiler trust the native track accepts by definition.

Prints one JSON object: {"ok", "category", "message", "axioms"}.
-/
import Lean
import Lean.Replay

open Lean

namespace AxiomforgeCheck

def standardAxioms : List Name := [`propext, `Classical.choice, `Quot.sound]
def nativeAxioms : List Name := [`Lean.ofReduceBool, `Lean.trustCompiler]

structure Verdict where
  ok : Bool
  category : String
  message : String
  axioms : Array Name := #[]

def Verdict.toJson (v : Verdict) : Json :=
  Json.mkObj [
    ("ok", Json.bool v.ok),
    ("category", Json.str v.category),
    ("message", Json.str v.message),
    ("axioms", Json.arr (v.axioms.map fun a => Json.str a.toString))]

def reject (category message : String) (axioms : Array Name := #[]) : Verdict :=
  { ok := false, category, message, axioms }

def kindOf : ConstantInfo → String
  | .axiomInfo _ => "axiom"
  | .defnInfo _ => "def"
  | .thmInfo _ => "theorem"
  | .opaqueInfo _ => "opaque"
  | .quotInfo _ => "quot"
  | .inductInfo _ => "inductive"
  | .ctorInfo _ => "constructor"
  | .recInfo _ => "recursor"

/-- The candidate's declaration is the challenge's: same kind, universe parameters and type, and
for definitions the same value. The challenge's theorem is compared by its type only (its proof
is `sorry`). -/
def sameValue : ConstantInfo → ConstantInfo → Bool
  | .defnInfo r, .defnInfo c => r.value == c.value && r.safety == c.safety
  | .opaqueInfo r, .opaqueInfo c => r.value == c.value && r.isUnsafe == c.isUnsafe
  | .inductInfo r, .inductInfo c =>
    r.ctors == c.ctors && r.numParams == c.numParams && r.numIndices == c.numIndices &&
      r.isUnsafe == c.isUnsafe
  | .ctorInfo r, .ctorInfo c => r.induct == c.induct && r.cidx == c.cidx && r.numFields == c.numFields
  | _, _ => true

def sameAsReference (ref cand : ConstantInfo) : Bool :=
  kindOf ref == kindOf cand && ref.levelParams == cand.levelParams && ref.type == cand.type &&
    sameValue ref cand

def mentions (names : NameSet) (e : Expr) : Bool :=
  (e.find? fun sub => sub.isConst && names.contains sub.constName!).isSome

def mentionsAny (ci : ConstantInfo) (names : NameSet) : Bool :=
  mentions names ci.type || (ci.value?.map (mentions names)).getD false

/-- The candidate's declarations that depend, directly or through each other, on Lean.ofReduceBool. -/
def nativeDependents (consts : Std.HashMap Name ConstantInfo) : NameSet := Id.run do
  let mut found : NameSet := NameSet.empty.insert `Lean.ofReduceBool
  let mut changed := true
  while changed do
    changed := false
    for (n, ci) in consts.toList do
      if !found.contains n && mentionsAny ci found then
        found := found.insert n
        changed := true
  return found

def check (refPath candPath : System.FilePath) (moduleName thm : Name) (native : Bool) : IO Verdict := do
  let (refMod, _) ← readModuleData refPath
  let (candMod, _) ← readModuleData candPath
  let refImports := refMod.imports.map (·.module)
  let candImports := candMod.imports.map (·.module)
  if refImports != candImports then
    return reject "statement_changed" s!"the candidate imports {candImports} instead of the challenge's {refImports}"
  let mut candConsts : Std.HashMap Name ConstantInfo := {}
  for n in candMod.constNames, ci in candMod.constants do
    candConsts := candConsts.insert n ci
  -- 2. the challenge's declarations, unchanged, and the theorem's statement
  for n in refMod.constNames, ref in refMod.constants do
    match candConsts[n]? with
    | none => return reject "statement_changed" s!"the candidate lacks {n}, which the challenge declares"
    | some cand =>
      if !sameAsReference ref cand then
        return reject "statement_changed" s!"{n} differs from the challenge's (kind, type or value)"
  match candConsts[thm]? with
  | some (.thmInfo _) => pure ()
  | some other => return reject "statement_changed" s!"{thm} is a {kindOf other}, not a theorem"
  | none => return reject "statement_changed" s!"the candidate has no theorem {thm}"
  -- 3. nothing unsafe, partial, implemented_by or extern
  for n in candMod.constNames, ci in candMod.constants do
    if ci.isUnsafe then
      return reject "forbidden_construct" s!"{n} is unsafe"
    if ci.isPartial then
      return reject "forbidden_construct" s!"{n} is partial"
  let env ← importModules #[{ module := moduleName }] {} 0
  for n in candMod.constNames do
    if (Compiler.getImplementedBy? env n).isSome then
      return reject "forbidden_construct" s!"{n} carries implemented_by"
    if isExtern env n then
      return reject "forbidden_construct" s!"{n} carries extern"
  -- 4. axioms, by fully qualified name
  let ctx : Core.Context := { fileName := "<axiomforge-check>", fileMap := default }
  let (axioms, _) ← Core.CoreM.toIO (collectAxioms thm) ctx { env }
  let allowed := if native then standardAxioms ++ nativeAxioms else standardAxioms
  let extra := axioms.filter (· ∉ allowed)
  if !extra.isEmpty then
    return reject "forbidden_construct" s!"{thm} depends on axioms outside the policy: {extra.toList}" axioms
  -- 5. kernel replay into a fresh environment
  let base ← importModules candMod.imports {} 0
  let skipped := if native then nativeDependents candConsts else NameSet.empty
  let mut toReplay : Std.HashMap Name ConstantInfo := {}
  for (n, ci) in candConsts.toList do
    if !skipped.contains n then
      toReplay := toReplay.insert n ci
  try
    discard <| base.replay toReplay
  catch e =>
    return reject "forbidden_construct" s!"the kernel rejects the candidate on replay: {e}" axioms
  return { ok := true, category := "", message := "accepted", axioms }

end AxiomforgeCheck

def main (args : List String) : IO UInt32 := do
  match args with
  | [refPath, candPath, candDir, moduleName, thm, track] =>
    initSearchPath (← findSysroot) [System.FilePath.mk candDir]
    let verdict ← tryCatch
      (AxiomforgeCheck.check (System.FilePath.mk refPath) (System.FilePath.mk candPath) moduleName.toName
        thm.toName (track == "native"))
      (fun e => pure (AxiomforgeCheck.reject "checker_error" s!"the checker failed: {e}"))
    IO.println verdict.toJson.compress
    return 0
  | _ =>
    IO.eprintln "usage: lean --run AxiomforgeCheck.lean REFERENCE.olean CANDIDATE.olean CANDIDATE_DIR MODULE THEOREM TRACK"
    return 2
