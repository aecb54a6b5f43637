#!/usr/bin/env bash
# Render the latest report (or the one given) to PNG with headless Chromium, to look at its layout.
#   apt-get install -y chromium      # Debian's package, once
#   scripts/report_screenshot.sh [data/reports/<run_id>/report.html] [out.png] [width]
set -euo pipefail
report="${1:-$(ls -td data/reports/*/ 2>/dev/null | head -1)report.html}"
out="${2:-${report%.html}.png}"
width="${3:-1100}"
[ -f "$report" ] || { echo "no report at $report: run 'jitjic run' first" >&2; exit 1; }
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$profile" \
  --window-size="${width},4200" --screenshot="$(realpath -m "$out")" "file://$(realpath "$report")" >/dev/null 2>&1
echo "$out"
