#!/usr/bin/env bash
# libFuzzer targets (Fuzz/<target>/main.swift, see README "Hardening").
#
#   scripts/fuzz.sh                      build every target, run each for FUZZ_SECONDS (default 15)
#                                        over its committed corpus — `make fuzz-smoke`, part of `make test`
#   scripts/fuzz.sh <target> [seconds]   build one target and fuzz it longer (default 600 s)
#   scripts/fuzz.sh --list               the targets
#
# Targets: mustache odt multipart urlencoded bag json csv. They are built with PINGSHEN_FUZZ=1
# (Package.swift adds them only then) in their own scratch path, FUZZ_SCRATCH (default
# .build/fuzz), so the normal debug build is never invalidated: our modules are instrumented
# (-sanitize=fuzzer,address), the dependencies are not. The seed corpus is
# Tests/Fuzz/corpus/<target>/ (read only: new inputs go to $FUZZ_SCRATCH/work/<target>/); a
# crash, a leak, a hang beyond 10 s or more than 2 GB makes the run fail and leaves the input
# as $FUZZ_SCRATCH/work/<target>-crash-… (run the target on that file alone to see it again).
# Extra libFuzzer options: FUZZ_ARGS="-jobs=2 -workers=2".
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(mustache odt multipart urlencoded bag json csv)
SCRATCH=${FUZZ_SCRATCH:-.build/fuzz}
CONFIG=${FUZZ_CONFIG:-debug}

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

build() {
    local extra=()
    # @testable imports (MultipartParser, the ODT compiler's XML reader) need testability,
    # which only debug builds have by default.
    [ "$CONFIG" = release ] && extra=(-Xswiftc -enable-testing)
    for t in "$@"; do
        echo "== building fuzz-$t ($CONFIG, $SCRATCH)"
        PINGSHEN_FUZZ=1 swift build -c "$CONFIG" --scratch-path "$SCRATCH" --product "fuzz-$t" "${extra[@]}" 2>&1 \
            | grep -v -e "Cannot export local symbol" -e "^\[[0-9]*/[0-9]*\]" -e "unhandled; explicitly declare" \
                -e "^    /.*CMakeLists.txt" -e "^    /.*make_xlsx.py"
        [ "${PIPESTATUS[0]}" = 0 ] || { echo "fuzz-$t did not build" >&2; exit 1; }
    done
}

# run TARGET SECONDS [fresh]: fuzzes TARGET over its corpus (with "fresh", from the committed corpus
# alone: what earlier runs found is dropped); one summary line; returns libFuzzer's status.
run() {
    local t=$1 seconds=$2 work="$SCRATCH/work"
    local bin="$SCRATCH/$CONFIG/fuzz-$t" log="$SCRATCH/work/$t.log"
    [ "${3:-}" = fresh ] && rm -rf "${work:?}/$t"
    mkdir -p "$work/$t"
    touch "$work/.started-$t"
    local status=0
    # SWIFT_BACKTRACE=enable=no: Swift's own crash handler reads the stack in a way AddressSanitizer
    # reports as an error of its own, hiding the real message; libFuzzer prints the stack instead.
    # shellcheck disable=SC2086
    SWIFT_BACKTRACE=enable=no "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/$t-" ${FUZZ_ARGS:-} "$work/$t" "Tests/Fuzz/corpus/$t" >"$log" 2>&1 || status=$?
    if [ "$status" != 0 ] && grep -q "LeakSanitizer has encountered a fatal error" "$log"; then
        # LeakSanitizer needs ptrace, which some containers forbid: fuzz on without leak checks.
        echo "$t: LeakSanitizer cannot run here (no ptrace?): leaks are not checked" >&2
        status=0
        # shellcheck disable=SC2086
        SWIFT_BACKTRACE=enable=no "$bin" -detect_leaks=0 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 -artifact_prefix="$work/$t-" ${FUZZ_ARGS:-} "$work/$t" "Tests/Fuzz/corpus/$t" \
            >"$log" 2>&1 || status=$?
    fi
    local runs speed cov
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
    if [ "$status" = 0 ]; then
        printf '%-11s ok     %8s runs in %ss, %6s exec/s, coverage %s\n' "$t" "${runs:-?}" "$seconds" "${speed:-?}" "${cov:-?}"
    else
        printf '%-11s FAILED (status %s) after %s runs — log %s\n' "$t" "$status" "${runs:-?}" "$log"
        grep -m1 -A14 -E 'Fatal error|failed:|runtime failure|ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)' "$log" \
            || tail -20 "$log"
        find "$work" -maxdepth 1 -name "$t-*" -newer "$work/.started-$t" | sed 's/^/  input: /'
    fi
    return "$status"
}

case "${1:-}" in
    -h | --help) usage ;;
    --list) printf '%s\n' "${TARGETS[@]}"; exit 0 ;;
    "")
        seconds=${FUZZ_SECONDS:-15}
        start=$(date +%s)
        build "${TARGETS[@]}"
        built=$(date +%s)
        failed=()
        for t in "${TARGETS[@]}"; do run "$t" "$seconds" fresh || failed+=("$t"); done
        echo "fuzz smoke: build $((built - start)) s, runs $(($(date +%s) - built)) s"
        if [ ${#failed[@]} -gt 0 ]; then
            echo "fuzz smoke FAILED: ${failed[*]} (fix the parser, add a regression test, keep the input in Tests/Fuzz/corpus/<target>/)" >&2
            exit 1
        fi
        ;;
    *)
        t=$1
        [[ " ${TARGETS[*]} " == *" $t "* ]] || { echo "unknown target '$t'; one of: ${TARGETS[*]}" >&2; exit 2; }
        build "$t"
        run "$t" "${2:-600}"
        echo "new inputs: $SCRATCH/work/$t/ (keep a crashing input in Tests/Fuzz/corpus/$t/)"
        ;;
esac
