; Polymorphic lists: length of an append, instantiated at an abstract element sort.
(declare-datatype Nat ((Z) (S (pred Nat))))
(declare-datatype list (par (a) ((nil) (cons (head a) (tail (list a))))))
(define-fun-rec plus ((x Nat) (y Nat)) Nat
  (match x
    ((Z y)
     ((S n) (S (plus n y))))))
(define-fun-rec len (par (a) (((xs (list a))) Nat))
  (match xs
    ((nil Z)
     ((cons y ys) (S (len ys))))))
(define-fun-rec app (par (a) (((xs (list a)) (ys (list a))) (list a)))
  (match xs
    ((nil ys)
     ((cons z zs) (cons z (app zs ys))))))
(prove (par (a) (forall ((xs (list a)) (ys (list a)))
  (= (len (app xs ys)) (plus (len xs) (len ys))))))
