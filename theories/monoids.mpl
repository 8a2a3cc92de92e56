// Monoids given by a left identity e and a right identity u (that they coincide is a theorem),
// with an involution rev that reverses products (as list reversal does). No induction.
// The `expect` lines name laws we hope a run discovers; they never steer the search.
theory monoids

sort M

const e : M
const u : M
function rev : M -> M
function mul : M, M -> M  infix "*" precedence 7 left      // also accepted as ·

axiom mul_assoc : forall a b c. (a * b) * c = a * (b * c)
axiom left_id   : forall a. e * a = a
axiom right_id  : forall a. a * u = a
axiom rev_rev   : forall a. rev(rev(a)) = a
axiom rev_mul   : forall a b. rev(a * b) = rev(b) * rev(a)

expect id_unique : u = e
expect right_e   : ∀a. a · e = a
expect rev_e     : rev(e) = e
