#!/usr/bin/env bash
# Refreshes the vendored front-end libraries under src/DolMapper.Web/wwwroot/lib from npm.
# The files are committed: the app never loads anything from a CDN, and a build needs no npm.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lib="$here/../src/DolMapper.Web/wwwroot/lib"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund bootstrap@5.3 htmx.org@2 chart.js@4 >/dev/null

rm -rf "$lib/bootstrap"
mkdir -p "$lib/bootstrap/css" "$lib/bootstrap/js"
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map "$lib/bootstrap/css/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map "$lib/bootstrap/js/"
cp node_modules/bootstrap/LICENSE "$lib/bootstrap/LICENSE"
node -e 'console.log(require("./node_modules/bootstrap/package.json").version)' > "$lib/bootstrap/VERSION"
echo "bootstrap $(cat "$lib/bootstrap/VERSION") -> $lib/bootstrap"

rm -rf "$lib/htmx"
mkdir -p "$lib/htmx"
cp node_modules/htmx.org/dist/htmx.min.js "$lib/htmx/"
cp node_modules/htmx.org/LICENSE "$lib/htmx/LICENSE"
node -e 'console.log(require("./node_modules/htmx.org/package.json").version)' > "$lib/htmx/VERSION"
echo "htmx $(cat "$lib/htmx/VERSION") -> $lib/htmx"

rm -rf "$lib/chartjs"
mkdir -p "$lib/chartjs"
cp node_modules/chart.js/dist/chart.umd.min.js "$lib/chartjs/"
cp node_modules/chart.js/LICENSE.md "$lib/chartjs/LICENSE.md"
node -e 'console.log(require("./node_modules/chart.js/package.json").version)' > "$lib/chartjs/VERSION"
echo "chart.js $(cat "$lib/chartjs/VERSION") -> $lib/chartjs"

npm install --no-audit --no-fund cytoscape@3 >/dev/null
rm -rf "$lib/cytoscape"
mkdir -p "$lib/cytoscape"
cp node_modules/cytoscape/dist/cytoscape.min.js "$lib/cytoscape/"
cp node_modules/cytoscape/LICENSE "$lib/cytoscape/LICENSE"
node -e 'console.log(require("./node_modules/cytoscape/package.json").version)' > "$lib/cytoscape/VERSION"
echo "cytoscape $(cat "$lib/cytoscape/VERSION") -> $lib/cytoscape"
