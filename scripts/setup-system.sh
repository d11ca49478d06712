#!/usr/bin/env bash
# The system packages the tests need (Debian/Ubuntu): Chromium for Playwright, espeak-ng and sox for test audio, and a
# Python with PyTorch & co. for the trainer. The one place this list lives (scripts/test.sh and .ci/run call this).
# Everything there: does nothing (no apt-get update), fast. Something missing: installs it when it can (root, or sudo
# without a password), otherwise stops at once with the one command to run.
set -euo pipefail

PY="${PYTHON:-/usr/bin/python3}"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()

[ -x "$CHROMIUM" ] || missing+=(chromium)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
command -v sox >/dev/null 2>&1 || missing+=(sox)

# Python modules → their Debian packages (looked up without importing: fast)
declare -A PKG=([torch]=python3-torch [numpy]=python3-numpy [scipy]=python3-scipy [faiss]=python3-faiss
  [soundfile]=python3-soundfile [pytest]=python3-pytest [onnx]=python3-onnx)
if command -v "$PY" >/dev/null 2>&1; then
  absent="$("$PY" -c 'import importlib.util as u, sys; print(" ".join(m for m in sys.argv[1:] if u.find_spec(m) is None))' "${!PKG[@]}" 2>/dev/null)" || absent="${!PKG[*]}"
  for m in $absent; do missing+=("${PKG[$m]}"); done
else
  missing+=(python3)
  for m in "${!PKG[@]}"; do missing+=("${PKG[$m]}"); done
fi

[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup-system: missing system packages: ${missing[*]}"
install=(apt-get install -y -q --no-install-recommends "${missing[@]}")
if [ "$(id -u)" = 0 ]; then
  run=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  run=(sudo -n)
else
  echo "setup-system: cannot install them without root; run:" >&2
  echo "  sudo apt-get update && sudo ${install[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -q
"${run[@]}" "${install[@]}"
