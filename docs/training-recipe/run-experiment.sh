#!/bin/bash
# CPU experiment for docs/training-recipe.md: the same tiny model and step budget, with and without Sudoku shuffles.
set -e
cd "${EXP_DIR:-/tmp/recipe-exp}"   # a folder with bin/ = a build of src/Microsoft.ML.Trm.Cli
TRM="dotnet bin/trm.dll"
if [ ! -f train.csv ]; then
  head=""
  : > train_all.csv; : > test_all.csv
  for g in 41 42 43 44 45 46 47 48 49 50 51; do
    $TRM generate sudoku --count 91 --givens $g --seed $((100+g)) --out tr_$g.csv >/dev/null
    $TRM generate sudoku --count 50 --givens $g --seed $((900+g)) --out te_$g.csv >/dev/null
    head=$(head -1 tr_$g.csv)
    tail -n +2 tr_$g.csv >> train_all.csv
    tail -n +2 te_$g.csv >> test_all.csv
  done
  echo "$head" > train.csv; head -1000 train_all.csv >> train.csv
  echo "$head" > test.csv
  # held-out puzzles never seen in training (by puzzle text)
  awk -F, 'NR==FNR{seen[$2]=1;next} !($2 in seen)' train_all.csv test_all.csv | head -550 >> test.csv
  rm -f tr_*.csv te_*.csv
fi
echo "train rows: $(($(wc -l < train.csv)-1)), held-out rows: $(($(wc -l < test.csv)-1))"
COMMON="train --task sudoku --data train.csv --valid test.csv --preset tiny --threads 1 --set Epochs=1000000 --set EvaluateEverySteps=100"
date -u
/usr/bin/time -v $TRM $COMMON --max-minutes ${MINUTES:-11} --set Augmentation=None --out none.zip > none.log 2> none.err || true
STEPS=$(grep -o "trained [0-9]* steps" none.log | grep -o "[0-9]*")
echo "no-aug steps: $STEPS"; date -u
/usr/bin/time -v $TRM $COMMON --max-steps $STEPS --set Augmentation=Sudoku --out sudoku.zip > sudoku.log 2> sudoku.err || true
date -u
echo done
