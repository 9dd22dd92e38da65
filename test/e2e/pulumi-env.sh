# shellcheck shell=bash
# Source this file (after `bash test/e2e/setup-pulumi.sh`) to use the Pulumi CLI built from source:
#   source test/e2e/pulumi-env.sh
# Sets PATH (the CLI's bin dir first), PULUMI_HOME, PULUMI_SKIP_UPDATE_CHECK,
# PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION and, only if unset, a test-only PULUMI_CONFIG_PASSPHRASE.
# The bin dir follows the exact @pulumi/pulumi version pinned in package.json.
__polystore_root=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/../.." && pwd)
__polystore_ver=$(node -p 'require(process.argv[1]).dependencies["@pulumi/pulumi"]' "$__polystore_root/package.json")
__polystore_cache="${POLYSTORE_CACHE:-$HOME/.cache/polystore}/pulumi"
export POLYSTORE_PULUMI_BIN="$__polystore_cache/v${__polystore_ver}/bin"
case ":$PATH:" in
  ":$POLYSTORE_PULUMI_BIN:"*) ;;
  *) export PATH="$POLYSTORE_PULUMI_BIN:$PATH" ;;
esac
export PULUMI_HOME="$__polystore_cache/home"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# Test-only default; never used when the caller already set a passphrase (even to "").
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-polystore-test-only-passphrase}"
if [ ! -x "$POLYSTORE_PULUMI_BIN/pulumi" ]; then
  echo "[pulumi-env] $POLYSTORE_PULUMI_BIN/pulumi is missing: run bash test/e2e/setup-pulumi.sh" >&2
fi
unset __polystore_root __polystore_ver __polystore_cache
