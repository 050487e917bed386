#!/usr/bin/env bash
# Starts the local services that integration tests talk to, when they are installed but down.
set -uo pipefail

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! up 5432 && command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
if ! up 6379 && command -v redis-server >/dev/null; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi
if ! up 1883 && command -v mosquitto >/dev/null; then
  mosquitto -d -c /etc/mosquitto/mosquitto.conf || true
fi
if ! up 4222 && [ -x /usr/sbin/nats-server ]; then
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
fi
# The FMU bridge's tests compile the project's own test FMUs with the machine's C compiler.
if ! command -v cc >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev) || echo "warning: gcc could not be installed"
fi
if ! command -v chromium >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || echo "warning: chromium could not be installed"
fi
for port in 5432 6379 1883 4222; do
  for _ in 1 2 3 4 5 6 7 8 9 10; do up "$port" && break; sleep 1; done
  up "$port" && echo "port $port: up" || echo "port $port: DOWN"
done
