#!/bin/bash
# The comparison of docs/comparisons.md: data generation, then `trm compare` (about 80-100 minutes on 2 CPU cores).
# Run from the repository root. TRM can point at a copy of the built tool, so the worktree can be rebuilt meanwhile:
#   TRM="dotnet artifacts/compare/bin/trm.dll" bash docs/comparison/run-experiment.sh
set -e
TRM="${TRM:-dotnet run -c Release --project src/Microsoft.ML.Trm.Cli --}"
DIR="${DIR:-artifacts/compare}"
D="$DIR/data"
mkdir -p "$D"
if [ ! -f "$D/train.csv" ]; then
  # 9×9 Sudoku, 58-64 givens: 1,000 training puzzles (seeds 158-164) and 600 held-out ones (seeds 258-264),
  # about 143 and 86 per givens count; held-out puzzles that also occur in training are dropped.
  : > "$D/train_all.csv"; : > "$D/valid_all.csv"
  for g in 58 59 60 61 62 63 64; do
    $TRM generate sudoku --count 143 --givens $g --seed $((100+g)) --out "$D/tr_$g.csv" >/dev/null
    $TRM generate sudoku --count 86 --givens $g --seed $((200+g)) --out "$D/va_$g.csv" >/dev/null
    header=$(head -1 "$D/tr_$g.csv")
    tail -n +2 "$D/tr_$g.csv" >> "$D/train_all.csv"
    tail -n +2 "$D/va_$g.csv" >> "$D/valid_all.csv"
  done
  echo "$header" > "$D/train.csv"; head -1000 "$D/train_all.csv" >> "$D/train.csv"
  echo "$header" > "$D/valid.csv"
  awk -F, 'NR==FNR{seen[$2]=1;next} !($2 in seen)' "$D/train_all.csv" "$D/valid_all.csv" | head -600 >> "$D/valid.csv"
  rm -f "$D"/tr_*.csv "$D"/va_*.csv "$D/train_all.csv" "$D/valid_all.csv"
fi
echo "training puzzles: $(($(wc -l < "$D/train.csv")-1)), held-out puzzles: $(($(wc -l < "$D/valid.csv")-1)), \
in both: $(awk -F, 'NR==FNR{seen[$2]=1;next} FNR>1 && ($2 in seen)' "$D/train.csv" "$D/valid.csv" | wc -l)"
date -u
# Every configuration, 2 seeds, 9e12 estimated training FLOPs per run, 2 runs at a time (1 libtorch thread each on 2 cores).
# Interrupted? Run the same command with --resume added.
$TRM compare --task sudoku --data "$D/train.csv" --valid "$D/valid.csv" \
  --configs trm-mlp,trm-att,hrm,direct,single-z,one-step-gradient,no-ema,act-continue \
  --hidden 64 --budget-flops 9e12 --seeds 2 --jobs 2 --curve-points 4 --curve-sample 200 \
  --out "$DIR/out" ${RESUME:+--resume}
date -u
