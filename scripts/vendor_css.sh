#!/bin/sh
# Refresh the vendored NL Design System component CSS (EUPL-1.2) from the npm registry.
set -e
dest="src/vangnet/static/vendor/utrecht"
tmp=$(mktemp -d)
(cd "$tmp" && npm pack --silent @utrecht/component-library-css >/dev/null && tar xzf ./*.tgz)
version=$(node -p "require('$tmp/package/package.json').version")
cp "$tmp/package/dist/index.css" "$dest/component-library.css"
cp "$tmp/package/LICENSE.md" "$dest/LICENSE.md"
echo "@utrecht/component-library-css $version (npm), dist/index.css. Refresh with: make vendor-css" > "$dest/VERSION"
rm -rf "$tmp"
echo "Vendored @utrecht/component-library-css $version"
