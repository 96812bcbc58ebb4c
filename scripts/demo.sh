#!/bin/sh
# Runs the demo: migrate, seed, then the task worker, the scheduler and the web server together.
set -e
export VANGNET_DEMO=1
export DJANGO_SETTINGS_MODULE=vangnet.settings.base
export EMAIL_URL="file://${VANGNET_DATA_DIR}/mail"
# Links in pages and e-mails point at the address this demo really serves on (PORT=8100 make demo).
PORT="${PORT:-8000}"
export SITE_URL="http://127.0.0.1:${PORT}"
mkdir -p "${VANGNET_DATA_DIR}/mail"
"$BIN/vangnet" migrate --noinput -v 0
"$BIN/vangnet" seed_demo
"$BIN/vangnet" db_worker --interval 2 --no-reload >"${VANGNET_DATA_DIR}/worker.log" 2>&1 &
WORKER=$!
"$BIN/vangnet" scheduler >"${VANGNET_DATA_DIR}/scheduler.log" 2>&1 &
SCHEDULER=$!
trap 'kill $WORKER $SCHEDULER 2>/dev/null' EXIT INT TERM
echo ""
echo "Vangnet runs on http://127.0.0.1:${PORT}/  (e-mail goes to ${VANGNET_DATA_DIR}/mail/)"
"$BIN/vangnet" runserver "127.0.0.1:${PORT}" --noreload --nostatic
