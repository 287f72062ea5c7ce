#!/usr/bin/env bash
# Builds a small JRE base image from the local JDK, for machines where no registry is reachable
# (docker/Dockerfile's default base, eclipse-temurin, must be pulled). Usage:
#   docker/build-offline-base.sh [IMAGE]        (default IMAGE: shepherd-base:local)
# then: docker build -f docker/Dockerfile --build-arg BASE_IMAGE=shepherd-base:local -t shepherd .
# Needs: a JDK 17 with jmods (openjdk-17-jdk-headless), busybox-static, docker.
set -euo pipefail

image=${1:-shepherd-base:local}
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
busybox=$(command -v busybox || echo /bin/busybox)
# ldd fails on a static binary: the one this image can use without its libraries.
if ! [ -x "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
  echo "build-offline-base: needs a static busybox (apt-get install busybox-static)" >&2
  exit 1
fi
[ -d "$java_home/jmods" ] || { echo "build-offline-base: no jmods in $java_home (a full JDK is needed)" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

# --generate-cds-archive: the JDK's own class data sharing archive, which the image's start-up
# archive (bin/shepherd archive-classes) is layered on. The modules Shepherd and its demo worker use: Netty (jdk.unsupported), Logback (java.xml,
# java.naming), Micrometer (java.management, jdk.management), the CLI's admin client
# (java.net.http), the demo worker (jdk.httpserver), DNS (jdk.naming.dns), thread dumps (jdk.jcmd).
"$java_home/bin/jlink" --add-modules java.base,java.logging,java.management,java.naming,java.xml,java.sql,java.net.http,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.httpserver,jdk.jcmd \
  --strip-debug --no-man-pages --no-header-files --compress=2 --generate-cds-archive --output "$root/opt/jre"

# Every shared library the JRE needs, plus three ldd cannot see: Netty unpacks its native epoll
# and io_uring libraries to /tmp at run time, and without these they silently do not load.
copy_lib() {
  local lib=$1
  [ -e "$root$lib" ] && return
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
}
for binary in "$root/opt/jre/bin/java" $(find "$root/opt/jre" -name '*.so'); do
  { ldd "$binary" 2>/dev/null || true; } | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' | while read -r lib; do
    copy_lib "$lib"
  done
done
for name in libdl.so.2 librt.so.1 libpthread.so.0 libgcc_s.so.1; do
  # awk reads to the end: an early exit would kill ldconfig with SIGPIPE, which pipefail reports.
  lib=$(ldconfig -p | awk -v n="$name" '$1 == n && /x86-64/ && !found { print $NF; found = 1 }')
  if [ -n "$lib" ]; then copy_lib "$lib"; fi
done

mkdir -p "$root/bin" "$root/etc" "$root/tmp"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
printf 'root:x:0:0:root:/root:/bin/sh\nshepherd:x:10001:10001:shepherd:/tmp:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nshepherd:x:10001:\n' >"$root/etc/group"

tar -C "$root" -c . | docker import -c 'ENV PATH=/opt/jre/bin:/bin' -c 'ENV JAVA_HOME=/opt/jre' - "$image" >/dev/null
echo "built $image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{ printf "%d MB", $1 / 1e6 }'))"
