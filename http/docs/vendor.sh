#!/usr/bin/env bash
# Re-vendors the Redoc standalone bundle served at /docs. Run from this
# directory with npm on PATH; commit the result. The one edit: Redoc's
# sidebar footer loads its logo from Redocly's CDN, which /docs must never
# fetch, so that image's URL is emptied (the image hides itself on error).
set -euo pipefail
version=2.5.4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "redoc@$version" >/dev/null && tar xzf "redoc-$version.tgz")
cp "$tmp/package/bundles/redoc.standalone.js" redoc.standalone.js
cp "$tmp/package/bundles/redoc.standalone.js.LICENSE.txt" redoc.standalone.js.LICENSE.txt
cp "$tmp/package/LICENSE" LICENSE.redoc
sed -i 's#"https://cdn.redoc.ly/redoc/logo-mini.svg"#""#' redoc.standalone.js
grep -q 'cdn.redoc.ly' redoc.standalone.js && { echo "vendor: the CDN logo URL is still there" >&2; exit 1; }
echo "vendored redoc $version"
