#!/usr/bin/env bash
# One command: install what is missing, make or reuse a Frappe v15 bench, install crm_suite on a new site
# with demo data, start it, and print the Desk URL and the demo logins.
#
#   bash scripts/setup.sh [--site crm.localhost] [--customers 1000] [--no-start | --start-only]
#
# Safe to run again: a bench that a failed or interrupted run left half made is cleared and made anew,
# Redis servers are checked to be this bench's own, running bench processes are stopped before the app's
# code is replaced and started again after. --start-only starts an existing bench (e.g. after a reboot).
# The bench CLI goes into its own virtualenv with a wrapper at /usr/local/bin/bench (on every shell's PATH).
#
# Environment (all optional):
#   FRAPPE_BENCH        bench folder (default ~/frappe-bench)
#   FRAPPE_REPO         Frappe git URL or local path for `bench init` (default the official GitHub repo;
#                       users in China may point it at a mirror, e.g. a Gitee copy)
#   FRAPPE_BRANCH       default version-15
#   PIP_INDEX_URL       a PyPI mirror, e.g. https://pypi.tuna.tsinghua.edu.cn/simple
#   YARN_REGISTRY       an npm mirror, e.g. https://registry.npmmirror.com
#   CRM_ADMIN_PASSWORD  Administrator password of the new site (default admin)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
unset SITES_DIR  # set-up works in the bench's own sites folder

SITE="crm.localhost"
CUSTOMERS=1000
START=1
START_ONLY=0
while [ $# -gt 0 ]; do
	case "$1" in
		--site) SITE="$2"; shift 2 ;;
		--customers) CUSTOMERS="$2"; shift 2 ;;
		--no-start) START=0; shift ;;
		--start-only) START_ONLY=1; shift ;;
		*) die "unknown option $1" ;;
	esac
done
FRAPPE_REPO="${FRAPPE_REPO:-https://github.com/frappe/frappe}"
FRAPPE_BRANCH="${FRAPPE_BRANCH:-version-15}"
ADMIN_PASSWORD="${CRM_ADMIN_PASSWORD:-admin}"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

install_system_packages() {
	local need=()
	command -v mariadb >/dev/null || need+=(mariadb-server mariadb-client)
	command -v redis-server >/dev/null || need+=(redis-server)
	command -v git >/dev/null || need+=(git)
	command -v curl >/dev/null || need+=(curl)
	command -v pkg-config >/dev/null || need+=(pkg-config)
	python3 -c "import venv, ensurepip" 2>/dev/null || need+=(python3-venv python3-dev)
	command -v gcc >/dev/null || need+=(build-essential)
	dpkg -s libmariadb-dev >/dev/null 2>&1 || need+=(libmariadb-dev)
	if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 18 ]; then
		need+=(nodejs npm)
	fi
	if [ ${#need[@]} -gt 0 ]; then
		log "Installing system packages: ${need[*]}"
		$SUDO apt-get update -q
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
	fi
	if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 18 ]; then
		die "Node.js 18+ is required (found $(node --version)); install it from NodeSource or nvm and rerun"
	fi
	if ! command -v yarn >/dev/null || [[ "$(yarn --version)" != 1.* ]]; then
		log "Installing yarn 1.22.22 (Frappe v15 needs yarn classic)"
		$SUDO npm install -g yarn@1.22.22 ${YARN_REGISTRY:+--registry "$YARN_REGISTRY"}
	fi
	[ -n "${YARN_REGISTRY:-}" ] && yarn config set registry "$YARN_REGISTRY" >/dev/null
	true
}

# The bench CLI in a virtualenv of its own, reached through a wrapper in /usr/local/bin: on PATH in every
# new shell (login or not), and it finds `uv` (which bench shells out to) in that virtualenv.
ensure_bench_cli() {
	local found
	found="$(command -v bench 2>/dev/null || true)"
	if [ -n "$found" ] && [ "$found" != "$BENCH_CLI_WRAPPER" ] && "$found" --version >/dev/null 2>&1; then
		return  # the user's own bench CLI, already on PATH
	fi
	if ! "$BENCH_CLI_HOME/bin/bench" --version >/dev/null 2>&1; then
		log "Installing frappe-bench into $BENCH_CLI_HOME"
		rm -rf "$BENCH_CLI_HOME"
		python3 -m venv "$BENCH_CLI_HOME" || die "cannot make a virtualenv for the bench CLI (python3-venv missing?)"
		"$BENCH_CLI_HOME/bin/pip" install -q --disable-pip-version-check frappe-bench \
			|| die "cannot install frappe-bench from PyPI (set PIP_INDEX_URL for a mirror)"
	fi
	local wrapper
	wrapper="$(printf '#!/bin/sh\n# crm_suite scripts/setup.sh: the bench CLI from its own virtualenv (uv, which it runs, beside it).\nPATH="$PATH:%s/bin" exec "%s/bin/bench" "$@"\n' "$BENCH_CLI_HOME" "$BENCH_CLI_HOME")"
	if [ "$(cat "$BENCH_CLI_WRAPPER" 2>/dev/null)" != "$wrapper" ]; then
		if printf '%s\n' "$wrapper" | $SUDO tee "$BENCH_CLI_WRAPPER" >/dev/null 2>&1 && $SUDO chmod 755 "$BENCH_CLI_WRAPPER"; then
			log "bench is at $BENCH_CLI_WRAPPER (on PATH in new shells)"
		else
			log "Could not write $BENCH_CLI_WRAPPER; add this line to ~/.profile to use bench in new shells:"
			printf '    export PATH="$PATH:%s/bin"\n' "$BENCH_CLI_HOME" >&2
		fi
	fi
	export PATH="$PATH:$BENCH_CLI_HOME/bin"
}

configure_mariadb() {
	local conf=/etc/mysql/mariadb.conf.d/99-crm-suite.cnf
	[ -d /etc/mysql/mariadb.conf.d ] || conf=/etc/mysql/conf.d/99-crm-suite.cnf
	if [ ! -f "$conf" ]; then
		log "Configuring MariaDB for Frappe ($conf)"
		$SUDO mkdir -p "$(dirname "$conf")"
		printf '[mysqld]\ncharacter-set-client-handshake = FALSE\ncharacter-set-server = utf8mb4\ncollation-server = utf8mb4_unicode_ci\n\n[mysql]\ndefault-character-set = utf8mb4\n' | $SUDO tee "$conf" >/dev/null
		if command -v systemctl >/dev/null && systemctl is-active --quiet mariadb 2>/dev/null; then
			$SUDO systemctl restart mariadb
		fi
	fi
	if ! as_db_root -e "select 1" >/dev/null 2>&1; then
		if command -v systemctl >/dev/null; then $SUDO systemctl start mariadb || true; fi
		as_db_root -e "select 1" >/dev/null 2>&1 || $SUDO service mariadb start || true
	fi
	ensure_db_charset
}

# A half-made bench (a failed or interrupted `bench init`, a later step that died) is never reused: its
# processes are stopped and it is removed — or, when it holds sites, moved aside — then made anew.
clear_incomplete_bench() {
	local problem="$1" pids aside
	log "The bench at $BENCH is incomplete ($problem): making it anew"
	mapfile -t pids < <(pids_under "$BENCH")
	if [ ${#pids[@]} -gt 0 ]; then
		log "Stopping ${#pids[@]} process(es) left running from it"
		stop_pids "${pids[@]}"
	fi
	if compgen -G "$BENCH/sites/*/site_config.json" >/dev/null; then
		aside="$BENCH.incomplete-$(date +%Y%m%d-%H%M%S)"
		log "It holds sites: moved to $aside (remove it when you no longer need it)"
		mv "$BENCH" "$aside"
	else
		rm -rf "$BENCH"
	fi
}

make_bench() {
	local problem
	problem="$(bench_problem)"
	if [ -z "$problem" ]; then
		log "Reusing the bench at $BENCH"
	else
		[ -e "$BENCH" ] && clear_incomplete_bench "$problem"
		log "Creating a bench at $BENCH with Frappe $FRAPPE_BRANCH from $FRAPPE_REPO"
		local scratch; scratch="$(mktemp -d)"
		mkdir -p "$scratch/sites" "$(dirname "$BENCH")"
		# bench refuses to run as root without frappe_user in the config it finds.
		[ "$(id -u)" = 0 ] && echo '{"frappe_user": "root"}' > "$scratch/sites/common_site_config.json"
		# No terminal answers bench's "rollback?" prompt: a failed init leaves its folder, and this script
		# tells the user so (the next run clears it). Its exit code alone is not trusted either.
		( cd "$scratch" && bench init --frappe-path "$FRAPPE_REPO" --frappe-branch "$FRAPPE_BRANCH" --no-backups "$BENCH" </dev/null ) || true
		rm -rf "$scratch"
		problem="$(bench_problem)"
		[ -z "$problem" ] || die "bench init did not finish (see above): the bench at $BENCH is half made ($problem). Rerun this command: it clears the half-made bench and starts over"
	fi
	# setuptools 81 dropped pkg_resources, which parts of the v15 toolchain still import.
	"$BENCH/env/bin/python" -c "import pkg_resources" >/dev/null 2>&1 \
		|| PATH="$PATH:$BENCH_CLI_HOME/bin" uv pip install -q --python "$BENCH/env/bin/python" "setuptools<81" \
		|| die "cannot install setuptools<81 into $BENCH/env (set PIP_INDEX_URL for a mirror) and rerun"
	[ "$(id -u)" = 0 ] && bench_cmd config set-common-config -c frappe_user root >/dev/null
	true
}

# Put this checkout's app into the bench (a copy, made into its own git repo, as bench get-app wants).
# Code is never replaced under running processes: they are stopped first and started again at the end.
install_app_from_checkout() {
	local stage="$BENCH/.crm_suite_src" pids
	mapfile -t pids < <(bench_app_pids)
	if [ ${#pids[@]} -gt 0 ]; then
		log "Stopping the running bench processes (${#pids[@]}) while the app's code is replaced"
		stop_pids "${pids[@]}"
		WAS_RUNNING=1
	fi
	rm -rf "$stage" && mkdir -p "$stage"
	cp -a "$REPO_ROOT/apps/crm_suite" "$stage/crm_suite"
	find "$stage/crm_suite" -name '__pycache__' -prune -exec rm -rf {} +
	( cd "$stage/crm_suite" && git init -q -b main && git add -A \
		&& git -c user.name=crm_suite -c user.email=ci@crm-suite.invalid commit -qm "crm_suite from $(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo checkout)" )
	if [ -L "$BENCH/apps/crm_suite" ]; then rm -f "$BENCH/apps/crm_suite"; else rm -rf "$BENCH/apps/crm_suite"; fi
	bench_cmd get-app --skip-assets "$stage/crm_suite" >/dev/null || die "bench get-app failed"
	grep -qx crm_suite "$BENCH/sites/apps.txt" || printf '\ncrm_suite\n' >> "$BENCH/sites/apps.txt"
	sed -i '/^$/d' "$BENCH/sites/apps.txt"
}

start_bench() {
	log "Starting the bench (web, socketio, worker, scheduler) in the background"
	# Redis already runs (ensure_bench_redis); the file watcher is for developers only.
	grep -v -E '^(watch|redis_cache|redis_queue):' "$BENCH/Procfile" > "$BENCH/Procfile.crm_suite"
	( cd "$BENCH" && PATH="$PATH:$BENCH_CLI_HOME/bin" nohup bench start --procfile Procfile.crm_suite >"$BENCH/logs/crm_suite_start.log" 2>&1 & )
	local port; port="$(bench_web_port)"
	for _ in $(seq 90); do curl -fs "http://localhost:$port/api/method/ping" >/dev/null 2>&1 && return; sleep 1; done
	die "the bench did not answer on http://localhost:$port within 90 s (see $BENCH/logs/crm_suite_start.log)"
}

# After a reboot: the bench's Redis and processes again, nothing re-made.
start_only() {
	bench_found || die "no usable bench at $BENCH ($(bench_problem)): run  bash scripts/setup.sh"
	ensure_bench_redis
	if [ -n "$(bench_app_pids)" ]; then log "The bench at $BENCH is already running"; else start_bench; fi
	echo "Desk: http://localhost:$(bench_web_port)/app"
}

main() {
	if [ "$START_ONLY" = 1 ]; then start_only; return; fi
	install_system_packages
	configure_mariadb
	ensure_bench_cli
	make_bench
	ensure_db_admin
	ensure_bench_redis
	REDIS_CACHE_PORT="$(awk '/^port/ {print $2}' "$BENCH/config/redis_cache.conf")"
	log "Installing crm_suite from this checkout"
	install_app_from_checkout
	bench_cmd build --app crm_suite >/dev/null || die "bench build --app crm_suite failed"
	log "Creating site $SITE with demo data ($CUSTOMERS customers), set up for a Chinese team"
	make_demo_site "$SITE" "$ADMIN_PASSWORD" "$CUSTOMERS" >"$BENCH/logs/crm_suite_new_site.log" 2>&1 \
		|| { tail -30 "$BENCH/logs/crm_suite_new_site.log" >&2; die "making site $SITE failed (log: $BENCH/logs/crm_suite_new_site.log). Rerun this command: it makes the site anew"; }
	frappe_cmd use "$SITE" >/dev/null
	touch "$BENCH/.crm_suite_setup_done"
	local started="no"
	if [ "$START" = 1 ]; then
		start_bench
		started="yes"
	elif [ "${WAS_RUNNING:-0}" = 1 ]; then
		log "The bench was running before and is stopped now (--no-start): start it with  cd $BENCH && bench start"
	fi
	local port; port="$(bench_web_port)"
	cat <<MSG

crm_suite is ready$([ "$started" = yes ] || echo " (not started: --no-start)").
  Desk:        http://localhost:$port/app   (site $SITE)
  Logins:      Administrator / $ADMIN_PASSWORD
               admin@crm-suite.demo   / Demo@2026   (CRM Admin)
               manager@crm-suite.demo / Demo@2026   (CRM Manager, 华北销售部)
               sales1@crm-suite.demo  / Demo@2026   (CRM Salesperson, 华北一组)
               sales2@crm-suite.demo  / Demo@2026   (CRM Salesperson, 华北二组)
  Bench:       $BENCH   (the bench CLI: $(command -v bench || echo "$BENCH_CLI_HOME/bin/bench"))
  Stop:        pkill -f Procfile.crm_suite     Start again:  bash scripts/setup.sh --start-only
  Tests:       bash scripts/test.sh   (leaves this site running)
MSG
}

main
