# Busy Beaver: the BB(5) champion to its halt, a certified non-halting verdict, the small TNF
# enumerations, and a seeded Lean 4 + Markdown challenge set.
echo "== Busy Beaver =="
axiomforge bb run 1RB1LC_1RC1RB_1RD0LE_1LA1LD_1RZ0LA
axiomforge bb decide 1RB1RB_0LA---          # a cycler
axiomforge bb decide 1RB---_0RC0LA_1LB0RB   # a translated cycler
axiomforge bb decide 1RB0LC_0LA0RA_1LA---   # a bouncer: n-gram closed position set
axiomforge bb enumerate --states 3
axiomforge gen bb --count 200 --seed 0 --out "$OUT/bb"
first=$(ls "$OUT/bb/lean" | head -n 1)
echo "-- $OUT/bb/lean/$first (statement) --"
tail -n 3 "$OUT/bb/lean/$first"
