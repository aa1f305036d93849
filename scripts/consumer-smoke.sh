#!/usr/bin/env bash
# The packages as a consumer gets them. Packs every package that is not private, checks each tarball (what it holds,
# `publint --strict`, `attw --profile esm-only`), installs all the tarballs with npm into a fresh project outside the
# workspace, then: type-checks a consumer under `module: nodenext` and `moduleResolution: bundler` (no DOM lib,
# `skipLibCheck: false`) and runs it, loads the packages with require(), runs the `freshchat-sandbox` bin, runs
# `startPrism` with the consumer's Prism, and vitest with the package's global setup and `inject`, and the contract
# suite from its tarball.
#
# Run by .ci/run after the build; alone: `npx -y pnpm@10 smoke`. Needs the workspace installed (`pnpm install`):
# it reuses its tsc, publint and attw; the consumer's own dependencies (vitest, @types/node, Prism) come from the
# registry.
# SMOKE_KEEP=1 keeps the temporary folder and says where it is.
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

step "pack every package that is not private"
mkdir -p "$work/tarballs"
filters=()
for dir in openapi packages/* apps/*; do
  [ -f "$dir/package.json" ] || continue
  [ "$(node -p "require('./$dir/package.json').private === true")" = true ] && continue
  filters+=(--filter "./$dir")
done
pnpm -r "${filters[@]}" pack --pack-destination "$work/tarballs" >/dev/null
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
  stray="$(grep -vE '^(dist/.+|bin/[a-z-]+\.js|package\.json|README\.md|LICENSE)$' <<<"$files" |
    { [[ "$name" == freshchat-sandbox-openapi-* ]] && grep -vE '^([a-z-]+\.yaml|bundled/.+\.(yaml|json))$' || cat; })" || true
  [ -z "$stray" ] || fail "$name ships files outside dist: $(tr '\n' ' ' <<<"$stray")"
  tests="$(grep -E '(\.test\.|\.test-d\.|(^|/)testing/|\.map$|\.tsbuildinfo$)' <<<"$files")" || true
  [ -z "$tests" ] || fail "$name ships tests, test fakes or maps: $(tr '\n' ' ' <<<"$tests")"
  unpacked="$(tar -xzOf "$tgz" | wc -c)"
  printf '%-48s %6d %9.1fk %9.1fk\n' "$name" "$(wc -l <<<"$files")" "$(($(stat -c %s "$tgz") * 10 / 1024))e-1" \
    "$((unpacked * 10 / 1024))e-1"
done

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

step "a consumer: npm install of every tarball into $work/consumer (outside the workspace)"
cp -r scripts/consumer-smoke "$work/consumer"
cd "$work/consumer"
# The versions the workspace tests with.
vitest_version="$(node -p "require('$root/node_modules/vitest/package.json').version")"
types_node_version="$(node -p "require('$root/node_modules/@types/node/package.json').version")"
prism_version="$(node -p "require('$root/packages/contract-tests/package.json').devDependencies['@stoplight/prism-cli']")"
npm install --no-audit --no-fund --loglevel=error "${tarballs[@]}" "vitest@$vitest_version" \
  "@types/node@$types_node_version" "@stoplight/prism-cli@$prism_version"

step "type-check the consumer: module nodenext, then moduleResolution bundler (lib ES2023, skipLibCheck false)"
tsc=("node" "$root/node_modules/typescript/bin/tsc")
"${tsc[@]}" -p tsconfig.nodenext.json
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
kill -TERM "$cli"
wait "$cli" || fail "the bin exited with $? on SIGTERM: $(cat cli.txt)"
[ "$status" = 200 ] || fail "the bin answered $status to GET /v2/agents/status: $(cat cli.txt)"
echo "freshchat-sandbox answered 200 at $url and stopped cleanly"

step "startPrism from the tarball, with @stoplight/prism-cli (its optional peer) installed by the consumer"
node prism.mjs

step "vitest: the global setup with inject, and registerContractSuite against a sandbox"
env -u FRESHCHAT_BASE_URL -u FRESHCHAT_TOKEN -u FRESHCHAT_AGENT_ID node_modules/.bin/vitest run --reporter=dot

printf '\nconsumer smoke: every tarball packed, linted and used from a fresh npm project\n'
