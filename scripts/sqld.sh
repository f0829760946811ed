#!/usr/bin/env bash
# Shortcut for scripts/servers/sqld.sh (start|stop|status); `eval "$(bash scripts/sqld.sh start | sed 's/^/export /')"`.
exec bash "$(dirname "${BASH_SOURCE[0]}")/servers/sqld.sh" "$@"
