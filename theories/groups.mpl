// Group theory from the left axioms only: identity, inverse, associativity. No induction.
// The `expect` lines name laws we hope a run discovers; they never steer the search.
theory groups

sort G

const e : G
function inv : G -> G
function mul : G, G -> G  infix "*" precedence 7 left      // also accepted as ·

axiom left_id    : forall a. e * a = a
axiom left_inv   : forall a. inv(a) * a = e
axiom mul_assoc  : forall a b c. (a * b) * c = a * (b * c)

// the rules of the complete rewrite system that are not axioms
expect right_id        : ∀a. a · e = a
expect right_inv       : ∀a. a · inv(a) = e
expect inv_inv         : ∀a. inv(inv(a)) = a
expect inv_e           : inv(e) = e
expect inv_mul         : ∀a b. inv(a · b) = inv(b) · inv(a)
expect inv_cancel_left : ∀a b. inv(a) · (a · b) = b
expect cancel_inv_left : ∀a b. a · (inv(a) · b) = b
