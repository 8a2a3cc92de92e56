# Where to look next.
echo
echo "== open these =="
echo "Peano proof site:  $OUT/peano/html/index.html"
echo "benchmark report:  $BENCH_RUN/report/report.html"
