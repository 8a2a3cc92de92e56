; A false goal: x + y = x fails for y = S(Z); it must stay unproved.
(declare-datatype Nat ((Z) (S (pred Nat))))
(define-fun-rec plus ((x Nat) (y Nat)) Nat
  (match x
    ((Z y)
     ((S n) (S (plus n y))))))
(prove (forall ((x Nat) (y Nat)) (= (plus x y) x)))
