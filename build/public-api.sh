#!/usr/bin/env bash
# The declared public API of Microsoft.ML.Trm (src/Microsoft.ML.Trm/PublicAPI.Shipped.txt and PublicAPI.Unshipped.txt,
# checked at every build by Microsoft.CodeAnalysis.PublicApiAnalyzers: RS0016 = a public symbol the files do not list,
# RS0017 = a listed symbol that no longer exists; both are build errors).
#
#   bash build/public-api.sh              check: build the library; list what differs from the declared API, if anything
#   bash build/public-api.sh --baseline   rewrite PublicAPI.Shipped.txt from the source as it is now (Unshipped.txt is
#                                         emptied) and check again; review the diff before committing
#
# The baseline works from any state (stale, missing or conflicted API files): it empties both files, compiles the
# library once with an error log (SARIF), and takes every RS0016's exact API line from the log (the analyzer puts it
# in the diagnostic's "PublicAPIName" property, the same text its code fix would add). Needs python3.
# Extra arguments go to dotnet build (e.g. -c Debug; the default is Release).
set -euo pipefail
cd "$(dirname "$0")/.."
project=src/Microsoft.ML.Trm/Microsoft.ML.Trm.csproj
dir=src/Microsoft.ML.Trm
shipped=$dir/PublicAPI.Shipped.txt
unshipped=$dir/PublicAPI.Unshipped.txt
header='#nullable enable'

baseline=false
args=()
for a in "$@"; do
  if [ "$a" = "--baseline" ]; then baseline=true; else args+=("$a"); fi
done
case " ${args[*]-} " in *" -c "*|*" --configuration "*|*" -c:"*) ;; *) args+=(-c Release) ;; esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Builds the library with an error log; touching the API files (compiler inputs) makes the compiler run even when
# nothing else changed. Returns the build's exit code.
build() {
  touch "$shipped" "$unshipped"
  set +e
  dotnet build "$project" "${args[@]}" --nologo -v:q "-p:TrmPublicApiErrorLog=$work/errors.sarif" "$@" >"$work/build.log" 2>&1
  local rc=$?
  set -e
  return $rc
}

# Prints "ID<TAB>text" for every RS0016/RS0017 in the error log: the API line to add (RS0016) or the message (RS0017).
diagnostics() {
  python3 - "$work/errors.sarif" <<'PY'
import json, sys
try:
    log = json.load(open(sys.argv[1], encoding="utf-8"))
except (OSError, ValueError):
    sys.exit(0)
def results(node):
    if isinstance(node, dict):
        if node.get("ruleId") in ("RS0016", "RS0017"):
            yield node
        for v in node.values():
            yield from results(v)
    elif isinstance(node, list):
        for v in node:
            yield from results(v)
seen = set()
for r in results(log):
    props = r.get("properties", {}).get("customProperties", {})
    msg = r.get("message", "")
    msg = msg.get("text", "") if isinstance(msg, dict) else msg
    if r["ruleId"] == "RS0016":
        # The exact line the code fix would add: "APIName" (5.x) or "PublicAPIName" (3.x).
        text = props.get("APIName") or props.get("PublicAPIName")
        if not text:
            sys.exit(f"RS0016 without an API name in the error log (analyzer properties: {sorted(props)})")
    else:
        text = msg
    line = f'{r["ruleId"]}\t{text}'
    if line not in seen:
        seen.add(line)
        print(line)
PY
}

if $baseline; then
  printf '%s\n' "$header" >"$shipped"
  printf '%s\n' "$header" >"$unshipped"
  build || true   # fails on RS0016 (an error), but the error log lists them all
  diagnostics | awk -F'\t' '$1 == "RS0016" { print $2 }' | LC_ALL=C sort -u >"$work/api.txt"
  if [ ! -s "$work/api.txt" ]; then
    echo "public-api.sh: no RS0016 in the build's error log; the build said:" >&2
    grep -E 'error|warning' "$work/build.log" | sort -u | head -40 >&2
    exit 1
  fi
  { printf '%s\n' "$header"; cat "$work/api.txt"; } >"$shipped"
  echo "public-api.sh: wrote $(wc -l <"$work/api.txt") API lines to $shipped"
fi

if build; then
  echo "public-api.sh: the public API matches $shipped + $(basename "$unshipped") ($(grep -cv '^#' "$shipped") + $(grep -cv '^#' "$unshipped" || true) lines)"
  exit 0
fi
found="$(diagnostics)"
if [ -z "$found" ]; then
  echo "public-api.sh: the library does not build (not an API difference):" >&2
  grep -E ' error ' "$work/build.log" | sort -u | head -40 >&2
  exit 1
fi
echo "public-api.sh: the public API differs from the declared one:" >&2
printf '%s\n' "$found" | awk -F'\t' '$1 == "RS0016" { print "  new:     " $2 } $1 == "RS0017" { print "  removed: " $2 }' | LC_ALL=C sort >&2
echo "Declare a deliberate change in $unshipped (new lines; removed ones as *REMOVED*<line>), or run 'bash build/public-api.sh --baseline'." >&2
exit 1
