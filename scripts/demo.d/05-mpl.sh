# MPL front end: parse and type-check the Peano theory, show a located error, read GL notation.
echo "== MPL: the Peano theory, parsed and type-checked =="
axiomforge mpl check theories/peano.mpl | head -n 16
echo "  ..."
echo "== MPL: a malformed file gives file:line:col, a caret and what was expected (exit 2) =="
printf 'sort N\nfunction s : N -> N\naxiom bad : forall x. s(x) = s(x, x)\n' > "$OUT/bad.mpl"
if axiomforge mpl check "$OUT/bad.mpl" 2>&1; then echo "unexpected success"; exit 1; else echo "  (exit code $?)"; fi
echo "== MPL: Generative Logic's relational prefix notation, translated to terms =="
grep -A3 '^add_succ:' theories/gl/peano.gl
axiomforge mpl check theories/gl/peano.gl | grep 'add_succ\|zero_or_succ'
