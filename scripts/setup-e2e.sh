#!/usr/bin/env bash
# Installs what the offline end-to-end route needs (test/e2e/README.md): Debian packages (chromium, neovim,
# ripgrep, the headers code-server's native modules build against) and code-server from the npm registry,
# cached outside the clone in ${PREFLIGHT_E2E_CACHE:-$HOME/.cache/preflight-e2e}.
# Idempotent: what is already there is only checked. `--check` installs nothing and fails if anything is missing.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
route_file=$repo_root/test/e2e/offline-route.json
check_only=false
[ "${1:-}" = "--check" ] && check_only=true

started=$SECONDS
installed=()
problems=()

route() { node -p "const r = require('$route_file'); const v = r['$1']; Array.isArray(v) ? v.join(' ') : v"; }
say() { printf 'setup-e2e: %s\n' "$*"; }
fail() {
  say "FAILED after $((SECONDS - started))s:"
  for problem in "$@"; do printf '  - %s\n' "$problem"; done
  exit 1
}

code_server_version=$(route codeServerVersion)
ripgrep_package_version=$(route ripgrepPackageVersion)
ripgrep_release=$(route ripgrepRelease)
read -r -a debian_packages <<<"$(route debianPackages)"
cache_dir=${PREFLIGHT_E2E_CACHE:-$HOME/.cache/preflight-e2e}
code_server_root=$cache_dir/code-server-$code_server_version
code_server_package=$code_server_root/node_modules/code-server
ready_marker=$code_server_root/.preflight-ready
# Native modules are built for one Node ABI: an install made under another Node must be redone.
node_abi=$(node -p 'process.versions.modules')

is_installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

install_debian_packages() {
  local missing=()
  for package in "${debian_packages[@]}"; do is_installed "$package" || missing+=("$package"); done
  [ ${#missing[@]} -eq 0 ] && { say "Debian packages present: ${debian_packages[*]}"; return; }
  if $check_only; then problems+=("Debian packages not installed: ${missing[*]}"); return; fi
  local apt=(apt-get)
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || fail "Debian packages missing (${missing[*]}) and not root: install them as root: apt-get install ${missing[*]}"
    apt=(sudo apt-get)
  fi
  say "installing Debian packages: ${missing[*]}"
  local log=$cache_dir/apt.log
  if ! { DEBIAN_FRONTEND=noninteractive "${apt[@]}" update && \
         DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 20 "$log"
    fail "apt-get could not install: ${missing[*]} (full log: $log)"
  fi
  installed+=("Debian: ${missing[*]}")
}

# Lists what a finished code-server install must have; prints one line per thing that is absent or broken.
code_server_problems() {
  local vscode=$code_server_package/lib/vscode
  [ -f "$code_server_package/out/node/entry.js" ] || { echo "code-server is not installed in $code_server_root"; return; }
  # These come from code-server's postinstall (a nested npm install in lib/vscode) and from node-pty's and
  # @vscode/ripgrep's own install scripts: if npm skipped install scripts, they are missing.
  [ -L "$vscode/node_modules.asar" ] || echo "code-server's postinstall did not run (no lib/vscode/node_modules.asar)"
  [ -d "$vscode/extensions/node_modules" ] || echo "code-server's postinstall did not finish (no lib/vscode/extensions/node_modules)"
  [ -x "$vscode/node_modules/@vscode/ripgrep/bin/rg" ] || echo "@vscode/ripgrep's postinstall did not place bin/rg"
  (cd "$vscode" && node -e "require('node-pty')" >/dev/null 2>&1) || echo "node-pty's native module does not load (its install script did not build it)"
  # With its own XDG folders: on a first start code-server writes a config file into them.
  local version scratch
  scratch=$(mktemp -d)
  version=$(XDG_CONFIG_HOME=$scratch XDG_DATA_HOME=$scratch node "$code_server_package/out/node/entry.js" --version 2>/dev/null \
    | grep -m1 -oE '^[0-9]+\.[0-9]+\.[0-9]+') || true
  rm -rf "$scratch"
  [ "$version" = "$code_server_version" ] || echo "code-server --version printed '$version', expected $code_server_version"
}

seed_ripgrep_cache() {
  # @vscode/ripgrep's postinstall downloads a ripgrep release unless the archive is in
  # $TMPDIR/vscode-ripgrep-cache-<package version>/: give it Debian's rg under the name it looks for.
  local arch
  case "$(uname -m)" in
    x86_64) arch=x86_64-unknown-linux-musl ;;
    aarch64) arch=aarch64-unknown-linux-musl ;;
    *) fail "no ripgrep archive name known for $(uname -m)" ;;
  esac
  local seed_dir=$1/vscode-ripgrep-cache-$ripgrep_package_version staging=$1/rg-staging
  mkdir -p "$seed_dir" "$staging"
  cp "$(command -v rg)" "$staging/rg"
  tar -czf "$seed_dir/ripgrep-$ripgrep_release-$arch.tar.gz" -C "$staging" rg
}

install_code_server() {
  if [ -f "$ready_marker" ] && [ "$(cat "$ready_marker")" = "$node_abi" ] && [ -z "$(code_server_problems)" ]; then
    say "code-server $code_server_version present in $code_server_root"
    return
  fi
  if $check_only; then
    problems+=("code-server $code_server_version is not (completely) installed in $code_server_root")
    return
  fi
  command -v rg >/dev/null || fail "ripgrep (rg) is needed to seed code-server's ripgrep download; Debian package ripgrep"
  say "installing code-server $code_server_version into $code_server_root (about 2-5 minutes)"
  rm -rf "$code_server_root"
  mkdir -p "$code_server_root/tmp"
  seed_ripgrep_cache "$code_server_root/tmp"
  cat >"$code_server_root/package.json" <<JSON
{
  "name": "preflight-e2e-code-server",
  "private": true,
  "dependencies": { "code-server": "$code_server_version" },
  "allowScripts": { "code-server": true, "argon2": true }
}
JSON
  # Every install script must run (code-server's postinstall builds VS Code's native modules):
  # - as root, code-server's postinstall exits unless unsafe-perm is set;
  # - node-pty's install runs `npx node-gyp`, which a `yes=false` npm config cancels;
  # - npm 11's allowScripts policy must not turn unreviewed scripts into errors or skip them.
  local node_prefix
  node_prefix=$(dirname "$(dirname "$(command -v node)")")
  local log=$cache_dir/code-server-install.log
  if ! (cd "$code_server_root" && \
        env TMPDIR="$code_server_root/tmp" \
            npm_config_unsafe_perm=true npm_config_yes=true \
            npm_config_ignore_scripts=false npm_config_strict_allow_scripts=false \
            npm_config_nodedir="${npm_config_nodedir:-$node_prefix}" \
            npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false \
            npm install --no-package-lock) >"$log" 2>&1; then
    tail -n 30 "$log"
    fail "npm install of code-server $code_server_version failed (full log: $log)"
  fi
  local remaining
  remaining=$(code_server_problems)
  if [ -n "$remaining" ]; then
    tail -n 30 "$log"
    mapfile -t lines <<<"$remaining"
    fail "${lines[@]}" "full npm log: $log"
  fi
  rm -rf "$code_server_root/tmp"
  echo "$node_abi" >"$ready_marker"
  installed+=("code-server $code_server_version ($(du -sh "$code_server_root" | cut -f1))")
}

check_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  # code-server 4.100.x declares engines.node "20" and its postinstall refuses any other major.
  [ "$major" = 20 ] || fail "code-server $code_server_version needs Node 20; this is Node $(node --version)"
}

mkdir -p "$cache_dir"
check_node
install_debian_packages
[ ${#problems[@]} -eq 0 ] || ! $check_only || fail "${problems[@]}" "run scripts/setup-e2e.sh to install them"
install_code_server
[ ${#problems[@]} -eq 0 ] || fail "${problems[@]}" "run scripts/setup-e2e.sh to install them"

if [ ${#installed[@]} -eq 0 ]; then
  say "everything was already installed ($((SECONDS - started))s)"
else
  say "installed in $((SECONDS - started))s:"
  printf '  - %s\n' "${installed[@]}"
fi
