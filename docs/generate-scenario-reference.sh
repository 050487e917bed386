#!/bin/sh
# Regenerates docs/scenario-reference.md from the scenario loader's and the built-in packs' schemas.
set -e
cd "$(dirname "$0")/.."
npx tsc -b apps/cli
node apps/cli/bin/doppel.js schema --markdown > docs/scenario-reference.md
echo "wrote docs/scenario-reference.md"
