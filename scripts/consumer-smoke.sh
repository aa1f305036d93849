#!/usr/bin/env bash
# The packages as a consumer gets them. Packs the workspace with `pnpm -r pack` (which must skip the private demo),
# checks each tarball (what it holds, `publint --strict`, `attw --profile esm-only`), installs the four an app uses
# (client, webhook-types, mock-server, openapi) with npm into a fresh project outside the workspace and fails when its
# node_modules passes 30 MB, adds the contract-tests tarball, vitest and Prism, then: type-checks a consumer under
# `module: nodenext` and `moduleResolution: bundler` (no DOM lib, `skipLibCheck: false`) and runs it, loads the
# packages with require(), runs the `freshchat-sandbox` bin (its `/docs` too), runs `startPrism` with the consumer's
# Prism, and vitest with the package's global setup and `inject`, and the contract suite from its tarball.
#
# Run by .ci/run after the build; alone: `npx -y pnpm@10 smoke`. Needs the workspace installed (`pnpm install`):
# it reuses its tsc, publint and attw; the consumer's own dependencies (vitest, @types/node, Prism) come from the
# registry.
# SMOKE_KEEP=1 keeps the temporary folder and says where it is. SMOKE_RUNTIME_ONLY=1 (.ci/run's other Nodes) leaves
# out what gives the same answer whatever Node runs it: publint, attw and the type-checks beyond the one that emits.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
pnpm() { npx -y pnpm@10 "$@"; }
bin="$root/node_modules/.bin"
work="$(mktemp -d "${TMPDIR:-/tmp}/freshchat-sandbox-smoke.XXXXXX")"
if [ -n "${SMOKE_KEEP:-}" ]; then echo "keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
step() { printf '\n--- [%ss] %s\n' "$SECONDS" "$*"; }
fail() {
  echo "consumer smoke: $*" >&2
  exit 1
}

step "build (turbo; cached after .ci/run's build)"
pnpm exec turbo run build --output-logs=errors-only

step "pnpm -r pack: every package but the private demo and examples (packages without a version, which pnpm does not pack)"
mkdir -p "$work/tarballs"
pnpm -r pack --pack-destination "$work/tarballs" >/dev/null
for dir in openapi packages/* apps/* examples/*; do
  [ -f "$dir/package.json" ] || continue
  read -r name private <<<"$(node -p "const p = require('./$dir/package.json'); p.name.replace('@', '').replace('/', '-') + ' ' + (p.private === true)")"
  packed="$(find "$work/tarballs" -name "$name-[0-9]*.tgz")"
  if [ "$private" = true ]; then
    [ -z "$packed" ] || fail "pnpm -r pack packed the private $dir"
  else
    [ -n "$packed" ] || fail "pnpm -r pack did not pack $dir"
  fi
done
tarballs=("$work"/tarballs/*.tgz)
[ "${#tarballs[@]}" -ge 5 ] || fail "expected at least 5 tarballs, got ${#tarballs[@]}"

step "tarball contents: dist, README, LICENSE and package.json (and the OpenAPI documents, the bin); no tests, fakes or maps"
printf '%-48s %6s %10s %10s\n' tarball files packed unpacked
for tgz in "${tarballs[@]}"; do
  name="$(basename "$tgz")"
  files="$(tar -tzf "$tgz" | grep -v '/$' | sed 's|^package/||')"
  for required in package.json README.md LICENSE; do
    grep -qx "$required" <<<"$files" || fail "$name has no $required"
  done
  stray="$(grep -vE '^(dist/.+|bin/([a-z-]+\.js|package\.json)|package\.json|README\.md|LICENSE)$' <<<"$files" |
    { [[ "$name" == freshchat-sandbox-openapi-* ]] && grep -vE '^([a-z-]+\.yaml|bundled/.+\.(yaml|json))$' || cat; })" || true
  [ -z "$stray" ] || fail "$name ships files outside dist: $(tr '\n' ' ' <<<"$stray")"
  tests="$(grep -E '(\.test\.|\.test-d\.|(^|/)testing/|\.map$|\.tsbuildinfo$)' <<<"$files")" || true
  [ -z "$tests" ] || fail "$name ships tests, test fakes or maps: $(tr '\n' ' ' <<<"$tests")"
  unpacked="$(tar -xzOf "$tgz" | wc -c)"
  printf '%-48s %6d %9.1fk %9.1fk\n' "$name" "$(wc -l <<<"$files")" "$(($(stat -c %s "$tgz") * 10 / 1024))e-1" \
    "$((unpacked * 10 / 1024))e-1"
done

if [ -z "${SMOKE_RUNTIME_ONLY:-}" ]; then
  step "publint --strict and attw --profile esm-only (ES modules only: node10 and require() resolutions are not checked)"
  for tgz in "${tarballs[@]}"; do
    "$bin/publint" run "$tgz" --strict --level suggestion || fail "publint: $(basename "$tgz")"
    # The OpenAPI documents and their bundled copies are data, not modules: attw checks the module entries.
    entry=()
    [[ "$(basename "$tgz")" == freshchat-sandbox-openapi-* ]] &&
      entry=(--entrypoints ./compile-validators ./field-path ./types/freshchat ./types/mock-control)
    # attw passes a package without any types (exit 0): every package here has them, so that is a finding too.
    attw="$("$bin/attw" "$tgz" --profile esm-only --format table-flipped --no-color "${entry[@]}")" ||
      fail "attw: $(basename "$tgz"): $attw"
    echo "$attw"
    if grep -q 'does not contain types' <<<"$attw"; then fail "attw: $(basename "$tgz") has no types"; fi
  done
fi

# What an app that uses the sandbox installs: everything but the contract suite, and no test runner or Prism.
max_mb=30
step "an app's install: client, webhook-types, mock-server and openapi alone into a fresh npm project: node_modules at most $max_mb MB"
cp -r scripts/consumer-smoke "$work/consumer"
cd "$work/consumer"
app=()
for tgz in "${tarballs[@]}"; do [[ "$(basename "$tgz")" == freshchat-sandbox-contract-tests-* ]] || app+=("$tgz"); done
npm install --no-audit --no-fund --loglevel=error "${app[@]}"
# Bytes on disk (du's blocks, not the sum of file sizes), in decimal megabytes as npm and the README speak of them.
installed_kb="$(du -sk node_modules | cut -f1)"
printf 'node_modules: %d.%d MB on disk (bound %d MB)\n' "$((installed_kb * 1024 / 1000000))" "$((installed_kb * 1024 % 1000000 / 100000))" "$max_mb"
[ "$((installed_kb * 1024))" -le "$((max_mb * 1000000))" ] ||
  fail "node_modules of the four packages is $((installed_kb * 1024 / 1000000)) MB, past $max_mb MB: $(du -sk node_modules/* node_modules/@*/* | sort -n | tail -5 | tr '\n' ' ')"

step "a consumer: add the contract-tests tarball, vitest, @types/node and Prism"
# The versions the workspace tests with.
vitest_version="$(node -p "require('$root/node_modules/vitest/package.json').version")"
types_node_version="$(node -p "require('$root/node_modules/@types/node/package.json').version")"
prism_version="$(node -p "require('$root/packages/contract-tests/package.json').devDependencies['@stoplight/prism-cli']")"
npm install --no-audit --no-fund --loglevel=error "${tarballs[@]}" "vitest@$vitest_version" \
  "@types/node@$types_node_version" "@stoplight/prism-cli@$prism_version"

step "type-check the consumer: module nodenext, then moduleResolution bundler (lib ES2023, skipLibCheck false)"
tsc=("node" "$root/node_modules/typescript/bin/tsc")
"${tsc[@]}" -p tsconfig.nodenext.json
if [ -z "${SMOKE_RUNTIME_ONLY:-}" ]; then
  "${tsc[@]}" -p tsconfig.bundler.json
  # The same test without its `import type {}` line must not type-check: that line is what types inject().
  sed '/vitest-global-setup/d' sandbox.test.ts >inject-untyped.ts
  if untyped="$("${tsc[@]}" --noEmit --strict --lib ES2023 --types node --target ES2022 \
    --module nodenext --moduleResolution nodenext --skipLibCheck inject-untyped.ts)"; then
    fail "inject('freshchatSandboxUrl') type-checks without the import line, so the check above proves nothing"
  fi
  grep -q "error TS2345" <<<"$untyped" || fail "unexpected errors without the import line: $untyped"
  rm inject-untyped.ts
  echo "both type-check; without its import line, inject('freshchatSandboxUrl') does not (TS2345)"
fi
node out/consumer.js

major_minor="$(node -p 'process.versions.node.split(".").slice(0, 2).map(Number).join(" ")')"
read -r major minor <<<"$major_minor"
if [ "$major" -gt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -ge 19 ]; }; then
  step "require() of the ES-only packages (Node $(node -v))"
  node require.cjs
fi

step "the freshchat-sandbox bin: start on a free port, answer, stop on SIGTERM"
node_modules/.bin/freshchat-sandbox --help >/dev/null
node_modules/.bin/freshchat-sandbox --port 0 --quiet >cli.txt 2>&1 &
cli=$!
for _ in $(seq 100); do grep -q 'listening on' cli.txt && break; sleep 0.1; done
url="$(grep -o 'http://[0-9.]*:[0-9]*' cli.txt | head -1)" || true
status="$(node -e "fetch('$url/v2/agents/status',{headers:{Authorization:'Bearer sandbox-token'}}).then(r=>console.log(r.status),()=>console.log('none'))")"
# /docs renders offline from the tarball: the page, and Scalar's bundle copied into dist/ by the build.
docs="$(node -e "Promise.all(['/docs','/docs/scalar.js'].map(p=>fetch('$url'+p).then(async r=>r.status+':'+(await r.arrayBuffer()).byteLength))).then(a=>console.log(a.join(' ')),()=>console.log('none'))")"
kill -TERM "$cli"
wait "$cli" || fail "the bin exited with $? on SIGTERM: $(cat cli.txt)"
[ "$status" = 200 ] || fail "the bin answered $status to GET /v2/agents/status: $(cat cli.txt)"
[[ "$docs" =~ ^200:[0-9]+\ 200:([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" -gt 1000000 ] ||
  fail "the bin's /docs and /docs/scalar.js answered (status:bytes) $docs"
[ ! -e node_modules/@scalar ] || fail "@scalar is installed: /docs must serve the package's own copy"
echo "freshchat-sandbox answered 200 at $url, served /docs and its renderer with no @scalar installed, and stopped cleanly"

step "startPrism from the tarball, with @stoplight/prism-cli (its optional peer) installed by the consumer"
node prism.mjs

step "vitest: the global setup with inject, and registerContractSuite against a sandbox"
env -u FRESHCHAT_BASE_URL -u FRESHCHAT_TOKEN -u FRESHCHAT_AGENT_ID node_modules/.bin/vitest run --reporter=dot

printf '\nconsumer smoke on Node %s: every tarball packed, %sused from a fresh npm project\n' "$(node -v)" "$([ -n "${SMOKE_RUNTIME_ONLY:-}" ] || echo 'linted and ')"
