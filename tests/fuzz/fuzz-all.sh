#!/usr/bin/env bash
# Fuzzes each harness in turn with libFuzzer, one process (one job) at a time at nice
# 10, and prints what each run did. Needs the fuzzing build:
#   CC=clang meson setup build-fuzz -Dfuzzing=true && meson compile -C build-fuzz
#   tests/fuzz/fuzz-all.sh [SECONDS per harness, default 1800] [HARNESS...]
# New inputs go to build-fuzz/corpus/<harness>/ (the seeds in the tree stay
# as they are); a crash is written to build-fuzz/artifacts/<harness>/ and
# belongs, once fixed, in tests/fuzz/regressions/<harness>/.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${LATENTLAB_FUZZ_BUILDDIR:-$top/build-fuzz}
seconds=${1:-1800}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(idx png png-folder model spec latent noise session)

status=0
for h in "${harnesses[@]}"; do
  exe=$build/tests/fuzz/fuzz-$h
  [ -x "$exe" ] || { echo "$exe: not built (see the top of this script)" >&2; exit 1; }
  mkdir -p "$build/corpus/$h" "$build/artifacts/$h" "$build/fuzz-logs"
  dict=()
  case $h in
    spec) dict=(-dict="$top/tests/fuzz/spec.dict") ;;
    model) dict=(-dict="$top/tests/fuzz/model.dict") ;;
  esac
  log=$build/fuzz-logs/$h.log
  nice -n 10 "$exe" "$build/corpus/$h" "$top/tests/fuzz/corpus/$h" \
    ${dict[@]+"${dict[@]}"} -max_total_time="$seconds" -timeout=20 \
    -rss_limit_mb=2560 -artifact_prefix="$build/artifacts/$h/" -print_final_stats=1 \
    >"$log" 2>&1
  rc=$?
  [ $rc -eq 0 ] || status=1
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  printf '%-11s exit %d, %s executions; last: %s\n' "$h" "$rc" "${execs:-?}" "$last"
done
exit $status
