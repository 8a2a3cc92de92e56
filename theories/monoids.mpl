// Commutative monoids, with the identity law on the left only. No induction.
// The `expect` lines name laws we hope a run discovers; they never steer the search.
theory monoids

sort M

const e : M
function mul : M, M -> M  infix "*" precedence 7 left      // also accepted as ·

axiom left_id   : forall a. e * a = a
axiom mul_comm  : forall a b. a * b = b * a
axiom mul_assoc : forall a b c. (a * b) * c = a * (b * c)

expect right_id      : ∀a. a · e = a
expect mul_left_comm : ∀a b c. a · (b · c) = b · (a · c)

