#!/usr/bin/env bash
# The newest-clients check: the client-compatibility tests (pytest -m clients)
# in a throw-away environment that has the locked test tools but the NEWEST
# redis-py on PyPI, unpinned. The lock keeps `make test` reproducible; this
# says, in one line that names the version, when a new redis-py breaks us.
set -uo pipefail
uv=${1:?usage: newest_clients.sh path/to/uv}
cd "$(dirname "$0")/.."
env=.venv-newest
log=$(mktemp)
trap 'rm -f "$log" "$log.req"' EXIT

locked=$(.venv/bin/python -c 'import redis; print(redis.__version__)')
"$uv" export --frozen --only-group test --no-hashes --no-emit-project \
    --no-header --no-annotate | grep -v '^redis==' >"$log.req"
if ! { "$uv" venv --quiet --clear "$env" \
        && "$uv" pip install --quiet --python "$env" -r "$log.req" \
        && "$uv" pip install --quiet --python "$env" --upgrade \
            --refresh-package redis redis; } >"$log" 2>&1; then
    echo "newest-clients check: could not install the newest redis-py" \
         "(is PyPI reachable?): $(tail -n 1 "$log")" >&2
    exit 1
fi
newest=$("$env/bin/python" -c 'import redis; print(redis.__version__)')
echo "==> newest-clients check: redis-py $newest (newest on PyPI; uv.lock pins $locked)"
# The steps' own test folders: the book's and tools' tests need more
# packages than the test group, and hold no client tests.
if "$env/bin/pytest" tests/[0-9][0-9]_* -m clients --target=steps \
        --target=redis -q -p no:cacheprovider -n 2 >"$log" 2>&1; then
    echo "newest-clients check: redis-py $newest passes the client tests" \
         "($(tail -n 1 "$log" | tr -d '=' | xargs))"
    exit 0
fi
cat "$log"
if [ "$newest" = "$locked" ]; then
    echo "newest-clients check FAILED: the client tests above failed with" \
         "redis-py $newest, the version uv.lock pins: not a new release, a" \
         "failure of our own (run them again to tell a flaky test from a" \
         "broken one)." >&2
else
    echo "newest-clients check FAILED: redis-py $newest (newest on PyPI) breaks the" \
         "client tests above; uv.lock still pins $locked, which the rest of" \
         "make test used." >&2
fi
exit 1
