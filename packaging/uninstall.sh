#!/usr/bin/env bash
# Removes what packaging/install.sh installed (listed in PREFIX/lib/kuark/install-manifest) and
# PREFIX/lib/kuark itself. Keeps cluster state (/var/lib/kuark, /etc/kuark) and the flag files in
# /etc/default unless --purge is given. Stops the systemd units first when installed into /.
#
# Usage: [DESTDIR=D] [PREFIX=/usr/local] packaging/uninstall.sh [--purge]
set -euo pipefail

destdir=${DESTDIR:-}
prefix=${PREFIX:-/usr/local}
lib=$prefix/lib/kuark
purge=0
[[ ${1:-} == --purge ]] && purge=1

manifest=$destdir$lib/install-manifest
[[ -f $manifest ]] || { echo "uninstall.sh: no Kuark installation at ${destdir}${lib}" >&2; exit 1; }

if [[ -z $destdir ]] && [[ -d /run/systemd/system ]]; then
  systemctl disable --now kuark-agent.service kuark-server.service 2>/dev/null || true
fi

while IFS= read -r path; do
  [[ -n $path ]] || continue
  rm -f "$destdir$path"
done <"$manifest"
rm -rf "${destdir:?}$lib"
rmdir "$destdir/var/lib/kuark/agent/images" "$destdir/var/lib/kuark/agent" "$destdir/var/lib/kuark" 2>/dev/null || true

if ((purge)); then
  rm -rf "$destdir/var/lib/kuark" "$destdir/etc/kuark"
  rm -f "$destdir/etc/default/kuark-server" "$destdir/etc/default/kuark-agent"
fi
if [[ -z $destdir ]] && [[ -d /run/systemd/system ]]; then
  systemctl daemon-reload
fi
echo "Kuark removed from ${destdir}${prefix}$( ((purge)) && echo ' (state purged)')."
