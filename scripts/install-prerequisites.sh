#!/usr/bin/env bash
# Installs what building and testing Vae.MLNet needs on a fresh Debian 12 machine with the .NET 10 SDK.
# TorchSharp 0.107 (libtorch 2.10) loads libLibTorchSharp.so, which needs GLIBCXX_3.4.32 (GCC 13's libstdc++);
# Debian 12 ships 3.4.30, so libstdc++6 comes from Debian 13 (trixie), pinned low so nothing else moves there.
set -euo pipefail
# A failing step under set -e would otherwise stop the README's commands without a word.
trap 'echo "install-prerequisites.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

if strings /lib/x86_64-linux-gnu/libstdc++.so.6 2>/dev/null | grep -q GLIBCXX_3.4.32 \
   || grep -q GLIBCXX_3.4.32 /lib/x86_64-linux-gnu/libstdc++.so.6 2>/dev/null; then
  echo "libstdc++ already provides GLIBCXX_3.4.32"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

# The Debian archive this machine already uses for its own release (a deb822 .sources stanza or a one-line entry),
# so that trixie comes from the same mirror. Either kind of file may be absent (Debian 12's images have only
# debian.sources): a missing file is skipped, never an error under set -e and pipefail.
archives_of_release() {
  local codename f
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v c="$codename" 'function out() { if (s ~ "(^| )" c "( |$)") print u; u = s = "" }
      /^URIs:/ { u = $2 } /^Suites:/ { $1 = ""; s = $0 } /^[[:space:]]*$/ { out() } END { out() }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -E 's/\[[^]]*\] *//' "$f" | awk -v c="$codename" '$1 == "deb" && $3 == c { print $2 }'
  done
}
# awk reads every line (head could close the pipe early and fail the pipeline under pipefail).
archive=$(archives_of_release | awk 'NR == 1')
[ -n "$archive" ] || { echo "no Debian archive in this machine's apt sources" >&2; exit 1; }
echo "Installing libstdc++6 from Debian trixie at $archive (TorchSharp needs GLIBCXX_3.4.32)..."
$sudo tee /etc/apt/sources.list.d/vae-mlnet-trixie.sources >/dev/null <<SRC
Types: deb
URIs: $archive
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
$sudo tee /etc/apt/preferences.d/vae-mlnet-trixie >/dev/null <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
# Third-party sources on the image may be unreachable; Debian's own must not be.
$sudo apt-get update -qq || true
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -t trixie libstdc++6 >/dev/null
grep -q GLIBCXX_3.4.32 /lib/x86_64-linux-gnu/libstdc++.so.6 \
  || { echo "libstdc++6 from trixie did not provide GLIBCXX_3.4.32" >&2; exit 1; }
echo "libstdc++ now provides GLIBCXX_3.4.32"
