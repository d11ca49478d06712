#!/usr/bin/env bash
# The system packages Voice Studio needs (Debian/Ubuntu), in one place: scripts/test.sh and .ci/run call it for the
# tests, the Dockerfile calls it with --runtime for the images.
#   (no option)  what the tests need: the runtime set plus Chromium for Playwright, espeak-ng and sox for test audio,
#                Caddy for the HTTPS proxy test, pytest
#   --runtime    what running the app needs: a Python with PyTorch, NumPy, SciPy, FAISS, soundfile and ONNX (the trainer)
#   --check      only say what is missing (exit 1 if anything is), never install
# Everything there: does nothing (no apt-get update), fast. Something missing: installs it when it can (root, or sudo
# without a password), otherwise stops at once with the one command to run.
# TORCH_INDEX_URL (images with CUDA): PyTorch comes from that pip index (e.g. https://download.pytorch.org/whl/cu124)
# instead of Debian's CPU-only python3-torch.
set -euo pipefail

runtime_only=0
check_only=0
for arg in "$@"; do
  case "$arg" in
    --runtime) runtime_only=1 ;;
    --check) check_only=1 ;;
    *) echo "setup-system: unknown option $arg (use --runtime, --check)" >&2; exit 2 ;;
  esac
done

PY="${PYTHON:-/usr/bin/python3}"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
TORCH_INDEX_URL="${TORCH_INDEX_URL:-}"
missing=()
pip_torch=0

if [ $runtime_only = 0 ]; then
  [ -x "$CHROMIUM" ] || missing+=(chromium)
  command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
  command -v sox >/dev/null 2>&1 || missing+=(sox)
  command -v caddy >/dev/null 2>&1 || missing+=(caddy)
fi

# Python modules → their Debian packages (looked up without importing: fast)
declare -A PKG=([torch]=python3-torch [numpy]=python3-numpy [scipy]=python3-scipy [faiss]=python3-faiss
  [soundfile]=python3-soundfile [onnx]=python3-onnx)
[ $runtime_only = 0 ] && PKG[pytest]=python3-pytest
if command -v "$PY" >/dev/null 2>&1; then
  absent="$("$PY" -c 'import importlib.util as u, sys; print(" ".join(m for m in sys.argv[1:] if u.find_spec(m) is None))' "${!PKG[@]}" 2>/dev/null)" || absent="${!PKG[*]}"
else
  missing+=(python3)
  absent="${!PKG[*]}"
fi
for m in $absent; do
  if [ "$m" = torch ] && [ -n "$TORCH_INDEX_URL" ]; then pip_torch=1; missing+=(python3-pip); else missing+=("${PKG[$m]}"); fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup-system: missing system packages: ${missing[*]}$([ $pip_torch = 1 ] && echo " (torch from $TORCH_INDEX_URL)")"
install=(apt-get install -y -q --no-install-recommends "${missing[@]}")
[ $check_only = 1 ] && exit 1
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
if [ $pip_torch = 1 ]; then
  # Debian's Python is "externally managed": torch goes beside the apt packages, not into a venv the app would not find
  "${run[@]}" "$PY" -m pip install --no-cache-dir --break-system-packages --index-url "$TORCH_INDEX_URL" torch
fi
