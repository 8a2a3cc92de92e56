# Prover benchmark: the symbolic baseline on freshly generated Busy Beaver + MBA sets, then its report.
echo "== prover benchmark: symbolic baseline on fresh Busy Beaver and MBA sets =="
BENCH_BB="$OUT/bench-tasks/bb"
BENCH_MBA="$OUT/bench-tasks/mba"
BENCH_RUN="$OUT/bench-run"
rm -rf "$OUT/bench-tasks" "$BENCH_RUN"
axiomforge gen bb --count 8 --seed 1 --out "$BENCH_BB" >/dev/null
axiomforge gen mba --count 8 --seed 1 --out "$BENCH_MBA" >/dev/null
# --track native: the MBA proofs use bv_decide, which trusts Lean.ofReduceBool (declared in the report)
axiomforge bench run --tasks "$BENCH_BB" --tasks "$BENCH_MBA" --prover symbolic --track native \
  --samples 1 --out "$BENCH_RUN" --no-progress
axiomforge bench report "$BENCH_RUN" | sed -n 1p
grep -A5 '^## pass@k' "$BENCH_RUN/report/report.md" | tail -2
