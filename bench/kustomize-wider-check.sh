#!/usr/bin/env bash
# The kustomize wider check: builds every kustomization root of some real repositories with `kubectl kustomize`
# (kustomize v5.5.0, the oracle) and with `tide kustomize`, and compares the outputs (byte for byte, then as YAML).
#
# usage: bench/kustomize-wider-check.sh WORKDIR SOURCE...
#   SOURCE: a git directory (e.g. what the `fetch` tool brings: /work/.mirror/owner+name/repo) or a plain directory.
#   Each git SOURCE's HEAD is archived into WORKDIR/trees/<name>; nothing is written into the sources.
# Output: WORKDIR/results.tsv (repo, root, outcome) and a summary of outcomes on stdout. Outcomes:
#   match          both succeed, byte-identical output
#   same-yaml      both succeed, same documents once parsed, different bytes (formatting)
#   differ         both succeed, different documents
#   tide-fails     kubectl succeeds, Tide fails
#   tide-accepts   kubectl fails, Tide succeeds
#   both-fail      both fail (e.g. a Component, a missing file)
#   by-design-remote  Tide refuses remote bases (kubectl may or may not succeed)
#   by-design-helm    Tide refuses helmCharts (kubectl needs --enable-helm for them)
# Diffs of every non-matching root are kept under WORKDIR/diffs.
set -euo pipefail

workdir=${1:?usage: $0 WORKDIR SOURCE...}
shift
here=$(cd "$(dirname "$0")/.." && pwd)
tide=${TIDE:-$here/src/Host/bin/Release/net10.0/tide}
[ -x "$tide" ] || { echo "build the CLI first: dotnet build src/Host -c Release" >&2; exit 2; }

mkdir -p "$workdir/trees" "$workdir/diffs"
results=$workdir/results.tsv
: > "$results"

same_yaml() {
  python3 - "$1" "$2" <<'EOF'
import sys, yaml
def load(p):
    with open(p, encoding="utf-8") as f:
        return list(yaml.safe_load_all(f))
sys.exit(0 if load(sys.argv[1]) == load(sys.argv[2]) else 1)
EOF
}

for source in "$@"; do
  name=$(basename "$(dirname "$source")")
  [ "$(basename "$source")" = repo ] || name=$(basename "$source")
  tree=$workdir/trees/$name
  if [ ! -d "$tree" ]; then
    mkdir -p "$tree"
    if git --git-dir "$source" rev-parse HEAD >/dev/null 2>&1; then
      python3 "$here/bench/git-tree-export.py" "$source" "$tree"
    else
      cp -r "$source/." "$tree"
    fi
  fi
  find -H "$tree" \( -name kustomization.yaml -o -name kustomization.yml -o -name Kustomization \) -type f -printf '%h\n' |
    sort -u |
    while read -r root; do
      rel=${root#"$tree"/}
      [ "$rel" = "$root" ] && rel=.
      key=$(printf '%s/%s' "$name" "$rel" | tr '/' '_')
      k_out=$workdir/diffs/$key.kubectl; t_out=$workdir/diffs/$key.tide
      k_rc=0; t_rc=0
      timeout 60 kubectl kustomize "$root" >"$k_out" 2>"$k_out.err" || k_rc=$?
      timeout 60 "$tide" kustomize "$root" >"$t_out" 2>"$t_out.err" || t_rc=$?
      if [ $t_rc -ne 0 ] && grep -q "remote resource" "$t_out.err"; then
        outcome=by-design-remote
      elif [ $t_rc -ne 0 ] && grep -q "helmCharts in" "$t_out.err"; then
        outcome=by-design-helm
      elif [ $k_rc -ne 0 ] && [ $t_rc -ne 0 ]; then
        outcome=both-fail
      elif [ $k_rc -ne 0 ]; then
        outcome=tide-accepts
      elif [ $t_rc -ne 0 ]; then
        outcome=tide-fails
      elif cmp -s "$k_out" "$t_out"; then
        outcome=match
      elif same_yaml "$k_out" "$t_out" 2>/dev/null; then
        outcome=same-yaml
      else
        outcome=differ
      fi
      if [ "$outcome" = both-fail ]; then
        # Both refuse: keep the two first error lines to compare the reasons.
        { head -c 300 "$k_out.err"; echo; head -c 300 "$t_out.err"; echo; } > "$workdir/diffs/$key.both-fail"
      fi
      if [ "$outcome" = match ] || [ "$outcome" = both-fail ] || [ "${outcome#by-design}" != "$outcome" ]; then
        rm -f "$k_out" "$t_out" "$k_out.err" "$t_out.err"
      else
        diff -u "$k_out" "$t_out" > "$workdir/diffs/$key.diff" || true
      fi
      printf '%s\t%s\t%s\n' "$name" "$rel" "$outcome" >> "$results"
    done
done

echo "roots: $(wc -l < "$results")"
cut -f3 "$results" | sort | uniq -c | sort -rn
echo "per repository (match / roots):"
awk -F'\t' '{ n[$1]++; if ($3 == "match") m[$1]++ } END { for (r in n) printf "  %-45s %d / %d\n", r, m[r], n[r] }' "$results" | sort
