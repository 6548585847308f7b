# Shared helpers for scripts/setup.sh and scripts/test.sh. Sourced, never run.
# They only *use* a bench: FRAPPE_BENCH (default ~/frappe-bench).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="${FRAPPE_BENCH:-$HOME/frappe-bench}"
BENCH="${BENCH%/}"
# scripts/test.sh's own bench beside the real one's sites (see test.sh)
TEST_BENCH="${CRM_TEST_BENCH:-$BENCH/.crm_suite_test}"
# One account for the machine (every bench on it shares the MariaDB server), its password kept private.
DB_ADMIN_FILE="${XDG_CONFIG_HOME:-$HOME/.config}/crm_suite/db_admin"
# The bench CLI lives in a virtualenv of its own; a wrapper in /usr/local/bin puts it where PATH looks.
BENCH_CLI_HOME="${CRM_BENCH_CLI_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/crm_suite/bench-cli}"
BENCH_CLI_WRAPPER="${CRM_BENCH_CLI_WRAPPER:-/usr/local/bin/bench}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- the bench: found, usable, or half made -------------------------------------------------------------

# Why the bench at $BENCH cannot be used, in one line; nothing when it can. A folder that a failed or
# interrupted `bench init` left behind has some of these and not the rest.
bench_problem() {
	[ -e "$BENCH" ] || { echo "there is no bench folder"; return; }
	[ -x "$BENCH/env/bin/python" ] || { echo "it has no Python environment (env/bin/python)"; return; }
	[ -f "$BENCH/apps/frappe/frappe/__init__.py" ] || { echo "it has no Frappe source in apps/frappe"; return; }
	[ -f "$BENCH/sites/common_site_config.json" ] || { echo "it has no sites/common_site_config.json"; return; }
	grep -qx frappe "$BENCH/sites/apps.txt" 2>/dev/null || { echo "sites/apps.txt does not list frappe"; return; }
	[ -f "$BENCH/config/redis_cache.conf" ] && [ -f "$BENCH/config/redis_queue.conf" ] \
		|| { echo "it has no Redis configuration (config/redis_*.conf)"; return; }
	[ -f "$BENCH/Procfile" ] || { echo "it has no Procfile"; return; }
	(cd "$BENCH/sites" && "$BENCH/env/bin/python" -c "import frappe" >/dev/null 2>&1) \
		|| { echo "Frappe is not importable in its environment (env/)"; return; }
	[ -d "$BENCH/sites/assets/frappe" ] || { echo "Frappe's Desk assets were never built (sites/assets/frappe)"; return; }
}

bench_found() { [ -z "$(bench_problem)" ]; }

# The port the bench's web server listens on (bench start, the Desk URL).
bench_web_port() {
	python3 -c "import json,sys; print(json.load(open(sys.argv[1])).get('webserver_port', 8000))" "$BENCH/sites/common_site_config.json"
}

# Processes started from a folder (cwd or command line inside it, also after the folder was deleted).
pids_under() {
	local dir="$1" p cwd
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = "$$" ] && continue
		cwd="$(readlink "$p/cwd" 2>/dev/null)" || continue
		cwd="${cwd% (deleted)}"
		if [[ "$cwd" == "$dir" || "$cwd" == "$dir/"* ]] || tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF "$dir/"; then
			echo "${p#/proc/}"
		fi
	done
}

# The bench's own web, socketio, worker and scheduler processes (not its Redis, not the test bench's).
bench_app_pids() {
	local p cwd
	for p in $(pids_under "$BENCH"); do
		cwd="$(readlink "/proc/$p/cwd" 2>/dev/null)"
		# any test bench's (a developer may run several, each with its own CRM_TEST_BENCH)
		[[ "$cwd" == "$BENCH/.crm_suite_test"* || "$cwd" == "$TEST_BENCH" || "$cwd" == "$TEST_BENCH/"* ]] && continue
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q -e redis-server -e "$TEST_BENCH" -e "$BENCH/.crm_suite_test" && continue
		echo "$p"
	done
}

stop_pids() {
	local pids=("$@") _
	[ ${#pids[@]} -gt 0 ] || return 0
	kill "${pids[@]}" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "${pids[@]}" 2>/dev/null || return 0
		sleep 0.2
	done
	kill -9 "${pids[@]}" 2>/dev/null || true
}

# --- the bench CLI ---------------------------------------------------------------------------------------

find_bench_cli() {
	local c
	c="$(command -v bench 2>/dev/null)" && { echo "$c"; return; }
	for c in "$BENCH_CLI_WRAPPER" "$BENCH_CLI_HOME/bin/bench" "$HOME/.local/bin/bench"; do
		[ -x "$c" ] && { echo "$c"; return; }
	done
	return 1
}

bench_cmd() {
	local cli
	cli="$(find_bench_cli)" || die "the bench CLI is not installed: run scripts/setup.sh"
	(cd "$BENCH" && PATH="$BENCH/env/bin:$PATH:$BENCH_CLI_HOME/bin" "$cli" "$@")
}

# A Frappe command (what `bench --site … <command>` runs) straight through the bench's Python, in a sites
# folder: no bench CLI needed. SITES_DIR defaults to the bench's own.
frappe_cmd() {
	(cd "${SITES_DIR:-$BENCH/sites}" && PATH="$BENCH/env/bin:$PATH" "$BENCH/env/bin/python" -m frappe.utils.bench_helper frappe "$@")
}

# --- MariaDB ---------------------------------------------------------------------------------------------

as_db_root() {
	# MariaDB's root over the local socket (Debian/Ubuntu default: unix_socket auth for root).
	if [ "$(id -u)" = 0 ]; then mariadb -uroot "$@"; else sudo mariadb -uroot "$@"; fi
}

# A dedicated MariaDB account with grant rights, so that root's own auth is left alone.
ensure_db_admin() {
	if [ -n "${CRM_DB_ADMIN_USER:-}" ] && [ -n "${CRM_DB_ADMIN_PASSWORD:-}" ]; then
		DB_ADMIN_USER="$CRM_DB_ADMIN_USER"; DB_ADMIN_PASSWORD="$CRM_DB_ADMIN_PASSWORD"; return
	fi
	DB_ADMIN_USER=crm_suite_admin
	if [ -f "$DB_ADMIN_FILE" ]; then
		DB_ADMIN_PASSWORD="$(cat "$DB_ADMIN_FILE")"
	else
		DB_ADMIN_PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)"
	fi
	as_db_root -e "
		CREATE USER IF NOT EXISTS '$DB_ADMIN_USER'@'localhost' IDENTIFIED BY '$DB_ADMIN_PASSWORD';
		CREATE USER IF NOT EXISTS '$DB_ADMIN_USER'@'127.0.0.1' IDENTIFIED BY '$DB_ADMIN_PASSWORD';
		ALTER USER '$DB_ADMIN_USER'@'localhost' IDENTIFIED BY '$DB_ADMIN_PASSWORD';
		ALTER USER '$DB_ADMIN_USER'@'127.0.0.1' IDENTIFIED BY '$DB_ADMIN_PASSWORD';
		GRANT ALL PRIVILEGES ON *.* TO '$DB_ADMIN_USER'@'localhost' WITH GRANT OPTION;
		GRANT ALL PRIVILEGES ON *.* TO '$DB_ADMIN_USER'@'127.0.0.1' WITH GRANT OPTION;
		FLUSH PRIVILEGES;" || die "cannot reach MariaDB as root over its socket to create $DB_ADMIN_USER"
	mkdir -p "$(dirname "$DB_ADMIN_FILE")"
	( umask 077; printf '%s' "$DB_ADMIN_PASSWORD" > "$DB_ADMIN_FILE" )
}

# Frappe refuses to create sites unless the server speaks utf8mb4_unicode_ci.
ensure_db_charset() {
	local collation
	collation="$(as_db_root -N -e "select @@collation_server" 2>/dev/null || true)"
	if [ "$collation" != "utf8mb4_unicode_ci" ]; then
		log "Setting MariaDB to utf8mb4 / utf8mb4_unicode_ci (was: ${collation:-unknown})"
		as_db_root -e "SET GLOBAL character_set_server='utf8mb4'; SET GLOBAL collation_server='utf8mb4_unicode_ci';"
	fi
}

# --- Redis -----------------------------------------------------------------------------------------------

redis_up() { redis-cli -p "$1" ping >/dev/null 2>&1; }
redis_info() { redis-cli -p "$1" info server 2>/dev/null | tr -d '\r' | awk -F: -v k="$2" '$1 == k {print substr($0, length(k) + 2)}'; }

# Whose is the Redis answering on a port? "ours" (started from this config file, in a folder that still
# exists), "stale" (its config file or working folder is gone: a removed bench's), or "other: …".
redis_owner() {
	local port="$1" want="$2" config pid cwd=""
	config="$(redis_info "$port" config_file)"
	pid="$(redis_info "$port" process_id)"
	[ -n "$pid" ] && cwd="$(readlink "/proc/$pid/cwd" 2>/dev/null || true)"
	if [[ "$cwd" == *" (deleted)" ]] || { [ -n "$config" ] && [ ! -e "$config" ]; }; then
		echo "stale"
	elif [ -n "$config" ] && [ "$(realpath "$config")" = "$(realpath "$want")" ]; then
		echo "ours"
	else
		echo "other: pid ${pid:-?}, config ${config:-none}"
	fi
}

# The bench's own Redis instances (cache + queue), checked by the config they were started from, not by
# whether the port answers: a Redis left running by a removed bench is stopped, another one is refused.
ensure_bench_redis() {
	local conf port owner
	for conf in redis_cache redis_queue; do
		[ -f "$BENCH/config/$conf.conf" ] || bench_cmd setup redis >/dev/null
		port="$(awk '/^port/ {print $2}' "$BENCH/config/$conf.conf")"
		if redis_up "$port"; then
			owner="$(redis_owner "$port" "$BENCH/config/$conf.conf")"
			case "$owner" in
				ours) continue ;;
				stale)
					log "Stopping a stale Redis on port $port (started by a bench folder that is gone)"
					redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
					for _ in $(seq 25); do redis_up "$port" || break; sleep 0.2; done ;;
				*) die "port $port ($conf of $BENCH) is taken by another Redis ($owner). Stop it, or give this bench other ports in $BENCH/config/$conf.conf and sites/common_site_config.json" ;;
			esac
		fi
		(cd "$BENCH" && redis-server "$BENCH/config/$conf.conf" --daemonize yes >/dev/null)
		for _ in $(seq 25); do redis_up "$port" && break; sleep 0.2; done
		redis_up "$port" || die "bench redis ($conf) did not start on port $port"
	done
}

# --- sites -----------------------------------------------------------------------------------------------

merge_site_config() {
	local config="$1" template="$2"
	"$BENCH/env/bin/python" - "$config" "$template" <<'PY'
import json, sys
path, template = sys.argv[1], sys.argv[2]
with open(path) as fh:
	config = json.load(fh)
with open(template) as fh:
	config.update({k: v for k, v in json.load(fh).items() if v is not None})
with open(path, "w") as fh:
	json.dump(config, fh, indent=1, sort_keys=True)
PY
}

# `new-site --force` starts from the old site's config, so Frappe reads the cache under the *old* database's
# key prefix (or "None|" when there is none) — including the app/module map from before this checkout's
# modules changed, which makes the install skip new modules. Drop those keys first.
clear_site_cache() {
	local site="$1" port="$2" prefix sites="${SITES_DIR:-$BENCH/sites}"
	for prefix in None "$("$BENCH/env/bin/python" -c "import json,sys; print(json.load(open(sys.argv[1])).get('db_name',''))" "$sites/$site/site_config.json" 2>/dev/null)"; do
		[ -n "$prefix" ] || continue
		redis-cli -p "$port" --scan --pattern "$prefix|*" | while read -r key; do redis-cli -p "$port" del "$key" >/dev/null; done
	done
}

# A new site with crm_suite (replacing one of that name). REDIS_CACHE_PORT: the cache its bench uses.
new_site() {
	local site="$1" admin_password="$2"
	clear_site_cache "$site" "$REDIS_CACHE_PORT"
	frappe_cmd new-site "$site" --force \
		--db-root-username "$DB_ADMIN_USER" --db-root-password "$DB_ADMIN_PASSWORD" \
		--mariadb-user-host-login-scope='%' --admin-password "$admin_password" \
		--install-app crm_suite
	use_db_socket "$site"
}

# A MariaDB on this machine is reached over its Unix socket: no TCP round trip per query (the caller-ID
# lookup's p99 halves). The site's database user is created for any host, so the socket login works.
use_db_socket() {
	local site="$1" sock
	sock="$(as_db_root -N -e "select @@socket" 2>/dev/null || true)"
	if [ -n "$sock" ] && [ -S "$sock" ]; then
		frappe_cmd --site "$site" set-config db_socket "$sock" >/dev/null
	fi
}

# The demo site as the README promises it: set up for a Chinese team (the setup wizard completed: 中文,
# China, Asia/Shanghai, CNY, the demo company), the scheduler on, demo organisation, logins and customers.
# scripts/setup.sh makes crm.localhost with it; the browser test makes its own site with it.
make_demo_site() {
	local site="$1" admin_password="$2" customers="$3"
	new_site "$site" "$admin_password" || return 1
	merge_site_config "${SITES_DIR:-$BENCH/sites}/$site/site_config.json" "$REPO_ROOT/sites/templates/demo_site_config.json"
	frappe_cmd --site "$site" execute crm_suite.demo.load.load_demo --kwargs "{'customers': $customers}" || return 1
	frappe_cmd --site "$site" enable-scheduler >/dev/null
}

# The screen-pop and Desk tests drive Debian's `chromium` through Playwright, with CJK fonts so that
# Chinese pages render; installed when missing and apt is there (CRM_INSTALL_BROWSER=0 to skip). Without
# a browser the browser tests skip with their reason.
ensure_browser() {
	local need=() b found=""
	for b in chromium chromium-browser google-chrome google-chrome-stable; do command -v "$b" >/dev/null && found=1; done
	[ -n "$found" ] || need+=(chromium)
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
	[ ${#need[@]} -gt 0 ] || return 0
	[ "${CRM_INSTALL_BROWSER:-1}" = 0 ] && return
	command -v apt-get >/dev/null || return
	log "Installing ${need[*]} for the browser tests"
	if [ "$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null || true
	else sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null || true; fi
}
