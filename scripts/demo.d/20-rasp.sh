# RASP: interpret a program, compile it to an exact transformer, check them against each other.
echo "== RASP: sort, interpreted and compiled to a transformer =="
axiomforge rasp run sort --input "3 1 4 1 2"
axiomforge rasp compile sort --vocab 1,2,3,4 --max-len 8 -o "$OUT/rasp/sort.safetensors"
axiomforge rasp run sort --input "3 1 4 1 2" --model "$OUT/rasp/sort.safetensors"
axiomforge rasp verify sort --vocab 1,2,3,4 --max-len 6
axiomforge rasp show sort --vocab 1,2,3,4 --max-len 8 --input "3 1 4 1 2" --png-dir "$OUT/rasp/pictures" | tail -n 4
