#!/usr/bin/env bash
# Builds the gateway as it is at a git revision into dist-ab/<name>/ (for `npm run bench:ab`):
#   bash bench/build-variant.sh base HEAD   →   BENCH_AB_A=dist-ab/base/src/main.js
# The build lives inside the worktree so that Node finds the same node_modules.
set -euo pipefail
name=${1:?usage: build-variant.sh <name> [git-rev]}
rev=${2:-HEAD}
root=$(git rev-parse --show-toplevel)
src="$root/.ab/$name"
rm -rf "$src" "$root/dist-ab/$name"
mkdir -p "$src"
git -C "$root" archive "$rev" src | tar -x -C "$src"
cat > "$src/tsconfig.json" <<JSON
{ "extends": "../../tsconfig.json", "compilerOptions": { "rootDir": ".", "outDir": "../../dist-ab/$name", "sourceMap": false }, "include": ["src"] }
JSON
(cd "$root" && npx tsc -p "$src/tsconfig.json")
echo "$root/dist-ab/$name/src/main.js"
