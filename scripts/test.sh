#!/usr/bin/env bash
# `npm test`: every test of the project, in order of cost. Prints one closing line
# "tests: N passed, N failed" summing all runners; exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
# The trainer needs a Python with PyTorch; Debian's python3-torch lives in the system interpreter.
if [ -z "${PYTHON:-}" ] && [ -x /usr/bin/python3 ]; then export PYTHON=/usr/bin/python3; fi
PY="${PYTHON:-python3}"
OUT=test-reports  # not test-results: Playwright empties that folder when it starts
rm -rf "$OUT" && mkdir -p "$OUT"
status=0
step() { echo; echo "=== $* ==="; }

step "system packages (scripts/setup-system.sh)"
# Chromium, espeak-ng, sox and the trainer's Python packages: installed when missing and possible, else it says how
bash scripts/setup-system.sh || { echo "tests: 0 passed, 1 failed"; exit 1; }

step "typecheck"
npx tsc --noEmit || status=1

step "next build"
npx next build > "$OUT/next-build.log" 2>&1 || { cat "$OUT/next-build.log"; status=1; }

step "unit + integration (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$OUT/vitest.json" || status=1

step "end-to-end (Playwright + Chromium)"
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "Chromium not found at ${CHROMIUM_PATH:-/usr/bin/chromium}: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH"
  status=1
else
  PLAYWRIGHT_JSON_OUTPUT_NAME="$OUT/playwright.json" npx playwright test --reporter=list,json || status=1
fi

if [ -d worker/trainer/tests ]; then
  step "trainer (pytest, $PY)"
  if "$PY" -c "import torch, pytest" 2>/dev/null; then
    "$PY" -m pytest worker/trainer/tests -q -p no:cacheprovider --junitxml="$OUT/pytest.xml"
    rc=$?
    # exit 5 = no tests collected: not a failure of the code
    if [ $rc -ne 0 ] && [ $rc -ne 5 ]; then status=1; fi
  else
    echo "$PY has no torch/pytest: install python3-torch python3-pytest (Debian) or set PYTHON"
    status=1
  fi
fi

echo
node scripts/test-summary.mjs "$OUT" || status=1
exit $status
