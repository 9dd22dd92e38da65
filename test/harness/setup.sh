#!/usr/bin/env bash
# Installs and caches every database engine the polystore test harness runs
# natively on loopback (see test/harness/README.md). Idempotent: each part
# leaves a stamp and is skipped while its inputs are unchanged, so a second
# run takes seconds. Meant for a fresh Debian 12 machine, as root, with no
# standard input (CI=true friendly).
#
#   bash test/harness/setup.sh          # or: npm run setup:engines
#
# Environment:
#   POLYSTORE_CACHE   cache root (default: $HOME/.cache/polystore)
set -euo pipefail

HARNESS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$HARNESS_DIR/../.." && pwd)"
CACHE="${POLYSTORE_CACHE:-$HOME/.cache/polystore}"
M2="$CACHE/m2"
FERRETDB_VERSION="v1.24.2"
ES_VERSION="8.14.1"
ENGINE_USER="polystore"   # Elasticsearch refuses to run as root
export DEBIAN_FRONTEND=noninteractive

log() { printf '[harness] %s\n' "$*"; }
die() { printf '[harness] ERROR: %s\n' "$*" >&2; exit 1; }
started=$(date +%s)
mkdir -p "$CACHE"

# Hash of the given files' contents (sorted by name), used as a stamp value.
inputs_hash() { (cd "$HARNESS_DIR" && sha256sum "$@") | sha256sum | cut -c1-16; }
stamp_ok() { [[ -f "$1" && "$(cat "$1")" == "$2" ]]; }

# --- toolchains the image is expected to have -------------------------------
missing_tools=()
for tool in java mvn go node; do command -v "$tool" >/dev/null 2>&1 || missing_tools+=("$tool"); done
if ((${#missing_tools[@]})); then
  die "missing toolchain(s): ${missing_tools[*]} (the machine image provides Java 17 + Maven, Go >= 1.24 and Node 20)"
fi
java_major=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
[[ "${java_major%%.*}" -ge 17 ]] || die "Java 17 or newer is required (found $java_major)"

# --- Debian packages: PostgreSQL and Redis ----------------------------------
apt_packages=(postgresql redis-server redis-tools)
apt_missing=()
for p in "${apt_packages[@]}"; do
  # No `| grep -q` under pipefail: grep -q exits at the first match and the writer may die of
  # SIGPIPE, which pipefail turns into a failure. Capture, then match in bash.
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == *"install ok installed"* ]] || apt_missing+=("$p")
done
if ((${#apt_missing[@]})); then
  [[ $(id -u) -eq 0 ]] || die "Debian packages missing (${apt_missing[*]}) and not running as root to install them"
  log "apt-get update (missing: ${apt_missing[*]})"
  apt-get update -qq
  log "apt-get install ${apt_missing[*]}"
  apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
  # The packages register system services; the harness runs its own servers
  # (own data dirs and ports), so make sure the Debian-managed ones are down.
  for svc in postgresql redis-server; do
    if service "$svc" status >/dev/null 2>&1; then
      log "stopping the Debian-managed $svc service"
      service "$svc" stop >/dev/null 2>&1 || true
    fi
    update-rc.d "$svc" disable >/dev/null 2>&1 || true
  done
else
  log "Debian packages present: ${apt_packages[*]}"
fi
ls -d /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || die "no PostgreSQL server binary under /usr/lib/postgresql/*/bin"
command -v redis-server >/dev/null || die "redis-server not on PATH after install"

if [[ $(id -u) -eq 0 ]] && ! id "$ENGINE_USER" >/dev/null 2>&1; then
  log "creating system user $ENGINE_USER (Elasticsearch will not run as root)"
  useradd --system --no-create-home --shell /usr/sbin/nologin "$ENGINE_USER"
fi

# --- FerretDB ---------------------------------------------------------------
# Built from the module source fetched through the Go module proxy. Not plain
# `go install ...@$FERRETDB_VERSION`: that asks the proxy for the module's
# version list (refused here) and, built as the main module, FerretDB panics
# without build/version/version.txt, which only its release tooling writes.
build_ferretdb() {
  FERRETDB_DIR="$CACHE/ferretdb/$FERRETDB_VERSION"
  if stamp_ok "$FERRETDB_DIR/.stamp" "$FERRETDB_VERSION" && [[ -x "$FERRETDB_DIR/ferretdb" ]]; then
    log "ferretdb $FERRETDB_VERSION cached ($FERRETDB_DIR/ferretdb)"
  else
    log "building ferretdb $FERRETDB_VERSION from the Go module proxy"
    local t0; t0=$(date +%s)
    # Private module and build caches, removed once the binary is built: the
    # cache keeps only the 45 MB binary, not ~1 GB of Go sources and objects.
    rm -rf "$FERRETDB_DIR" && mkdir -p "$FERRETDB_DIR"
    local GOMODCACHE GOCACHE GOFLAGS
    export GOMODCACHE="$FERRETDB_DIR/gotmp/mod" GOCACHE="$FERRETDB_DIR/gotmp/build" GOFLAGS="-modcacherw -buildvcs=false"
    local src_dir
    src_dir=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [[ -n "$src_dir" && -d "$src_dir" ]] || die "go mod download of FerretDB $FERRETDB_VERSION gave no source directory"
    cp -r "$src_dir" "$FERRETDB_DIR/src" && chmod -R u+w "$FERRETDB_DIR/src"
    echo "$FERRETDB_VERSION" >"$FERRETDB_DIR/src/build/version/version.txt"
    echo "polystore-harness" >"$FERRETDB_DIR/src/build/version/package.txt"
    (cd "$FERRETDB_DIR/src" && go build -trimpath -o "$FERRETDB_DIR/ferretdb" ./cmd/ferretdb) >"$CACHE/ferretdb.build.log" 2>&1 ||
      { tail -n 40 "$CACHE/ferretdb.build.log" >&2; die "go build of ferretdb failed (log: $CACHE/ferretdb.build.log)"; }
    rm -rf "$FERRETDB_DIR/src" "$FERRETDB_DIR/gotmp"
    # Captured, not piped into `grep -q`: under pipefail the SIGPIPE ferretdb gets when grep -q
    # stops reading at the first match failed this check on every fresh machine.
    local reported; reported=$("$FERRETDB_DIR/ferretdb" --version 2>&1 || true)
    [[ $reported == *"version: $FERRETDB_VERSION"* ]] ||
      die "built ferretdb does not report $FERRETDB_VERSION (it printed: ${reported:0:200})"
    echo "$FERRETDB_VERSION" >"$FERRETDB_DIR/.stamp"
    log "ferretdb built in $(($(date +%s) - t0))s"
  fi
}

# --- Java engines via Maven Central ------------------------------------------
build_java() { # name
  local name="$1" dir="$HARNESS_DIR/java/$1" out="$CACHE/java/$1"
  local files; mapfile -t files < <(cd "$HARNESS_DIR" && find "java/$name" -type f \( -name pom.xml -o -name '*.java' \) | sort)
  local key; key="$(inputs_hash "${files[@]}")"
  if stamp_ok "$out/.stamp" "$key"; then
    log "java/$name cached ($out)"
    return
  fi
  log "building java/$name with Maven (first time downloads from Maven Central)"
  local t0; t0=$(date +%s)
  rm -rf "$out"
  mvn -B -q -f "$dir/pom.xml" -Dmaven.repo.local="$M2" -Dharness.out="$out" package >"$CACHE/java-$name.build.log" 2>&1 ||
    { tail -n 40 "$CACHE/java-$name.build.log" >&2; die "maven build of java/$name failed (log: $CACHE/java-$name.build.log)"; }
  echo "$key" >"$out/.stamp"
  log "java/$name built in $(($(date +%s) - t0))s"
}
build_java neo4j
build_java opensearch
build_java elasticsearch
[[ -x "$CACHE/java/elasticsearch/dist/elasticsearch-$ES_VERSION/bin/elasticsearch" ]] ||
  die "Elasticsearch distribution missing after build: $CACHE/java/elasticsearch/dist/elasticsearch-$ES_VERSION"

# The integ-test distribution has no analysis-common module (not on Maven Central): add the few
# components polystore's scripts and x-pack's .security index need, backed by Lucene's own classes.
install_es_analysis_shim() {
  local es_home="$CACHE/java/elasticsearch/dist/elasticsearch-$ES_VERSION"
  local src="$HARNESS_DIR/java/elasticsearch/analysis-shim"
  local plugin="$es_home/plugins/polystore-analysis"
  local key; key=$(cat "$src"/* | sha256sum | cut -c1-16)
  [[ -f "$plugin/.stamp" && "$(cat "$plugin/.stamp")" == "$key" ]] && return 0
  local out; out=$(mktemp -d)
  javac --release 17 -nowarn -cp "$es_home/lib/*" -d "$out" "$src/PolystoreAnalysisPlugin.java" ||
    die "javac of the Elasticsearch analysis shim failed"
  rm -rf "$plugin" && mkdir -p "$plugin"
  (cd "$out" && jar cf "$plugin/polystore-analysis.jar" .)
  cp "$src/plugin-descriptor.properties" "$plugin/"
  echo "$key" >"$plugin/.stamp"
  rm -rf "$out"
  log "elasticsearch analysis shim installed ($plugin)"
}
install_es_analysis_shim
build_ferretdb

# --- ClickHouse: chdb (npm devDependency, installed with the project) --------
chdb_version=$(cd "$REPO_DIR" && node -e '
  const chdb = require("chdb");
  const fs = require("fs"), os = require("os"), path = require("path");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polystore-chdb-check-"));
  try {
    const s = new chdb.Session(dir);
    s.query("CREATE DATABASE IF NOT EXISTS polystore");
    s.query("CREATE TABLE polystore.t (ts DateTime, k String) ENGINE = MergeTree ORDER BY ts TTL ts + INTERVAL 90 DAY");
    const v = String(s.query("SELECT version()", "TabSeparated")).trim();
    s.close();
    process.stdout.write(v);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
' 2>&1) || die "chdb does not load or run DDL (is node_modules installed? npm allowScripts must include chdb): $chdb_version"
log "chdb ok (ClickHouse $chdb_version in process)"

log "setup done in $(($(date +%s) - started))s (cache: $CACHE)"
