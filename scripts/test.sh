#!/usr/bin/env bash
# Runs every test layer of crm_suite and prints one closing line "N passed, N failed".
#   pure      plain pytest, no frappe: parsers, policies, metadata lint            (always)
#   frappe    FrappeTestCase on a fresh site made for this run (install path too)  (needs a bench)
#   e2e       web + socketio + worker + scheduler on loopback: REST, realtime, browser (needs a bench)
# A bench is looked for at $FRAPPE_BENCH (default ~/frappe-bench). The tests never touch what runs there:
# they run in a test bench of their own ($FRAPPE_BENCH/.crm_suite_test) that shares the bench's Frappe
# copy and Python environment but has this checkout's app, its own sites folder, its own Redis servers
# (so its own queues, cache and scheduler lock) and its own ports. A demo site running on the bench keeps
# serving throughout; it is checked before and after.
#   setup     scripts/setup.sh itself: its checks (always), and on a scratch bench beside the bench a first
#             run killed part-way, the rerun, a login shell finding `bench`, a third run (needs a bench)
# Options: --layers pure,frappe,e2e,setup   (default: all). CRM_E2E_TESTS: e2e test files to run instead of
# all of them. CRM_E2E_ARGS: extra pytest arguments for
# e2e (e.g. "-k desk"); CRM_FRAPPE_ARGS: extra run-tests arguments (e.g. "--module crm_suite.tests.test_pool").
set -uo pipefail
source "$(dirname "$0")/lib.sh"

LAYERS="pure,frappe,e2e,setup"
while [ $# -gt 0 ]; do
	case "$1" in
		--layers) LAYERS="$2"; shift 2 ;;
		*) echo "unknown option $1" >&2; echo "0 passed, 1 failed"; exit 2 ;;
	esac
done
want() { [[ ",$LAYERS," == *",$1,"* ]]; }

OUT="${CRM_TEST_OUTPUT:-$REPO_ROOT/.test-output}"
rm -rf "$OUT" && mkdir -p "$OUT"
TEST_SITE="${CRM_TEST_SITE:-crm-test.localhost}"
DEMO_TEST_SITE="${CRM_DEMO_TEST_SITE:-crm-demo-test.localhost}"
WEB_PORT="${CRM_TEST_WEB_PORT:-18000}"
SOCKETIO_PORT="${CRM_TEST_SOCKETIO_PORT:-19000}"
TB="$TEST_BENCH"
DEMO_USER="sales1@crm-suite.demo"
DEMO_PASSWORD="Demo@2026"
TOTAL_PASSED=0
TOTAL_FAILED=0
TOTAL_SKIPPED=0
SUMMARY=()
SKIPS=()
TEST_REDIS_PORTS=()

# junit XML -> "passed failed skipped"; a missing or unreadable report counts as one failure of the layer.
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

check() {  # name, command…: one counted check outside the runners
	local name="$1"; shift
	if "$@"; then TOTAL_PASSED=$((TOTAL_PASSED + 1)); SUMMARY+=("check passed: $name")
	else TOTAL_FAILED=$((TOTAL_FAILED + 1)); SUMMARY+=("check FAILED: $name"); fi
}

failed_step() {  # a preparation step that failed counts as a failure, with its reason
	TOTAL_FAILED=$((TOTAL_FAILED + 1)); SUMMARY+=("FAILED: $1")
	echo "FAILED: $1" >&2
}

FINISHED=0
print_summary() {
	FINISHED=1
	echo
	for line in "${SUMMARY[@]}"; do echo "  $line"; done
	for line in "${SKIPS[@]}"; do echo "SKIPPED: $line"; done
	echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
}
finish() {
	print_summary
	[ "$TOTAL_FAILED" = 0 ]
	exit $?
}

# Whatever stops this script — a helper's `die`, an unbound variable, Ctrl-C — the test bench's processes
# and Redis servers are stopped, and the closing count line is printed with the stop counted as a failure.
die() { failed_step "$*"; exit 1; }
on_exit() {
	local rc=$?
	cleanup
	if [ "$FINISHED" = 0 ]; then
		[ "$rc" = 0 ] || [ "$TOTAL_FAILED" -gt 0 ] || failed_step "test.sh stopped early (exit code $rc)"
		print_summary
		[ "$TOTAL_FAILED" = 0 ] || exit 1
	fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# --- the demo site, if one runs on the bench: it must serve the README's logins before and after ---------

DEMO_PORT=""
demo_login_works() {
	local jar; jar="$(mktemp)"
	curl -fs -c "$jar" -H 'Content-Type: application/json' \
		-d "{\"usr\": \"$DEMO_USER\", \"pwd\": \"$DEMO_PASSWORD\"}" "http://127.0.0.1:$DEMO_PORT/api/method/login" >/dev/null \
		&& curl -fs -b "$jar" "http://127.0.0.1:$DEMO_PORT/api/method/frappe.auth.get_logged_user" | grep -q "$DEMO_USER"
	local rc=$?; rm -f "$jar"; return $rc
}
# The demo's long-lived processes (an RQ worker's forked work-horse, same command line as its parent, is not;
# nor a one-off command someone runs on the bench meanwhile).
demo_processes() {
	local p parent
	for p in $(bench_app_pids); do
		# what `bench start` runs (web, socketio, workers, scheduler), not a one-off `bench --site … execute`
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q -E 'Procfile|frappe (serve|worker|schedule)|bench (serve|worker|schedule|socketio)|socketio\.js' || continue
		parent="$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null)"
		[ -n "$parent" ] && cmp -s "/proc/$p/cmdline" "/proc/$parent/cmdline" && continue
		echo "$p"
	done | sort | tr '\n' ' '
}

demo_unchanged() {
	local now p; now="$(demo_processes)"
	[ "$now" = "$DEMO_BEFORE" ] && return 0
	echo "demo processes before: $DEMO_BEFORE" >&2; echo "demo processes after:  $now" >&2
	for p in $DEMO_BEFORE $now; do echo "  $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null || echo gone) (cwd $(readlink "/proc/$p/cwd" 2>/dev/null))" >&2; done
	return 1
}

DEMO_BEFORE=""
if [ -f "$BENCH/sites/common_site_config.json" ]; then
	DEMO_PORT="$(bench_web_port 2>/dev/null)"
	if [ -n "$DEMO_PORT" ] && curl -fs "http://127.0.0.1:$DEMO_PORT/api/method/ping" >/dev/null 2>&1; then
		if demo_login_works; then
			DEMO_BEFORE="$(demo_processes)"
			log "A demo site runs on :$DEMO_PORT ($DEMO_USER logs in): the tests leave it alone, checked at the end"
		else
			SKIPS+=("demo-site check (the site on :$DEMO_PORT does not take the README's login $DEMO_USER)")
		fi
	fi
fi

# --- pure ------------------------------------------------------------------------------------------------

# The client-side environment (pure tests, e2e clients, benchmarks); never holds frappe.
VENV="${CRM_TEST_VENV:-$REPO_ROOT/.venv}"
VENV_READY=1
if [ ! -x "$VENV/bin/pytest" ] || ! cmp -s "$REPO_ROOT/tests/requirements.txt" "$VENV/.requirements"; then
	log "Preparing test environment in $VENV"
	if python3 -m venv "$VENV" && "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REPO_ROOT/tests/requirements.txt"; then
		cp "$REPO_ROOT/tests/requirements.txt" "$VENV/.requirements"
	else
		VENV_READY=0; failed_step "test environment: cannot install tests/requirements.txt into $VENV"
	fi
fi

if want pure && [ "$VENV_READY" = 1 ]; then
	log "Layer: pure"
	(cd "$REPO_ROOT" && "$VENV/bin/pytest" -q -p no:cacheprovider tests/pure --junitxml="$OUT/pure.xml")
	record pure $? "$OUT/pure.xml"
fi

# --- the test bench --------------------------------------------------------------------------------------

start_test_redis() {
	local port
	port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
	redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
		--dir "$TB/config" --pidfile "$TB/config/redis-$port.pid" --logfile "$TB/logs/redis-$port.log" >/dev/null || return 1
	TEST_REDIS_PORTS+=("$port")
	for _ in $(seq 25); do redis_up "$port" && { echo "$port"; return 0; }; sleep 0.2; done
	return 1
}

cleanup() {
	local port pids
	[ -d "$TB" ] || return 0
	mapfile -t pids < <(pids_under "$TB")
	[ ${#pids[@]} -gt 0 ] && stop_pids "${pids[@]}"
	for port in "${TEST_REDIS_PORTS[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
}

# crm_suite's own Python requirements, into the shared environment (added, never replaced).
ensure_app_requirements() {
	"$BENCH/env/bin/python" -c "import serial, pypinyin, requests, xmlrunner" 2>/dev/null && return 0
	local reqs
	mapfile -t reqs < <("$BENCH/env/bin/python" -c "import sys, tomllib; print('\n'.join(tomllib.load(open(sys.argv[1], 'rb'))['project']['dependencies']))" "$REPO_ROOT/apps/crm_suite/pyproject.toml")
	log "Installing crm_suite's requirements and unittest-xml-reporting (JUnit output) into $BENCH/env"
	if command -v uv >/dev/null 2>&1; then
		uv pip install -q --python "$BENCH/env/bin/python" "${reqs[@]}" unittest-xml-reporting
	else
		"$BENCH/env/bin/python" -m pip install -q "${reqs[@]}" unittest-xml-reporting
	fi
}

# The test bench: the bench's Frappe copy and env (linked), this checkout's app (copied), its own sites,
# config, logs, Redis servers and Desk assets (the bench's, with this app's bundle built here).
make_test_bench() {
	local pids cache queue entry
	mapfile -t pids < <(pids_under "$TB")  # left over from a run that was killed
	[ ${#pids[@]} -gt 0 ] && stop_pids "${pids[@]}"
	rm -rf "$TB/apps/crm_suite" "$TB/sites/assets" "$TB/logs" "$TB/config"
	mkdir -p "$TB/apps" "$TB/sites" "$TB/config" "$TB/logs"
	ln -sfn "$BENCH/apps/frappe" "$TB/apps/frappe"
	ln -sfn "$BENCH/env" "$TB/env"
	cp -a "$REPO_ROOT/apps/crm_suite" "$TB/apps/crm_suite"
	find "$TB/apps/crm_suite" \( -name '__pycache__' -o -name dist -o -name node_modules \) -prune -exec rm -rf {} +
	printf 'frappe\ncrm_suite\n' > "$TB/sites/apps.txt"
	cache="$(start_test_redis)" && queue="$(start_test_redis)" || { echo "test Redis did not start" >&2; return 1; }
	REDIS_CACHE_PORT="$cache"
	"$BENCH/env/bin/python" - "$TB/sites/common_site_config.json" "$cache" "$queue" "$WEB_PORT" "$SOCKETIO_PORT" <<'PY'
import json, sys
path, cache, queue, web, socketio = sys.argv[1:]
json.dump({
	"redis_cache": f"redis://127.0.0.1:{cache}",
	"redis_queue": f"redis://127.0.0.1:{queue}",
	"redis_socketio": f"redis://127.0.0.1:{queue}",
	"webserver_port": int(web),
	"socketio_port": int(socketio),
	"background_workers": 1,
	"serve_default_site": False,
}, open(path, "w"), indent=1)
PY
	mkdir -p "$TB/sites/assets"
	for entry in "$BENCH/sites/assets/"*; do
		case "$(basename "$entry")" in
			crm_suite) ;;
			# written by the build: copies, so that the bench's own stay as they are
			assets.json|assets-rtl.json|locale|css|js) cp -a "$entry" "$TB/sites/assets/" ;;
			*) ln -sfn "$entry" "$TB/sites/assets/$(basename "$entry")" ;;
		esac
	done
	export FRAPPE_BENCH_ROOT="$TB" PYTHONPATH="$TB/apps/crm_suite${PYTHONPATH:+:$PYTHONPATH}"
	export FRAPPE_REDIS_CACHE="redis://127.0.0.1:$cache" FRAPPE_REDIS_QUEUE="redis://127.0.0.1:$queue"
	export SITES_DIR="$TB/sites"
	frappe_cmd build --app crm_suite >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log" >&2; echo "building the app's Desk assets failed" >&2; return 1; }
}

if want frappe || want e2e; then
	problem="$(bench_problem)"
	if [ ! -e "$BENCH" ]; then
		SKIPS+=("frappe layers (frappe, e2e) (no bench at $BENCH)")
	elif [ -n "$problem" ]; then
		failed_step "the bench at $BENCH is incomplete: $problem (rerun scripts/setup.sh to finish it)"
	else
		log "Preparing the test bench $TB: this checkout's app, own Redis, fresh site $TEST_SITE"
		SITE_READY=0
		if ! { ensure_db_charset && ensure_db_admin; } >"$OUT/prepare.log" 2>&1; then
			cat "$OUT/prepare.log" >&2; failed_step "preparation: MariaDB (see above)"
		elif ! ensure_app_requirements >>"$OUT/prepare.log" 2>&1; then
			cat "$OUT/prepare.log" >&2; failed_step "preparation: installing the app's requirements into $BENCH/env"
		elif ! make_test_bench; then
			failed_step "preparation: the test bench at $TB"
		elif ! new_site "$TEST_SITE" admin >"$OUT/new-site.log" 2>&1; then
			tail -40 "$OUT/new-site.log" >&2; failed_step "install: new-site $TEST_SITE with crm_suite"
		else
			merge_site_config "$TB/sites/$TEST_SITE/site_config.json" "$REPO_ROOT/sites/templates/test_site_config.json"
			SITE_READY=1
		fi

		if want frappe && [ "$SITE_READY" = 1 ]; then
			log "Layer: frappe (run-tests on $TEST_SITE)"
			CI=1 frappe_cmd --site "$TEST_SITE" run-tests --app crm_suite --skip-test-records \
				--junit-xml-output "$OUT/frappe.xml" ${CRM_FRAPPE_ARGS:-} 2>&1 | tee "$OUT/frappe.log"
			rc=${PIPESTATUS[0]}
			if grep -q "Testing is disabled" "$OUT/frappe.log"; then rc=1; echo "run-tests refused: allow_tests missing" >&2; fi
			record frappe "$rc" "$OUT/frappe.xml"
		fi

		if want e2e && [ "$SITE_READY" = 1 ]; then
			want e2e && ensure_browser
			log "Making $DEMO_TEST_SITE the way scripts/setup.sh makes the demo site (for the Desk tests)"
			if make_demo_site "$DEMO_TEST_SITE" admin 200 >"$OUT/demo-site.log" 2>&1; then
				export CRM_DEMO_SITE="$DEMO_TEST_SITE"
			else
				tail -30 "$OUT/demo-site.log" >&2; failed_step "install: demo site $DEMO_TEST_SITE as setup.sh makes it"
			fi
			log "Layer: e2e (web :$WEB_PORT, socketio :$SOCKETIO_PORT, worker, scheduler)"
			# CRM_E2E_TESTS: test files of tests/e2e to run instead of all of them (e.g. "test_sales_rest.py")
			E2E_TARGETS=("$REPO_ROOT/tests/e2e")
			if [ -n "${CRM_E2E_TESTS:-}" ]; then
				E2E_TARGETS=()
				for t in $CRM_E2E_TESTS; do E2E_TARGETS+=("$REPO_ROOT/tests/e2e/$t"); done
			fi
			CRM_BENCH="$BENCH" CRM_TEST_BENCH="$TB" CRM_SITE="$TEST_SITE" CRM_WEB_PORT="$WEB_PORT" \
				CRM_SOCKETIO_PORT="$SOCKETIO_PORT" \
				"$VENV/bin/pytest" -q -rs -p no:cacheprovider "${E2E_TARGETS[@]}" --junitxml="$OUT/e2e.xml" ${CRM_E2E_ARGS:-}
			record e2e $? "$OUT/e2e.xml"
		fi
	fi
fi

cleanup
unset FRAPPE_BENCH_ROOT FRAPPE_REDIS_CACHE FRAPPE_REDIS_QUEUE SITES_DIR
PYTHONPATH="${PYTHONPATH:-}"; PYTHONPATH="${PYTHONPATH#"$TB/apps/crm_suite"}"; export PYTHONPATH="${PYTHONPATH#:}"

if want setup && [ "$VENV_READY" = 1 ]; then
	log "Layer: setup (scripts/setup.sh: its checks; a killed first run, then the rerun, on a scratch bench)"
	FRAPPE_BENCH="$BENCH" "$VENV/bin/pytest" -q -rs -s -p no:cacheprovider "$REPO_ROOT/tests/setup" --junitxml="$OUT/setup.xml"
	record setup $? "$OUT/setup.xml"
fi

if [ -n "$DEMO_BEFORE" ]; then
	check "the demo site on :$DEMO_PORT still logs in $DEMO_USER" demo_login_works
	check "the demo site's processes were not restarted" demo_unchanged
elif [ -e "$BENCH" ] && [ ${#SKIPS[@]} -eq 0 ]; then
	SKIPS+=("demo-site check (no demo site running on the bench)")
fi
for layer in pure frappe e2e setup; do want "$layer" || SKIPS+=("$layer (not selected with --layers)"); done
finish
