#!/usr/bin/env bash
# Runs every test layer of crm_suite and prints one closing line "N passed, N failed".
#   pure      plain pytest, no frappe: parsers, policies, metadata lint            (always)
#   frappe    FrappeTestCase on a fresh site made for this run (install path too)  (needs a bench)
#   e2e       web + socketio + worker + scheduler on loopback: REST + realtime      (needs a bench)
# A bench is looked for at $FRAPPE_BENCH (default ~/frappe-bench); this checkout's app is installed into it.
# Options: --layers pure,frappe,e2e   (default: all)
set -uo pipefail
source "$(dirname "$0")/lib.sh"

LAYERS="pure,frappe,e2e"
while [ $# -gt 0 ]; do
	case "$1" in
		--layers) LAYERS="$2"; shift 2 ;;
		*) die "unknown option $1" ;;
	esac
done
want() { [[ ",$LAYERS," == *",$1,"* ]]; }

OUT="$REPO_ROOT/.test-output"
rm -rf "$OUT" && mkdir -p "$OUT"
TEST_SITE="${CRM_TEST_SITE:-crm-test.localhost}"
WEB_PORT="${CRM_TEST_WEB_PORT:-18000}"
SOCKETIO_PORT="${CRM_TEST_SOCKETIO_PORT:-19000}"
TOTAL_PASSED=0
TOTAL_FAILED=0
TOTAL_SKIPPED=0
SUMMARY=()

# junit XML -> "passed failed"; a missing or unreadable report counts as one failure of the layer.
count_junit() {
	python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
	root = ET.parse(sys.argv[1]).getroot()
except Exception:
	print(0, 1, 0); sys.exit()
suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
tests = failed = skipped = 0
for s in suites:
	tests += int(s.get("tests", 0)); skipped += int(s.get("skipped", 0))
	failed += int(s.get("failures", 0)) + int(s.get("errors", 0))
print(tests - failed - skipped, failed, skipped)
PY
}

record() {  # layer, exit code, junit path
	local layer="$1" rc="$2" report="$3" passed failed skipped
	read -r passed failed skipped < <(count_junit "$report")
	if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi  # the runner failed outside any test
	if [ "$passed" = 0 ] && [ "$failed" = 0 ]; then failed=1; echo "layer $layer ran no test" >&2; fi
	TOTAL_PASSED=$((TOTAL_PASSED + passed)); TOTAL_FAILED=$((TOTAL_FAILED + failed))
	TOTAL_SKIPPED=$((TOTAL_SKIPPED + skipped))
	SUMMARY+=("$layer: $passed passed, $failed failed, $skipped skipped")
}

# The client-side environment (pure tests, e2e clients, benchmarks); never holds frappe.
VENV="${CRM_TEST_VENV:-$REPO_ROOT/.venv}"
if [ ! -x "$VENV/bin/pytest" ] || ! cmp -s "$REPO_ROOT/tests/requirements.txt" "$VENV/.requirements"; then
	log "Preparing test environment in $VENV"
	python3 -m venv "$VENV" && "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REPO_ROOT/tests/requirements.txt" \
		&& cp "$REPO_ROOT/tests/requirements.txt" "$VENV/.requirements" || die "cannot install tests/requirements.txt"
fi

if want pure; then
	log "Layer: pure"
	(cd "$REPO_ROOT" && "$VENV/bin/pytest" -q -p no:cacheprovider tests/pure --junitxml="$OUT/pure.xml")
	record pure $? "$OUT/pure.xml"
fi

FRAPPE_LAYERS_SKIPPED=""
if want frappe || want e2e; then
	if ! bench_found; then
		FRAPPE_LAYERS_SKIPPED="no bench at $BENCH"
	fi
fi

if [ -z "$FRAPPE_LAYERS_SKIPPED" ] && { want frappe || want e2e; }; then
	log "Preparing bench $BENCH: database, redis, this checkout's app, fresh site $TEST_SITE"
	ensure_db_charset
	ensure_db_admin
	ensure_bench_redis
	ensure_bench_test_deps
	install_app_from_checkout
	want e2e && ensure_browser
	if new_site "$TEST_SITE" admin >"$OUT/new-site.log" 2>&1; then
		merge_site_config "$TEST_SITE" "$REPO_ROOT/sites/templates/test_site_config.json"
		SITE_READY=1
	else
		tail -40 "$OUT/new-site.log" >&2
		SITE_READY=0
		TOTAL_FAILED=$((TOTAL_FAILED + 1)); SUMMARY+=("install: new-site with crm_suite failed")
	fi

	if want frappe && [ "$SITE_READY" = 1 ]; then
		log "Layer: frappe (bench run-tests on $TEST_SITE)"
		(cd "$BENCH" && CI=1 PATH="$BENCH/env/bin:$PATH" bench --site "$TEST_SITE" run-tests --app crm_suite --skip-test-records \
			--junit-xml-output "$OUT/frappe.xml") 2>&1 | tee "$OUT/frappe.log"
		rc=${PIPESTATUS[0]}
		if grep -q "Testing is disabled" "$OUT/frappe.log"; then rc=1; echo "run-tests refused: allow_tests missing" >&2; fi
		record frappe "$rc" "$OUT/frappe.xml"
	fi

	if want e2e && [ "$SITE_READY" = 1 ]; then
		log "Layer: e2e (web :$WEB_PORT, socketio :$SOCKETIO_PORT, worker, scheduler)"
		CRM_BENCH="$BENCH" CRM_SITE="$TEST_SITE" CRM_WEB_PORT="$WEB_PORT" CRM_SOCKETIO_PORT="$SOCKETIO_PORT" \
			"$VENV/bin/pytest" -q -rs -p no:cacheprovider "$REPO_ROOT/tests/e2e" --junitxml="$OUT/e2e.xml"
		record e2e $? "$OUT/e2e.xml"
	fi
fi

echo
for line in "${SUMMARY[@]}"; do echo "  $line"; done
if [ -n "$FRAPPE_LAYERS_SKIPPED" ]; then
	echo "SKIPPED: frappe layers (frappe, e2e) ($FRAPPE_LAYERS_SKIPPED)"
fi
for layer in pure frappe e2e; do want "$layer" || echo "SKIPPED: $layer (not selected with --layers)"; done
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
[ "$TOTAL_FAILED" = 0 ]
