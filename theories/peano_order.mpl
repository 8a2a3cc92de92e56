// Peano arithmetic with the order ≤ defined by ∃p. a + p = b (a stretch goal of issue 3).
// The Peano part is included, not repeated; the definition adds the relation le and the axiom
//   le_def : ∀a b. a ≤ b ↔ ∃p. a + p = b
include "peano.mpl"

definition le(a : N, b : N) : Prop := exists p. a + p = b   infix "<="

expect le_refl    : forall a. a <= a
expect le_trans   : forall a b c. a <= b and b <= c -> a <= c
expect le_antisym : ∀a b. a ≤ b ∧ b ≤ a → a = b
expect le_total   : ∀a b. a ≤ b ∨ b ≤ a
