#!/bin/sh
# Builds the Kuark demo image: Debian's busybox-static with its applet links and a tiny web page,
# served by `httpd -f -p 80 -h /www`. Output: an OCI archive (a tar of an OCI image layout) whose
# index.json names the manifest `kuark.local/demo:latest` (annotation org.opencontainers.image.ref.name).
#
# Usage: build-demo-image.sh OUT.tar
# Idempotent: when OUT.tar is newer than this script and the busybox binary it is left untouched.
# Needs: umoci, busybox-static (/bin/busybox). Runs as root (umoci keeps file ownership as root:root).
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 OUT.tar" >&2
  exit 2
fi
out=$1
ref=kuark.local/demo:latest
busybox=${BUSYBOX:-/bin/busybox}

for tool in umoci tar; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$0: $tool is missing (apt-get install -y umoci)" >&2; exit 1; }
done
[ -x "$busybox" ] || { echo "$0: $busybox is missing (apt-get install -y busybox-static)" >&2; exit 1; }
# A dynamically linked busybox would not run in an image without libc.
if command -v file >/dev/null 2>&1 && ! file -L "$busybox" | grep -q 'statically linked'; then
  echo "$0: $busybox is not statically linked (install busybox-static)" >&2
  exit 1
fi

if [ -s "$out" ] && [ "$out" -nt "$0" ] && [ "$out" -nt "$busybox" ]; then
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kuark-demo-image.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

root=$work/rootfs
mkdir -p "$root/bin" "$root/www" "$root/etc" "$root/tmp" "$root/proc" "$root/sys" "$root/dev"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"
# One symlink per applet busybox knows, so `sh`, `wget`, `httpd`, ... all resolve.
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
cat >"$root/www/index.html" <<'HTML'
<!doctype html>
<html><head><title>Kuark demo</title></head>
<body><h1>Hello from Kuark</h1><p>Served by busybox httpd in a pod started by kuark-agent.</p></body></html>
HTML
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

# The OCI platform name of this machine (the image only runs here: busybox is native).
go_arch() {
  case $(uname -m) in
    x86_64) echo amd64 ;;
    aarch64) echo arm64 ;;
    armv7l) echo arm ;;
    *) uname -m ;;
  esac
}

layout=$work/layout
umoci init --layout "$layout"
umoci new --image "$layout:$ref"
# unpack + repack (not `umoci insert`, whose layer tar lacks the final padding in umoci 0.4.7).
umoci unpack --image "$layout:$ref" "$work/bundle" >/dev/null
cp -a "$root/." "$work/bundle/rootfs/"
umoci repack --image "$layout:$ref" "$work/bundle"
umoci config --image "$layout:$ref" \
  --config.cmd httpd --config.cmd -f --config.cmd -p --config.cmd 80 --config.cmd -h --config.cmd /www \
  --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --config.workingdir / \
  --config.exposedports 80/tcp \
  --architecture "$(go_arch)" --os linux
umoci gc --layout "$layout"

mkdir -p "$(dirname "$out")"
tar -C "$layout" -cf "$work/image.tar" oci-layout index.json blobs
mv -f "$work/image.tar" "$out"
