#!/usr/bin/env bash
# Builds the real Pulumi CLI (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) at the exact
# version of the @pulumi/pulumi npm dependency, plus a Node.js language host and the
# Node.js launcher scripts, using only the Go module proxy. Everything is cached under
#   ${POLYSTORE_CACHE:-$HOME/.cache/polystore}/pulumi/v<version>/bin
# and a re-run with the binaries present returns in about a second.
#
# Usage:  bash test/e2e/setup-pulumi.sh        (then: source test/e2e/pulumi-env.sh)
# Env:    POLYSTORE_CACHE             cache root (default ~/.cache/polystore)
#         SETUP_PULUMI_FORCE=1        rebuild even if the stamp says the build is current
#         SETUP_PULUMI_SKIP_RANDOM=1  do not attempt the random provider plugin
# See test/e2e/PULUMI_CLI.md for how and why.
set -euo pipefail

RECIPE=1 # bump whenever the build recipe below changes; invalidates cached builds

log() { printf '[setup-pulumi] %s\n' "$*"; }
die() { printf '[setup-pulumi] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s; }

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)

command -v node >/dev/null || die "node is required (Node 20+)"
command -v go >/dev/null || die "go is required (Go >= 1.25)"

# Exact version of an npm dependency from the repo's package.json.
npm_dep_version() {
  node -e '
    const p = require(process.argv[1]);
    const v = (p.dependencies || {})[process.argv[2]] || (p.devDependencies || {})[process.argv[2]] || "";
    process.stdout.write(v);' "$REPO_ROOT/package.json" "$1"
}

PULUMI_VERSION=$(npm_dep_version @pulumi/pulumi)
[[ $PULUMI_VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
  die "package.json must pin @pulumi/pulumi to an exact version (got '${PULUMI_VERSION}')"
RANDOM_VERSION=$(npm_dep_version @pulumi/random)
TAG="v${PULUMI_VERSION}"

CACHE_ROOT="${POLYSTORE_CACHE:-$HOME/.cache/polystore}/pulumi"
VDIR="$CACHE_ROOT/$TAG"
BIN="$VDIR/bin"
SRC="$VDIR/src"
LOGS="$VDIR/logs"
PULUMI_HOME_DIR="$CACHE_ROOT/home"
STAMP="$BIN/.setup-pulumi.stamp"
STAMP_WANT="pulumi=$TAG recipe=$RECIPE"
BINARIES=(pulumi pulumi-language-nodejs pulumi-resource-pulumi-nodejs pulumi-analyzer-policy)

is_current() {
  [[ -f $STAMP ]] && [[ $(head -n1 "$STAMP") == "$STAMP_WANT" ]] || return 1
  local b
  for b in "${BINARIES[@]}"; do [[ -x $BIN/$b ]] || return 1; done
  [[ $("$BIN/pulumi" version 2>/dev/null) == "$TAG" ]]
}

finish() {
  mkdir -p "$PULUMI_HOME_DIR/plugins"
  log "pulumi $("$BIN/pulumi" version) ready; random plugin: $(sed -n 's/^random=//p' "$STAMP")"
  log "source test/e2e/pulumi-env.sh to use it (PATH, PULUMI_HOME=$PULUMI_HOME_DIR)"
  log "bin dir: $BIN"
}

if [[ ${SETUP_PULUMI_FORCE:-} != 1 ]] && is_current; then
  log "cached build is current ($STAMP_WANT)"
  finish
  exit 0
fi

mkdir -p "$BIN" "$SRC" "$LOGS"
# Serialise concurrent runs (parallel CI jobs sharing one cache).
if command -v flock >/dev/null; then
  exec 9>"$VDIR/.lock"
  log "acquiring build lock $VDIR/.lock"
  flock 9
  if [[ ${SETUP_PULUMI_FORCE:-} != 1 ]] && is_current; then
    log "built by a concurrent run"
    finish
    exit 0
  fi
fi

T0=$(now)
log "building Pulumi $TAG with $(go version | awk '{print $3}') on $(nproc 2>/dev/null || echo '?') cores (cold builds take a long time: see $LOGS)"

# Build settings. -mod=mod lets the wrapper module resolve its dependency graph on the fly.
# sum.golang.org does not answer for the pulumi modules through the proxy reachable here,
# so the checksum database is skipped for github.com/pulumi/*; every other module is checked
# against the go.sum files that ship inside pulumi's own pkg and sdk modules.
export GOFLAGS="-mod=mod -buildvcs=false"
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi"
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" GOWORK=off
LDFLAGS="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$TAG"

# Downloads module@version (outside any module) and prints its directory in the module cache.
mod_dir() {
  local out
  out=$(cd / && go mod download -json "$1" 2>&1) || {
    printf '%s\n' "$out" >&2
    return 1
  }
  if grep -q '"Error"' <<<"$out"; then
    printf '%s\n' "$out" >&2
    return 1
  fi
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$out"
}

# Prints the replace directives of a go.mod whose targets are module versions (not local paths).
remote_replaces() {
  awk '
    /^replace[[:space:]]*\($/ { inblock = 1; next }
    inblock && /^\)/        { inblock = 0; next }
    inblock                 { line = $0 }
    /^replace[[:space:]]/ && !/\($/ { line = $0; sub(/^replace[[:space:]]+/, "", line) }
    line ~ /=>/ {
      split(line, parts, "=>"); target = parts[2]; gsub(/^[[:space:]]+|[[:space:]]+$/, "", target)
      if (target !~ /^\.\.?\// && target !~ /^\//) { sub(/^[[:space:]]+/, "", line); print line }
      line = ""
    }' "$1"
}

# --- 1. Sources from the Go module proxy -------------------------------------------------
t=$(now)
log "downloading github.com/pulumi/pulumi/{pkg,sdk}/v3@$TAG from the Go module proxy"
PKG_DIR=$(mod_dir "github.com/pulumi/pulumi/pkg/v3@$TAG") || die "cannot download pulumi pkg/v3@$TAG"
SDK_DIR=$(mod_dir "github.com/pulumi/pulumi/sdk/v3@$TAG") || die "cannot download pulumi sdk/v3@$TAG"
log "  pkg: $PKG_DIR"
log "  sdk: $SDK_DIR"

# --- 2. Wrapper module ----------------------------------------------------------------------
GO_DIRECTIVE=$(awk '$1 == "go" { print $2; exit }' "$PKG_DIR/go.mod")
{
  echo "// Generated by test/e2e/setup-pulumi.sh: builds the Pulumi CLI $TAG from the Go module proxy."
  echo "module polystore.local/pulumi-build"
  echo
  echo "go ${GO_DIRECTIVE}"
  echo
  echo "require ("
  echo "	github.com/pulumi/pulumi/pkg/v3 $TAG"
  echo "	github.com/pulumi/pulumi/sdk/v3 $TAG"
  echo ")"
  echo
  # The CLI is built upstream with pkg/go.mod as the main module, so its replace directives
  # are the ones that apply (the local ../sdk replace becomes the sdk/v3 require above).
  remote_replaces "$PKG_DIR/go.mod" | sed 's/^/replace /'
} >"$SRC/go.mod"
cat "$PKG_DIR/go.sum" "$SDK_DIR/go.sum" | sort -u >"$SRC/go.sum"
while IFS= read -r r; do log "  replace (from pkg/go.mod): $r"; done < <(remote_replaces "$PKG_DIR/go.mod")
while IFS= read -r r; do
  grep -qF "replace $r" "$SRC/go.mod" || log "  not applied (sdk/go.mod only; pkg/go.mod governs the CLI build): $r"
done < <(remote_replaces "$SDK_DIR/go.mod")

# The upstream pulumi-language-nodejs is its own module
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) and is never tagged, so the
# module proxy cannot serve it. Probe anyway in case that changes, otherwise build a compact host
# speaking the same protocol (see PULUMI_CLI.md).
LANGHOST_PKG="./cmd/pulumi-language-nodejs"
LANGHOST_KIND="compact"
UPSTREAM_LANGHOST_MOD="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
if mod_dir "$UPSTREAM_LANGHOST_MOD@$TAG" >/dev/null 2>&1; then
  log "upstream $UPSTREAM_LANGHOST_MOD@$TAG is available: using it"
  LANGHOST_PKG="$UPSTREAM_LANGHOST_MOD"
  LANGHOST_KIND="upstream"
  sed -i "s|^)\$|	$UPSTREAM_LANGHOST_MOD $TAG\n)|" "$SRC/go.mod"
else
  log "upstream $UPSTREAM_LANGHOST_MOD@$TAG is not on the module proxy: building the compact host"
fi
mkdir -p "$SRC/cmd/pulumi-language-nodejs"
cat >"$SRC/cmd/pulumi-language-nodejs/main.go" <<'GO_EOF'
// polystore compact Node.js language host for the Pulumi engine.
//
// The upstream pulumi-language-nodejs lives in its own Go module
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) which is
// not published as a tagged module, so it cannot be fetched from the Go module
// proxy. This host speaks the same LanguageRuntime gRPC protocol and starts the
// very same Node.js entry points shipped in the @pulumi/pulumi npm package
// (cmd/run, cmd/run-plugin, cmd/run-policy-pack) with the same arguments and
// environment variables. Code generation RPCs are not implemented.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/shlex"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Exit code used by @pulumi/pulumi/cmd/run when it already printed an actionable error.
const exitCodeAlreadyReported = 32

func main() {
	var tracing string
	flag.StringVar(&tracing, "tracing", "", "Emit tracing to a Zipkin-compatible tracing endpoint")
	showVersion := flag.Bool("version", false, "Print the current plugin version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	logging.InitLogging(false, 0, false)
	cmdutil.InitTracing("pulumi-language-nodejs", "pulumi-language-nodejs", tracing)

	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[0]
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	cancelChannel := make(chan bool)
	go func() {
		<-ctx.Done()
		cancel()
		close(cancelChannel)
	}()
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check host RPC server: %w", err))
		}
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancelChannel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, &host{engineAddress: engineAddress, tracing: tracing})
			return nil
		},
		Options: rpcutil.TracingServerInterceptorOptions(nil),
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host RPC server: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
	tracing       string
}

type options struct {
	typescript     bool
	tsconfig       string
	nodeargs       []string
	packagemanager npm.PackageManagerType
}

func parseOptions(info *pulumirpc.ProgramInfo) (options, error) {
	o := options{typescript: true, packagemanager: npm.AutoPackageManager}
	m := info.GetOptions().AsMap()
	if v, ok := m["typescript"]; ok {
		b, ok := v.(bool)
		if !ok {
			return o, errors.New("typescript option must be a boolean")
		}
		o.typescript = b
	}
	if v, ok := m["tsconfig"]; ok {
		s, ok := v.(string)
		if !ok {
			return o, errors.New("tsconfig option must be a string")
		}
		o.tsconfig = s
	}
	if v, ok := m["nodeargs"]; ok {
		s, ok := v.(string)
		if !ok {
			return o, errors.New("nodeargs option must be a string")
		}
		args, err := shlex.Split(s)
		if err != nil {
			return o, err
		}
		o.nodeargs = args
	}
	if v, ok := m["packagemanager"]; ok {
		s, ok := v.(string)
		if !ok {
			return o, errors.New("packagemanager option must be a string")
		}
		o.packagemanager = npm.PackageManagerType(s)
	}
	return o, nil
}

func (o options) env() []string {
	var env []string
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return env
}

// resolveModule asks node to resolve a module from the program directory, the way the
// upstream host does, so node_modules symlinks and workspaces behave identically.
func resolveModule(nodeBin, dir, mod string) (string, error) {
	script := fmt.Sprintf("try { console.log(require.resolve(%q)); } catch (e) { "+
		"if (e.code === 'MODULE_NOT_FOUND') { console.error('It looks like the Pulumi SDK has not been installed. "+
		"Have you run npm install in %s?'); } else { console.error(e.message); } process.exit(1); }", mod, dir)
	cmd := exec.Command(nodeBin, "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", errors.New(strings.TrimSpace(string(ee.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *host) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// GetRequiredPackages reports every node_modules package whose package.json carries
// {"pulumi": {"resource": true}} (e.g. @pulumi/random -> resource plugin random vX.Y.Z).
func (h *host) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	seen := map[string]bool{}
	var pkgs []*pulumirpc.PackageDependency
	var walk func(dir string, inNodeModules bool)
	walk = func(dir string, inNodeModules bool) {
		real, err := filepath.EvalSymlinks(dir)
		if err != nil || seen[real] {
			return
		}
		seen[real] = true
		entries, err := os.ReadDir(real)
		if err != nil {
			return
		}
		for _, e := range entries {
			p := filepath.Join(real, e.Name())
			fi, err := os.Stat(p)
			if err != nil {
				continue
			}
			if fi.IsDir() {
				if pp, _ := os.Stat(filepath.Join(p, "PulumiPolicy.yaml")); pp != nil {
					continue // dependencies of a nested policy pack are not the program's
				}
				walk(p, inNodeModules || filepath.Base(real) == "node_modules")
				continue
			}
			if !inNodeModules || e.Name() != "package.json" {
				continue
			}
			b, err := os.ReadFile(p)
			if err != nil {
				continue
			}
			var info struct {
				Name    string                  `json:"name"`
				Version string                  `json:"version"`
				Pulumi  plugin.PulumiPluginJSON `json:"pulumi"`
			}
			if json.Unmarshal(b, &info) != nil || !info.Pulumi.Resource {
				continue
			}
			name := info.Pulumi.Name
			if name == "" {
				if !strings.HasPrefix(info.Name, "@pulumi/") {
					continue
				}
				name = strings.TrimPrefix(info.Name, "@pulumi/")
			}
			ver := info.Pulumi.Version
			if ver == "" {
				ver = info.Version
			}
			if ver != "" && !strings.HasPrefix(ver, "v") {
				ver = "v" + ver
			}
			dep := &pulumirpc.PackageDependency{Name: name, Kind: "resource", Version: ver, Server: info.Pulumi.Server}
			if par := info.Pulumi.Parameterization; par != nil {
				dep.Parameterization = &pulumirpc.PackageParameterization{
					Name: par.Name, Version: par.Version, Value: par.Value,
				}
			}
			pkgs = append(pkgs, dep)
		}
	}
	walk(req.GetInfo().GetProgramDirectory(), false)
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	info := req.GetInfo()
	opts, err := parseOptions(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	runMod := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runMod == "" {
		runMod = "@pulumi/pulumi/cmd/run"
	}
	runPath, err := resolveModule(nodeBin, info.GetProgramDirectory(), runMod)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	cfg := map[string]string{}
	for k, v := range req.GetConfig() {
		pk, err := config.ParseKey(k)
		if err != nil {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
		cfg[pk.Namespace()+":config:"+pk.Name()] = v
	}
	cfgJSON, _ := json.Marshal(cfg)
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, _ := json.Marshal(secretKeys)

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	// The engine's monitor is handed to the Node.js SDK directly.
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("root-directory", info.GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", info.GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", h.tracing)
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = "."
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	env := append(os.Environ(), "PULUMI_CONFIG="+string(cfgJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON))
	env = append(env, opts.env()...)

	logging.V(5).Infof("Language host launching process: %s %s", nodeBin, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, nodeBin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	// Wrap the writers: node may flip its stdio to non-blocking mode, which must not leak into ours.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	cmd.Env = env
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			switch code := ee.ExitCode(); code {
			case exitCodeAlreadyReported:
				return &pulumirpc.RunResponse{Bail: true}, nil
			case 0:
				return &pulumirpc.RunResponse{Error: "Program exited unexpectedly: " + err.Error()}, nil
			default:
				return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}, nil
			}
		}
		return &pulumirpc.RunResponse{
			Error: "Problem executing program (could not run language executor): " + err.Error(),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// RunPlugin starts plugins written in Node.js: policy packs (kind analyzer, via
// @pulumi/pulumi/cmd/run-policy-pack) and providers/tools (via cmd/run-plugin).
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return err
	}
	info := req.GetInfo()
	opts, err := parseOptions(info)
	if err != nil {
		return err
	}
	env := append(append([]string{}, req.GetEnv()...), opts.env()...)

	isPolicy := req.GetKind() == string(apitype.AnalyzerPlugin)
	mod := "@pulumi/pulumi/cmd/run-policy-pack"
	if !isPolicy {
		mod = os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
		if mod == "" {
			mod = "@pulumi/pulumi/cmd/run-plugin"
		}
	}
	runPath, err := resolveModule(nodeBin, info.GetProgramDirectory(), mod)
	if err != nil {
		return err
	}
	args := append(append([]string{}, opts.nodeargs...), runPath)
	if isPolicy {
		// Policy packs take the program directory last.
		args = append(args, req.GetArgs()...)
		args = append(args, info.GetProgramDirectory())
	} else {
		args = append(args, info.GetProgramDirectory())
		args = append(args, req.GetArgs()...)
	}

	// Policy packs expect the stack's identity and configuration in their environment; the
	// engine delivers them over the Analyzer protocol, so sit in front of the pack until they arrive.
	var proxy *sdk.PolicyProxy
	if isPolicy {
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start policy pack proxy: %w", err)
		}
		stack, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get stack configuration: %w", err)
		}
		if stack != nil {
			set := func(k, v string) {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			set("PULUMI_NODEJS_ORGANIZATION", stack.Organization)
			set("PULUMI_NODEJS_PROJECT", stack.Project)
			set("PULUMI_NODEJS_STACK", stack.Stack)
			set("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stack.DryRun))
			if stack.Config != nil {
				b, err := json.Marshal(stack.Config)
				if err != nil {
					return err
				}
				set("PULUMI_CONFIG", string(b))
			}
		}
	}

	cmd := exec.CommandContext(ctx, nodeBin, args...)
	if isPolicy {
		cmd.Dir = info.GetProgramDirectory()
	} else {
		cmd.Dir = req.GetPwd()
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	logging.V(5).Infof("Language host launching plugin: %s %s", nodeBin, strings.Join(args, " "))
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("Problem executing plugin program (could not run language executor): %w", err)
	}
	if proxy != nil {
		err = proxy.Attach(ctx, cmd)
	} else {
		err = cmd.Wait()
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("Program exited with non-zero exit code: %d", ee.ExitCode())
		}
		return err
	}
	return closer.Close()
}

// InstallDependencies runs the project's package manager (npm, yarn, pnpm or bun, auto-detected).
func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()
	opts, err := parseOptions(req.GetInfo())
	if err != nil {
		return err
	}
	dir := req.GetInfo().GetProgramDirectory()
	if root, err := npm.FindWorkspaceRoot(dir); err == nil {
		dir = root
	}
	fmt.Fprintf(stdout, "Installing dependencies...\n\n")
	if _, err := npm.Install(server.Context(), opts.packagemanager, dir, false, stdout, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Finished installing dependencies\n\n")
	return closer.Close()
}

func (h *host) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(nodeBin, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{
		Executable: nodeBin,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
	}, nil
}
GO_EOF
log "wrapper module ready in $SRC ($(( $(now) - t ))s)"

# --- 3. Build ---------------------------------------------------------------------------------
build() { # build <output name> <package> <log name>
  local out=$1 pkg=$2 logf="$LOGS/$3.log" t
  t=$(now)
  log "go build $pkg -> $BIN/$out (log: $logf)"
  if ! (cd "$SRC" && go build -trimpath -ldflags "$LDFLAGS" -o "$BIN/.$out.tmp" "$pkg") >"$logf" 2>&1; then
    tail -n 40 "$logf" >&2
    die "building $out failed (full log: $logf)"
  fi
  mv -f "$BIN/.$out.tmp" "$BIN/$out"
  log "  built $out in $(( $(now) - t ))s"
}
build pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi pulumi
build pulumi-language-nodejs "$LANGHOST_PKG" pulumi-language-nodejs

# --- 4. Node.js launcher scripts shipped next to the CLI ------------------------------------
# pulumi-resource-pulumi-nodejs (dynamic providers) is copied verbatim from the sdk module.
install -m 0755 "$SDK_DIR/nodejs/dist/pulumi-resource-pulumi-nodejs" "$BIN/pulumi-resource-pulumi-nodejs"
# pulumi-analyzer-policy was dropped from sdk/nodejs/dist upstream (policy packs now run through
# the language host's RunPlugin); reproduce the last upstream version if the sdk lacks it.
if [[ -f $SDK_DIR/nodejs/dist/pulumi-analyzer-policy ]]; then
  install -m 0755 "$SDK_DIR/nodejs/dist/pulumi-analyzer-policy" "$BIN/pulumi-analyzer-policy"
else
  cat >"$BIN/pulumi-analyzer-policy" <<'SH_EOF'
#!/bin/sh
PULUMI_RUN_SCRIPT_PATH=$(node -e "try { console.log(require.resolve('@pulumi/pulumi/cmd/run-policy-pack')) } catch (e) { console.error(e.message) }")
if [ ! -z "$PULUMI_RUN_SCRIPT_PATH" ]; then
    node "$PULUMI_RUN_SCRIPT_PATH" $@
fi
SH_EOF
  chmod 0755 "$BIN/pulumi-analyzer-policy"
fi

# --- 5. Optional: the random resource provider plugin ---------------------------------------
RANDOM_STATUS="not attempted"
if [[ -n $RANDOM_VERSION && ${SETUP_PULUMI_SKIP_RANDOM:-} != 1 ]]; then
  RMOD="github.com/pulumi/pulumi-random/provider/v4"
  RDEST="$PULUMI_HOME_DIR/plugins/resource-random-v$RANDOM_VERSION"
  log "trying the random provider plugin: $RMOD@v$RANDOM_VERSION"
  if RDIR=$(mod_dir "$RMOD@v$RANDOM_VERSION" 2>"$LOGS/random-download.log"); then
    RSRC="$VDIR/src-random"
    mkdir -p "$RSRC"
    {
      echo "module polystore.local/pulumi-random-build"
      echo
      echo "go $(awk '$1 == "go" { print $2; exit }' "$RDIR/go.mod")"
      echo
      echo "require $RMOD v$RANDOM_VERSION"
      echo
      remote_replaces "$RDIR/go.mod" | sed 's/^/replace /'
    } >"$RSRC/go.mod"
    cp "$RDIR/go.sum" "$RSRC/go.sum"
    t=$(now)
    if (cd "$RSRC" && go build -trimpath \
      -ldflags "-s -w -X $RMOD/version.Version=$RANDOM_VERSION" \
      -o "$RSRC/pulumi-resource-random" "$RMOD/cmd/pulumi-resource-random") >"$LOGS/random.log" 2>&1; then
      mkdir -p "$RDEST"
      install -m 0755 "$RSRC/pulumi-resource-random" "$RDEST/pulumi-resource-random"
      rm -f "$RDEST.partial" "$RDEST.lock"
      RANDOM_STATUS="built v$RANDOM_VERSION -> $RDEST"
      log "  built random in $(( $(now) - t ))s"
    else
      RANDOM_STATUS="build failed (see $LOGS/random.log)"
      log "  random build failed: $(tail -n 3 "$LOGS/random.log" | tr '\n' ' ')"
    fi
  else
    RANDOM_STATUS="unavailable: $RMOD@v$RANDOM_VERSION is not served by the Go module proxy"
    log "  $RANDOM_STATUS: $(grep -m1 -o '"Error": "[^"]*' "$LOGS/random-download.log" | sed 's/^"Error": "//; s/\\n.*//' || true)"
  fi
fi

# --- 6. Verify and stamp --------------------------------------------------------------------
got=$("$BIN/pulumi" version)
[[ $got == "$TAG" ]] || die "built pulumi reports version '$got', expected '$TAG'"
"$BIN/pulumi-language-nodejs" -version >/dev/null || die "pulumi-language-nodejs does not start"
{
  echo "$STAMP_WANT"
  echo "langhost=$LANGHOST_KIND"
  echo "random=$RANDOM_STATUS"
  echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ) seconds=$(( $(now) - T0 )) go=$(go env GOVERSION)"
} >"$STAMP"
log "build finished in $(( $(now) - T0 ))s"
finish
