// Lattices from the absorption axioms; the order is defined by a ≤ b ↔ a ⊓ b = a. No induction.
// The `expect` lines name laws we hope a run discovers; they never steer the search.
theory lattices

sort L

function meet : L, L -> L  infix "&" precedence 7 left     // a ⊓ b, written a & b
function join : L, L -> L  infix "|" precedence 6 left     // a ⊔ b, written a | b
definition le(a : L, b : L) : Prop := a & b = a  infix "<="

axiom meet_comm   : forall a b. a & b = b & a
axiom join_comm   : forall a b. a | b = b | a
axiom meet_assoc  : forall a b c. (a & b) & c = a & (b & c)
axiom join_assoc  : forall a b c. (a | b) | c = a | (b | c)
axiom meet_absorb : forall a b. a & (a | b) = a
axiom join_absorb : forall a b. a | (a & b) = a

expect meet_idem  : ∀a. a & a = a
expect join_idem  : ∀a. a | a = a
expect le_refl    : ∀a. a <= a
expect le_trans   : ∀a b c. a <= b ∧ b <= c → a <= c
expect le_antisym : ∀a b. a <= b ∧ b <= a → a = b
expect meet_le    : ∀a b. a & b <= a
expect le_join    : ∀a b. a <= a | b
