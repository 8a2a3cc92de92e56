; Booleans and ite: <= as a Bool function, max by ite, and a Boolean connective in a term.
(declare-datatype Nat ((Z) (S (pred Nat))))
(define-fun-rec le ((x Nat) (y Nat)) Bool
  (match x
    ((Z true)
     ((S n) (match y
              ((Z false)
               ((S m) (le n m))))))))
(define-fun max2 ((x Nat) (y Nat)) Nat (ite (le x y) y x))
(define-fun both ((p Bool) (q Bool)) Bool (and p (not (not q))))
(prove (forall ((x Nat) (y Nat)) (both (le x (max2 x y)) (le Z y))))
