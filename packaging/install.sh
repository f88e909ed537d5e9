#!/usr/bin/env bash
# Installs Kuark from a built checkout (run `./kuark build` first):
#   PREFIX/lib/kuark/            launcher, VERSION, server/ agent/ cni-bridge/ (Quarkus apps), images/
#   PREFIX/bin/kuark             -> ../lib/kuark/kuark
#   /etc/systemd/system/         kuark-server.service, kuark-agent.service
#   /etc/default/                kuark-server, kuark-agent (extra flags; kept when present)
#   /opt/cni/bin/kuark-bridge    CNI plugin wrapper (runs PREFIX/lib/kuark/cni-bridge/kuark-bridge)
#   /var/lib/kuark/agent/images/ the demo image kuark.local/demo:latest
# Every path is below DESTDIR (default empty), so packaging builds and tests install into a
# temporary directory. Writes PREFIX/lib/kuark/install-manifest, which uninstall.sh reads.
#
# Usage: [DESTDIR=D] [PREFIX=/usr/local] [DEMO_IMAGE=archive.tar] packaging/install.sh
set -euo pipefail

src=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
destdir=${DESTDIR:-}
prefix=${PREFIX:-/usr/local}
lib=$prefix/lib/kuark

die() {
  echo "install.sh: $*" >&2
  exit 1
}

apps=(
  "server:$src/control-plane/server/target/quarkus-app"
  "agent:$src/node-agent/target/quarkus-app"
  "cni-bridge:$src/cni-bridge/target/quarkus-app"
)
for app in "${apps[@]}"; do
  [[ -f ${app#*:}/quarkus-run.jar ]] || die "${app#*:}/quarkus-run.jar is missing: run ./kuark build first"
done
demo_image=${DEMO_IMAGE:-$src/.kuark/images/kuark-demo.oci.tar}
[[ -s $demo_image ]] || die "$demo_image is missing: run ./kuark build first"
if [[ -z $destdir && $EUID -ne 0 ]]; then
  die "installing into / needs root"
fi

manifest=()
# put MODE SOURCE TARGET : installs one file below DESTDIR and records it.
put() {
  install -D -m "$1" "$2" "$destdir$3"
  manifest+=("$3")
}

rm -rf "$destdir$lib"
mkdir -p "$destdir$lib"
for app in "${apps[@]}"; do
  name=${app%%:*}
  mkdir -p "$destdir$lib/$name"
  cp -a "${app#*:}" "$destdir$lib/$name/quarkus-app"
done
# The CNI plugin's start script runs the application directory next to it (no Quarkus boot).
install -m 0755 "$src/cni-bridge/kuark-bridge" "$destdir$lib/cni-bridge/kuark-bridge"
put 0755 "$src/kuark" "$lib/kuark"
"$src/kuark" version | sed 's/^kuark //' >"$destdir$lib/VERSION"
put 0644 "$demo_image" "$lib/images/kuark-demo.oci.tar"

mkdir -p "$destdir$prefix/bin"
ln -sfn ../lib/kuark/kuark "$destdir$prefix/bin/kuark"
manifest+=("$prefix/bin/kuark")

mkdir -p "$destdir/etc/systemd/system"
for unit in kuark-server.service kuark-agent.service; do
  sed "s:@PREFIX@:$prefix:g" "$src/packaging/systemd/$unit" >"$destdir/etc/systemd/system/$unit"
  chmod 0644 "$destdir/etc/systemd/system/$unit"
  manifest+=("/etc/systemd/system/$unit")
done
# Flag files are the administrator's: installed once, never overwritten, left by uninstall.
for defaults in kuark-server kuark-agent; do
  if [[ ! -e $destdir/etc/default/$defaults ]]; then
    install -D -m 0644 "$src/packaging/systemd/$defaults.default" "$destdir/etc/default/$defaults"
  fi
done

mkdir -p "$destdir/opt/cni/bin"
cat >"$destdir/opt/cni/bin/kuark-bridge" <<WRAPPER
#!/bin/sh
# kuark-bridge CNI plugin (installed by Kuark's packaging/install.sh)
exec $lib/cni-bridge/kuark-bridge "\$@"
WRAPPER
chmod 0755 "$destdir/opt/cni/bin/kuark-bridge"
manifest+=("/opt/cni/bin/kuark-bridge")

# The agent imports archives from here at start; kuark up copies the same file.
put 0644 "$demo_image" "/var/lib/kuark/agent/images/kuark-demo.oci.tar"

printf '%s\n' "${manifest[@]}" >"$destdir$lib/install-manifest"

if [[ -z $destdir ]] && [[ -d /run/systemd/system ]]; then
  systemctl daemon-reload
fi
echo "Kuark $(cat "$destdir$lib/VERSION") installed under ${destdir}${prefix}."
echo "Start: systemctl enable --now kuark-server kuark-agent   (or: $prefix/bin/kuark up)"
