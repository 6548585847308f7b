#!/usr/bin/env bash
# One command: install what is missing, make or reuse a Frappe v15 bench, install crm_suite on a new site
# with demo data, start it, and print the Desk URL and the demo logins.
#
#   bash scripts/setup.sh [--site crm.localhost] [--customers 1000] [--no-start]
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

SITE="crm.localhost"
CUSTOMERS=1000
START=1
while [ $# -gt 0 ]; do
	case "$1" in
		--site) SITE="$2"; shift 2 ;;
		--customers) CUSTOMERS="$2"; shift 2 ;;
		--no-start) START=0; shift ;;
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
	command -v pkg-config >/dev/null || need+=(pkg-config)
	python3 -c "import venv, ensurepip" 2>/dev/null || need+=(python3-venv python3-dev)
	command -v gcc >/dev/null || need+=(build-essential)
	dpkg -s libmariadb-dev >/dev/null 2>&1 || need+=(libmariadb-dev)
	dpkg -s xvfb >/dev/null 2>&1 || true
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
	if ! command -v bench >/dev/null; then
		log "Installing frappe-bench"
		if command -v pipx >/dev/null; then pipx install frappe-bench; else python3 -m pip install --user frappe-bench || python3 -m pip install --user --break-system-packages frappe-bench; fi
		export PATH="$HOME/.local/bin:$PATH"
	fi
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
	redis-cli ping >/dev/null 2>&1 || { command -v systemctl >/dev/null && $SUDO systemctl start redis-server || true; }
}

make_bench() {
	if bench_found; then
		log "Reusing the bench at $BENCH"
		return
	fi
	log "Creating a bench at $BENCH with Frappe $FRAPPE_BRANCH from $FRAPPE_REPO"
	local scratch; scratch="$(mktemp -d)"
	mkdir -p "$scratch/sites"
	# bench refuses to run as root without frappe_user in the config it finds.
	[ "$(id -u)" = 0 ] && echo '{"frappe_user": "root"}' > "$scratch/sites/common_site_config.json"
	local source_flag=(--frappe-path "$FRAPPE_REPO")
	( cd "$scratch" && bench init "${source_flag[@]}" --frappe-branch "$FRAPPE_BRANCH" --no-backups "$BENCH" )
	rm -rf "$scratch"
	# setuptools 81 dropped pkg_resources, which parts of the v15 toolchain still import.
	"$BENCH/env/bin/python" -m pip install -q "setuptools<81"
	[ "$(id -u)" = 0 ] && bench_cmd config set-common-config -c frappe_user root >/dev/null
	true
}

main() {
	install_system_packages
	configure_mariadb
	make_bench
	ensure_db_admin
	ensure_bench_redis
	log "Installing crm_suite from this checkout"
	install_app_from_checkout
	bench_cmd build --app crm_suite >/dev/null
	log "Creating site $SITE"
	new_site "$SITE" "$ADMIN_PASSWORD" >/dev/null
	merge_site_config "$SITE" "$REPO_ROOT/sites/templates/demo_site_config.json"
	bench_cmd use "$SITE" >/dev/null
	bench_cmd --site "$SITE" enable-scheduler >/dev/null
	log "Loading demo data ($CUSTOMERS customers)"
	bench_cmd --site "$SITE" execute crm_suite.demo.load.load_demo --kwargs "{'customers': $CUSTOMERS}" >/dev/null
	if [ "$START" = 1 ]; then
		log "Starting the bench (web, socketio, worker, scheduler) in the background"
		# Redis already runs (ensure_bench_redis); the file watcher is for developers only.
		grep -v -E '^(watch|redis_cache|redis_queue):' "$BENCH/Procfile" > "$BENCH/Procfile.crm_suite"
		( cd "$BENCH" && nohup bench start --procfile Procfile.crm_suite >"$BENCH/logs/crm_suite_start.log" 2>&1 & )
		for _ in $(seq 60); do curl -fs "http://localhost:8000/api/method/ping" >/dev/null 2>&1 && break; sleep 1; done
	fi
	cat <<MSG

crm_suite is ready.
  Desk:        http://localhost:8000/app   (site $SITE)
  Logins:      Administrator / $ADMIN_PASSWORD
               admin@crm-suite.demo   / Demo@2026   (CRM Admin)
               manager@crm-suite.demo / Demo@2026   (CRM Manager, 华北销售部)
               sales1@crm-suite.demo  / Demo@2026   (CRM Salesperson, 华北一组)
               sales2@crm-suite.demo  / Demo@2026   (CRM Salesperson, 华北二组)
  Stop:        pkill -f Procfile.crm_suite     Logs: $BENCH/logs/
MSG
}

main
