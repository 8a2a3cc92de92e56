// Binary trees with the number of inner nodes (size), of leaves, and the mirror image,
// written as a new user would: the natural numbers with +, the tree constructors, the
// defining equations, and the laws we hope the run finds. No lemma is given as a hint.
theory trees

sort N, Tree

const zero : N                  notation "0"
function s : N -> N
function add : N, N -> N        infix "+" precedence 6 left
definition one : N := s(0)      notation "1"

const leaf : Tree
function node : Tree, Tree -> Tree
function size : Tree -> N
function leaves : Tree -> N
function mirror : Tree -> Tree

induction N : zero, s
induction Tree : leaf, node

axiom add_zero    : forall a. a + 0 = a
axiom add_succ    : forall a b. a + s(b) = s(a + b)

axiom size_leaf   : size(leaf) = 0
axiom size_node   : forall l r. size(node(l, r)) = s(size(l) + size(r))
axiom leaves_leaf : leaves(leaf) = 1
axiom leaves_node : forall l r. leaves(node(l, r)) = leaves(l) + leaves(r)
axiom mirror_leaf : mirror(leaf) = leaf
axiom mirror_node : forall l r. mirror(node(l, r)) = node(mirror(r), mirror(l))

expect mirror_mirror : forall t. mirror(mirror(t)) = t
expect size_mirror   : forall t. size(mirror(t)) = size(t)
expect leaves_mirror : forall t. leaves(mirror(t)) = leaves(t)
expect leaves_size   : forall t. leaves(t) = size(t) + 1

// `axiomforge prove theories/trees.mpl --goals` proves each of these by goal-directed search;
// unlike an expect line, a goal steers the search (lemmas over its symbols).
goal mirror_mirror_goal : forall t. mirror(mirror(t)) = t
goal size_mirror_goal   : forall t. size(mirror(t)) = size(t)
goal leaves_mirror_goal : forall t. leaves(mirror(t)) = leaves(t)
goal leaves_size_goal   : forall t. leaves(t) = size(t) + 1
