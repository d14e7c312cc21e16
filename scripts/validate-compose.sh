#!/usr/bin/env bash
# Validates docker/compose.yaml without a Docker engine: the compose client parses and resolves it
# (Debian package docker-compose, or the docker compose plugin where installed).
set -euo pipefail
cd "$(dirname "$0")/.."
FILE=docker/compose.yaml
if command -v docker-compose > /dev/null 2>&1; then
  docker-compose -f "$FILE" config > /dev/null
  docker-compose -f "$FILE" --profile replay config --services | grep -qx replay
elif docker compose version > /dev/null 2>&1; then
  docker compose -f "$FILE" config > /dev/null
else
  echo "error: no compose client: apt-get install -y docker-compose" >&2
  exit 1
fi
# the images must be the tested versions
grep -q 'image: apache/kafka:4.2.0' "$FILE"
grep -q 'flink:2.2.1-java17' "$FILE"
grep -q -- '--add-modules jdk.incubator.vector' "$FILE"
echo "docker/compose.yaml is valid"
