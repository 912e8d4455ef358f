#!/bin/sh
# Installs what the build needs on a Debian machine (zlib's and libcurl's headers and link
# libraries, pkg-config, which SwiftPM finds both with, and RE2's headers and static library
# for Go's regular expressions), and nothing else: a no-op when they
# are there, and never an upgrade. A -dev package is asked for at the version of the library
# already installed, since the newest one would pull an upgrade of the library (and of curl,
# which needs that exact version) into a `make run`.
set -eu

missing=""
[ -f /usr/include/zlib.h ] || missing="zlib1g-dev"
libcurl=$(ls /usr/lib/*/libcurl.so /usr/lib/libcurl.so /usr/lib64/libcurl.so 2>/dev/null || true)
if [ -z "$libcurl" ] || { command -v pkg-config >/dev/null 2>&1 && ! pkg-config --exists libcurl 2>/dev/null; }; then
  missing="$missing libcurl4-openssl-dev"
fi
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
libre2=$(ls /usr/lib/*/libre2.a /usr/lib/libre2.a /usr/lib64/libre2.a 2>/dev/null || true)
{ [ -n "$libre2" ] && [ -f /usr/include/re2/re2.h ]; } || missing="$missing libre2-dev"
[ -n "$missing" ] || exit 0

if [ "$(id -u)" != 0 ]; then
  echo "missing: sudo apt-get install -y$missing" >&2
  exit 1
fi

# The installed version of the first of these packages that is installed.
installed_version() {
  for package in "$@"; do
    status=$(dpkg-query -W -f '${Status}|${Version}' "$package" 2>/dev/null || true)
    case "$status" in "install ok installed|"*) echo "${status#*|}"; return ;; esac
  done
}

packages=""
for package in $missing; do
  case "$package" in
    zlib1g-dev) version=$(installed_version zlib1g) ;;
    libcurl4-openssl-dev) version=$(installed_version libcurl4t64 libcurl4) ;;
    libre2-dev) version=$(installed_version libre2-9 libre2-10 libre2-11) ;;
    *) version="" ;;
  esac
  packages="$packages $package${version:+=$version}"
done

apt-get update -qq
# shellcheck disable=SC2086
if ! apt-get install -y -qq --no-upgrade --no-install-recommends $packages; then
  echo "could not install$packages without upgrading what is installed; to take the newest versions (an upgrade): apt-get install -y$missing" >&2
  exit 1
fi
