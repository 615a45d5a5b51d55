#!/usr/bin/env bash
# Scores a whole pipeline exported with ExportVaePipelineToOnnx in an ONNX Runtime that is not .NET's — Python's
# onnxruntime from Debian 13, in a chroot (../shared/PLATFORM.md) — and compares with what ML.NET's pipeline gives for
# the same rows: score and p_value within 1e-5 relative (to max(1, |value|)), latent vectors too, labels equal.
#   usage: sudo bash scripts/onnx_independent_check.sh [--chroot DIR] [--data CSV] [normalizer ...]
# normalizers: MinMax MeanVarianceCdf LogMeanVariance (default: all three). DIR (default /tmp/vae-trixie) is made with
# debootstrap when it has no onnxruntime yet (about 5 minutes, as root). CSV: f0..fK columns and a Label column.
set -euo pipefail
cd "$(dirname "$0")/.."
root=/tmp/vae-trixie
data=src/Vae.MLNet.Cli/Data/cardio-test.csv
while [ $# -gt 0 ]; do
  case "$1" in
    --chroot) root=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    *) break ;;
  esac
done
normalizers=("$@")
[ ${#normalizers[@]} -gt 0 ] || normalizers=(MinMax MeanVarianceCdf LogMeanVariance)

# ONNX Runtime reads /proc/cpuinfo when it loads, and aborts without it: the chroot gets /proc while the check runs.
proc_mounted=""
cleanup() {
  [ -z "${work:-}" ] || rm -rf "$work"
  [ -z "$proc_mounted" ] || umount "$root/proc"
}
trap cleanup EXIT
mount_proc() {
  if [ -d "$root/proc" ] && ! mountpoint -q "$root/proc"; then mount -t proc proc "$root/proc"; proc_mounted=1; fi
}
mount_proc
if ! chroot "$root" python3 -c "import onnxruntime" >/dev/null 2>&1; then
  echo "setting up $root (Debian 13 with python3-onnxruntime)" >&2
  command -v debootstrap >/dev/null || apt-get install -y debootstrap >&2
  mirror=$(grep -h -m1 -E '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | head -n 1)
  debootstrap --variant=minbase trixie "$root" "$mirror" >&2
  chroot "$root" apt-get update >&2
  chroot "$root" apt-get install -y --no-install-recommends python3-onnxruntime python3-onnx python3-numpy >&2
  mount_proc
fi

work=$(mktemp -d "$root/tmp/vae-check-XXXXXX")
cp "$data" "$work/input.csv"
cp scripts/vae_onnx_batches.py "$work/"
cat > "$work/compare.py" <<'EOF'
import json, sys
import numpy as np
import onnx, onnxruntime as ort

folder, normalizer = sys.argv[1], sys.argv[2]
sys.path.insert(0, folder)
from vae_onnx_batches import VaeOnnxScorer  # the map_batches recipe of docs/scaling.md

onnx.checker.check_model(onnx.load(f"{folder}/{normalizer}.onnx"), full_check=True)
raw = np.genfromtxt(f"{folder}/input.csv", delimiter=",", names=True, dtype=np.float32)
scorer = VaeOnnxScorer(f"{folder}/{normalizer}.onnx")
# A batch as Ray gives one: a dict of numpy arrays, one per raw column.
outputs = scorer({name: raw[name] for name in raw.dtype.names})
feeds = scorer.inputs
expected = np.genfromtxt(f"{folder}/{normalizer}.csv", delimiter=",", names=True, dtype=np.float64)

def relative(actual, wanted):
    return float(np.max(np.abs(actual.astype(np.float64) - wanted) / np.maximum(1.0, np.abs(wanted))))

latent = np.stack([expected[f"latent_{j}"] for j in range(outputs["Latent"].shape[1])], axis=1)
result = {
    "onnxruntime": ort.__version__, "opset": max(o.version for o in onnx.load(f"{folder}/{normalizer}.onnx").opset_import),
    "rows": int(len(expected)), "inputs": len(feeds),
    "score_max_rel_diff": relative(outputs["score"], expected["score"]),
    "p_value_max_rel_diff": relative(outputs["p_value"], expected["p_value"]),
    "latent_max_rel_diff": relative(outputs["Latent"], latent),
    "label_mismatches": int(np.sum(outputs["predicted_label"] != (expected["predicted_label"] > 0))),
    "flagged": int(np.sum(outputs["predicted_label"])),
}
print(json.dumps(result))
ok = max(result["score_max_rel_diff"], result["p_value_max_rel_diff"], result["latent_max_rel_diff"]) <= 1e-5 and result["label_mismatches"] == 0
sys.exit(0 if ok else 1)
EOF

dotnet run scripts/export-pipeline.cs -- "$data" "$work" "${normalizers[@]}" >&2
status=0
for n in "${normalizers[@]}"; do
  printf '%s ' "$n"
  # Debian's onnx and onnxruntime print harmless "Schema error" lines on import.
  chroot "$root" python3 "/tmp/$(basename "$work")/compare.py" "/tmp/$(basename "$work")" "$n" 2> >(grep -v "Schema error" >&2) || status=1
done
exit $status
