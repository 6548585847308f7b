# Shared helpers for scripts/setup.sh and scripts/test.sh. Sourced, never run.
# They only *use* a bench: FRAPPE_BENCH (default ~/frappe-bench).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="${FRAPPE_BENCH:-$HOME/frappe-bench}"
# One account for the machine (every bench on it shares the MariaDB server), its password kept private.
DB_ADMIN_FILE="${XDG_CONFIG_HOME:-$HOME/.config}/crm_suite/db_admin"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

bench_found() {
	[ -x "$BENCH/env/bin/python" ] && [ -d "$BENCH/apps/frappe" ] && [ -f "$BENCH/sites/common_site_config.json" ]
}

bench_cmd() { (cd "$BENCH" && PATH="$BENCH/env/bin:$PATH" bench "$@"); }

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

redis_up() { redis-cli -p "$1" ping >/dev/null 2>&1; }

# The bench's own Redis instances (cache + queue); new-site and run-tests work without, the rest does not.
ensure_bench_redis() {
	local conf port
	for conf in redis_cache redis_queue; do
		[ -f "$BENCH/config/$conf.conf" ] || bench_cmd setup redis >/dev/null
		port="$(awk '/^port/ {print $2}' "$BENCH/config/$conf.conf")"
		if ! redis_up "$port"; then
			(cd "$BENCH" && redis-server "config/$conf.conf" --daemonize yes >/dev/null)
			for _ in 1 2 3 4 5 6 7 8 9 10; do redis_up "$port" && break; sleep 0.3; done
			redis_up "$port" || die "bench redis ($conf) did not start on port $port"
		fi
	done
}

# Put this checkout's app into the bench (a copy, made into its own git repo, as bench get-app wants).
install_app_from_checkout() {
	local stage="$BENCH/.crm_suite_src"
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

# bench run-tests writes JUnit XML through unittest-xml-reporting, which Frappe does not install.
ensure_bench_test_deps() {
	"$BENCH/env/bin/python" -c "import xmlrunner" 2>/dev/null && return
	log "Installing unittest-xml-reporting into the bench env (JUnit output of run-tests)"
	if command -v uv >/dev/null 2>&1; then
		uv pip install -q --python "$BENCH/env/bin/python" unittest-xml-reporting
	else
		"$BENCH/env/bin/python" -m pip install -q unittest-xml-reporting
	fi
}

merge_site_config() {
	local site="$1" template="$2"
	"$BENCH/env/bin/python" - "$BENCH/sites/$site/site_config.json" "$template" <<'PY'
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
	local site="$1" port prefix
	port="$(awk '/^port/ {print $2}' "$BENCH/config/redis_cache.conf")"
	for prefix in None "$("$BENCH/env/bin/python" -c "import json,sys; print(json.load(open(sys.argv[1])).get('db_name',''))" "$BENCH/sites/$site/site_config.json" 2>/dev/null)"; do
		[ -n "$prefix" ] || continue
		redis-cli -p "$port" --scan --pattern "$prefix|*" | while read -r key; do redis-cli -p "$port" del "$key" >/dev/null; done
	done
}

new_site() {
	local site="$1" admin_password="$2"
	clear_site_cache "$site"
	bench_cmd new-site "$site" --force \
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
		bench_cmd --site "$site" set-config db_socket "$sock" >/dev/null
	fi
}

# The screen-pop test drives a headless Chromium (Debian's `chromium`) over DevTools; install it when
# missing and apt is there (CRM_INSTALL_BROWSER=0 to skip). Without one the test skips with its reason.
ensure_browser() {
	local b
	for b in chromium chromium-browser google-chrome google-chrome-stable; do command -v "$b" >/dev/null && return; done
	[ "${CRM_INSTALL_BROWSER:-1}" = 0 ] && return
	command -v apt-get >/dev/null || return
	log "Installing chromium for the browser test"
	if [ "$(id -u)" = 0 ]; then apt-get install -y -q chromium >/dev/null || true
	else sudo -n apt-get install -y -q chromium >/dev/null || true; fi
}
