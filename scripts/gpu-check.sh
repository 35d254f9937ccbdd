#!/usr/bin/env bash
# The GPU check, ready to run on a Linux machine with an NVIDIA GPU, the project copied over and ../shared beside it
# (or $NATIVE_NER_SHARED). In under 8 minutes it:
#   1. checks for the GPU (nvidia-smi) and stops at once, saying what is missing, when there is none;
#   2. installs what is missing from npm: the project's dependencies (npm ci) when node_modules is absent, and the
#      CUDA provider package (lib/native.ts CUDA_PROVIDERS_PACKAGE, at the version docs/api.md names); checks that
#      the provider library finds its CUDA and cuDNN libraries (ldd), looking in the usual places for them;
#   3. builds dist/ (and the addon when no usable binary exists);
#   4. runs the CUDA parity test: NATIVE_NER_EXPECT_CUDA=1 npx vitest run test/device.test.ts;
#   5. measures native-ner fp32 and int8 on the CPU and on CUDA over the CoNLL-2003 test sentences
#      (bench/gpu-check.mjs: texts/s, tokens/s, p50/p95 latency, F1, texts equal to the CPU's).
# Everything it prints and its report (gpu-check.md, gpu-check.json, logs) go to one folder: $GPU_CHECK_OUT, else
# $OUT/gpu-check when $OUT is set, else gpu-check-results/ in the repository.
#
#   scripts/gpu-check.sh                 the whole check; exit status 0 only when every step passed
#   scripts/gpu-check.sh --cpu-only      no GPU needed: skips steps 1, 2's CUDA package, 4, and the CUDA half of 5
#   scripts/gpu-check.sh --sentences N   measure on N sentences spread over the test set (default: all 3,453)
#   GPU_CHECK_NO_INSTALL=1               never run npm (for a machine without network: copy node_modules over)
#   GPU_CHECK_BUDGET=SECONDS             the time all steps together may take (default 470)
set -uo pipefail

CUDA_PACKAGE_VERSION=0.4.9 # docs/api.md, "CUDA": ONNX Runtime 1.29's CUDA 13 build, paired with the dev dependency onnxruntime-node-1.29
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO" || exit 2

CPU_ONLY=0
SENTENCES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu-only) CPU_ONLY=1 ;;
    --sentences) SENTENCES=(--sentences "$2"); shift ;;
    --sentences=*) SENTENCES=(--sentences "${1#*=}") ;;
    -h|--help) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "gpu-check: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ -n "${GPU_CHECK_OUT:-}" ]; then RESULTS="$GPU_CHECK_OUT"
elif [ -n "${OUT:-}" ]; then RESULTS="$OUT/gpu-check"
else RESULTS="$REPO/gpu-check-results"; fi
mkdir -p "$RESULTS" || exit 2
RESULTS="$(cd "$RESULTS" && pwd)"
LOG="$RESULTS/gpu-check.log"
: >"$LOG"
START=$SECONDS
BUDGET=${GPU_CHECK_BUDGET:-470} # seconds for the whole check: under 8 minutes
FAILED=()

say() { echo "gpu-check [$((SECONDS - START))s]: $*" | tee -a "$LOG" >&2; }
fail() { say "FAILED: $*"; say "report folder: $RESULTS"; exit 1; }
# Runs a step with a time limit, its output into the log and onto stderr; records a failure and goes on.
step() {
  local name="$1" limit="$2"; shift 2
  local left=$((BUDGET - (SECONDS - START)))
  [ "$limit" -le "$left" ] || limit=$left
  if [ "$limit" -le 0 ]; then say "$name: skipped, the ${BUDGET}s budget is spent"; FAILED+=("$name (no time left)"); return 124; fi
  say "$name (at most ${limit}s): $*"
  timeout --kill-after=10 "$limit" "$@" 2>&1 | tee -a "$LOG" "$RESULTS/$name.log" >&2
  local rc=${PIPESTATUS[0]}
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then say "$name: timed out after ${limit}s"; FAILED+=("$name (timed out)")
  elif [ "$rc" -ne 0 ]; then say "$name: exit status $rc"; FAILED+=("$name (exit $rc)")
  else say "$name: passed"; fi
  return "$rc"
}

# 1. The GPU, first: nothing else is worth doing without one.
if [ "$CPU_ONLY" -eq 0 ]; then
  if ! command -v nvidia-smi >/dev/null 2>&1; then
    fail "no NVIDIA GPU here: nvidia-smi is not on PATH (no NVIDIA driver installed). This check needs a Linux machine with an NVIDIA GPU and its driver; run 'scripts/gpu-check.sh --cpu-only' to measure the CPU half alone."
  fi
  if ! nvidia-smi -L >"$RESULTS/nvidia-smi.txt" 2>&1 || ! grep -q '^GPU ' "$RESULTS/nvidia-smi.txt"; then
    fail "nvidia-smi finds no usable GPU: $(head -c 400 "$RESULTS/nvidia-smi.txt")"
  fi
  nvidia-smi >>"$RESULTS/nvidia-smi.txt" 2>&1
  GPU_CHECK_GPU_NAME="$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)"
  export GPU_CHECK_GPU_NAME
  say "GPU: $GPU_CHECK_GPU_NAME"
fi

# The project's inputs.
command -v node >/dev/null 2>&1 || fail "node is not on PATH (the project needs Node >= 18)"
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
[ "$NODE_MAJOR" -ge 18 ] || fail "Node $(node -v) is too old; the project needs Node >= 18"
SHARED="${NATIVE_NER_SHARED:-$REPO/../shared}"
for f in models/conll03-bert-small/model.onnx models/conll03-bert-small/model_int8.onnx datasets/conll2003/eng.testb; do
  [ -f "$SHARED/$f" ] || fail "missing $SHARED/$f: copy ../shared beside the project (models and CoNLL-2003)"
done

# 2. npm: the dependencies, then the CUDA provider package.
if [ ! -d node_modules/onnxruntime-node ]; then
  [ -z "${GPU_CHECK_NO_INSTALL:-}" ] || fail "node_modules is missing and GPU_CHECK_NO_INSTALL is set"
  step npm-ci 240 npm ci --ignore-scripts --no-audit --no-fund || fail "npm ci failed (no network? see $RESULTS/npm-ci.log)"
fi
CUDA_PACKAGE="$(sed -n "s/^export const CUDA_PROVIDERS_PACKAGE = '\([^']*\)'.*/\1/p" lib/native.ts)"
[ -n "$CUDA_PACKAGE" ] || fail "could not read CUDA_PROVIDERS_PACKAGE from lib/native.ts"
if [ "$CPU_ONLY" -eq 0 ]; then
  HAVE="$(node -p "try { require('$CUDA_PACKAGE/package.json').version } catch { '' }" 2>/dev/null)"
  if [ "$HAVE" = "$CUDA_PACKAGE_VERSION" ]; then
    say "$CUDA_PACKAGE@$HAVE is installed"
  else
    [ -z "${GPU_CHECK_NO_INSTALL:-}" ] || fail "$CUDA_PACKAGE@$CUDA_PACKAGE_VERSION is not installed and GPU_CHECK_NO_INSTALL is set"
    step npm-install-cuda 180 npm install --no-save --ignore-scripts --no-audit --no-fund "$CUDA_PACKAGE@$CUDA_PACKAGE_VERSION" ||
      fail "could not install $CUDA_PACKAGE@$CUDA_PACKAGE_VERSION from npm (179 MB; see $RESULTS/npm-install-cuda.log)"
  fi
  CUDA_RUNTIME="$(sed -n "s/^export const CUDA_RUNTIME_PACKAGE = '\([^']*\)'.*/\1/p" lib/native.ts)"
  node -p "require('$CUDA_RUNTIME/package.json').version" >/dev/null 2>&1 ||
    fail "$CUDA_RUNTIME (the CUDA-enabled ONNX Runtime 1.29 the providers pair with, a dev dependency) is not installed: run npm ci"
  PROVIDER="$(node -p "require('path').join(require('path').dirname(require.resolve('$CUDA_PACKAGE/package.json')), 'Plugins/Linux/x64/libonnxruntime_providers_cuda.so')")"
  [ -f "$PROVIDER" ] || fail "$CUDA_PACKAGE has no $PROVIDER"
  # The provider needs CUDA 13 and cuDNN 9 libraries; where ldd misses some, look where they are usually installed
  # (CUDA toolkits, pip's nvidia-* wheels) and put those folders on LD_LIBRARY_PATH.
  missing() { ldd "$PROVIDER" 2>/dev/null | awk '/not found/ { print $1 }'; }
  if [ -n "$(missing)" ]; then
    say "the CUDA provider misses: $(missing | tr '\n' ' ')— looking for them"
    SEARCH=(/usr/local/cuda*/lib64 /usr/local/cuda*/targets/*/lib /usr/lib/x86_64-linux-gnu /usr/lib64 /opt/nvidia/*/lib*)
    for py in python3 python; do
      command -v "$py" >/dev/null 2>&1 || continue
      for site in $("$py" -c 'import site; print(" ".join(site.getsitepackages() + [site.getusersitepackages()]))' 2>/dev/null); do
        SEARCH+=("$site"/nvidia/*/lib)
      done
    done
    for lib in $(missing); do
      for dir in "${SEARCH[@]}"; do
        if [ -e "$dir/$lib" ]; then LD_LIBRARY_PATH="$dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; export LD_LIBRARY_PATH; break; fi
      done
    done
    if [ -n "$(missing)" ]; then
      say "still missing (install the CUDA 13 runtime and cuDNN 9, e.g. the CUDA toolkit, or pip's nvidia-*-cu13 wheels): $(missing | tr '\n' ' ')"
      say "the parity test and the CUDA measurements will fail with ONNX Runtime's reason"
    else
      say "found them; LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
    fi
  else
    say "the CUDA provider's libraries all resolve"
  fi
fi

# 3. Build: dist/ from lib/, and the addon only when no usable binary exists (the committed prebuild serves).
step build-native 180 node scripts/build-native.mjs --if-missing || fail "no usable native-ner binary (see $RESULTS/build-native.log)"
step build-ts 120 npx tsc -p tsconfig.json || fail "tsc failed (see $RESULTS/build-ts.log)"

# 4. The CUDA parity test.
if [ "$CPU_ONLY" -eq 0 ]; then
  step parity-test 180 env NATIVE_NER_EXPECT_CUDA=1 npx vitest run test/device.test.ts
fi

# 5. The measurements (the rest of the 8 minutes, at most).
MEASURE=(node bench/gpu-check.mjs --out "$RESULTS" "${SENTENCES[@]}")
[ "$CPU_ONLY" -eq 1 ] && MEASURE+=(--cpu-only)
step measure 240 "${MEASURE[@]}"

say "report: $RESULTS/gpu-check.md and gpu-check.json; log: $LOG"
if [ ${#FAILED[@]} -gt 0 ]; then
  say "FAILED steps: ${FAILED[*]}"
  exit 1
fi
say "all steps passed"
