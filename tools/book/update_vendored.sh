#!/usr/bin/env bash
# Refresh the scripts the book vendors from their npm packages, so the site
# loads nothing from a CDN. Change a version below, then run this script.
#   mermaid        diagrams; mkdocs-material drives mermaid 11.x
#   iframe-worker  lets search run when the site is opened from file://
set -euo pipefail
MERMAID_VERSION=11.17.2
IFRAME_WORKER_VERSION=1.0.4

vendor="$(cd "$(dirname "$0")/../.." && pwd)/book/assets/vendor"

# fetch PACKAGE VERSION FILE-IN-PACKAGE DEST-NAME
fetch() {
    local work
    work="$(mktemp -d)"
    (cd "$work" && npm pack --silent "$1@$2" >/dev/null && tar -xzf ./*.tgz)
    mkdir -p "$vendor/$1"
    cp "$work/package/$3" "$vendor/$1/$4"
    cp "$work/package/LICENSE" "$vendor/$1/LICENSE"
    echo "$1 $2 (npm), $3; refresh with tools/book/update_vendored.sh" \
        > "$vendor/$1/VERSION"
    rm -rf "$work"
    echo "==> $vendor/$1: $1 $2"
}

fetch mermaid "$MERMAID_VERSION" dist/mermaid.min.js mermaid.min.js
fetch iframe-worker "$IFRAME_WORKER_VERSION" shim/index.js shim.js
