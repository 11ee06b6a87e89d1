#!/bin/sh
# Regenerates api-types.ts from the contract subset beside it. openapi-typescript peers on
# TypeScript 5 (the project uses 7), so it runs from the registry in a temporary folder.
set -e
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm init -y >/dev/null
npm i --no-audit --no-fund openapi-typescript@7 typescript@5 >/dev/null
npx openapi-typescript "$here/vspc-v3.7-subset.json" -o "$here/api-types.ts"
