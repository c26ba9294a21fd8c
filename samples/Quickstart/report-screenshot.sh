#!/usr/bin/env bash
# Regenerates docs/images/report-zh-CN.png, the README's picture of the zh-CN report: runs the
# Quickstart (which writes quickstart-output/report.zh-CN.html) and has headless Chromium take the
# top of the page. Needs chromium and fonts-noto-cjk (.ci/prepare installs both).
# Usage, from the repository root: bash samples/Quickstart/report-screenshot.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet run --project samples/Quickstart -c Release >/dev/null
chromium=${CHROMIUM_PATH:-$(command -v chromium || command -v chromium-browser)}
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --window-size=1200,1800 --screenshot="$PWD/docs/images/report-zh-CN.png" \
  "file://$PWD/quickstart-output/report.zh-CN.html" 2>/dev/null
echo "docs/images/report-zh-CN.png"
