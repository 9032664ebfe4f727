#!/bin/sh
# Container smoke test: the image starts with the settings it gets on Cloud Run, answers /healthz, and
# answers /readyz through its database (node-postgres is loaded at the first connection, not at boot).
#
#   docker/smoke-test.sh <image> <app>
#
# Needs docker (a daemon: CI's docker-in-docker) and node (for scripts/smoke-env.mjs, which writes
# the app's production-shaped settings). Starts PostgreSQL 15 on a private network, runs the image's
# migrate command against it (the deploy step), then the app, and waits up to 60 s for
# GET /healthz = 200 and then GET /readyz = 200 from inside the container (the image has no curl:
# node's fetch asks). Prints the app's log and exits non-zero if it does not answer. Removes what it
# started.
set -eu
image="$1"
app="$2"
tag="smoke-$$"
network="$tag"
cleanup() {
  docker rm -f "$tag-app" "$tag-db" >/dev/null 2>&1 || true
  docker network rm "$network" >/dev/null 2>&1 || true
}
trap cleanup EXIT

docker network create "$network" >/dev/null
docker run -d --name "$tag-db" --network "$network" --network-alias db \
  -e POSTGRES_USER=platform -e POSTGRES_PASSWORD=platform -e POSTGRES_DB=platform postgres:15 >/dev/null
for _ in $(seq 1 60); do
  docker exec "$tag-db" pg_isready -U platform -d platform >/dev/null 2>&1 && break
  sleep 1
done

url=postgresql://platform:platform@db:5432/platform
node scripts/smoke-env.mjs "$app" "$url" > "$tag.env"
docker run --rm --network "$network" -e NODE_ENV=production -e DATABASE_URL="$url" "$image" scripts/db-migrate.mjs
docker run -d --name "$tag-app" --network "$network" --env-file "$tag.env" "$image" >/dev/null
rm -f "$tag.env"

for _ in $(seq 1 60); do
  if docker exec "$tag-app" node -e \
    "fetch('http://127.0.0.1:8080/healthz').then(async (r) => { const b = await r.json(); process.exit(r.status === 200 && b.status === 'ok' ? 0 : 1); }, () => process.exit(1))"; then
    if docker exec "$tag-app" node -e \
      "fetch('http://127.0.0.1:8080/readyz').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"; then
      echo "smoke test: $app answered /healthz and /readyz"
      exit 0
    fi
  fi
  if [ "$(docker inspect -f '{{.State.Running}}' "$tag-app")" != true ]; then break; fi
  sleep 1
done
echo "smoke test: $app did not answer /healthz and /readyz; its log:" >&2
docker logs "$tag-app" >&2 || true
exit 1
