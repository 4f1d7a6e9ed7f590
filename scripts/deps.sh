#!/bin/sh
# Install what nameibench needs to build and run, on Debian or Ubuntu, when
# it is missing: a C compiler and make, pkg-config, liburcu, hwloc, gnuplot
# and python3.  Called by the Makefile before the first build; prints
# nothing when everything is already there.  "deps.sh fuzz" also wants
# clang and its libFuzzer runtime (make fuzz), "deps.sh bench" valgrind
# and gdb (make bench counts instructions with callgrind and reads struct
# sizes from the debug information).
set -eu

missing=""
need_pkg() { missing="$missing $1"; }

command -v cc >/dev/null 2>&1 || need_pkg gcc
command -v pkg-config >/dev/null 2>&1 || need_pkg pkg-config
if command -v pkg-config >/dev/null 2>&1; then
	pkg-config --exists liburcu-memb || need_pkg liburcu-dev
	pkg-config --exists hwloc || need_pkg libhwloc-dev
else
	need_pkg liburcu-dev
	need_pkg libhwloc-dev
fi
command -v hwloc-ls >/dev/null 2>&1 || need_pkg hwloc
command -v gnuplot >/dev/null 2>&1 || need_pkg gnuplot-nox
command -v python3 >/dev/null 2>&1 || need_pkg python3
if [ "${1:-}" = bench ]; then
	command -v valgrind >/dev/null 2>&1 || need_pkg valgrind
	command -v gdb >/dev/null 2>&1 || need_pkg gdb
fi
if [ "${1:-}" = fuzz ]; then
	command -v clang >/dev/null 2>&1 || need_pkg clang
	# libFuzzer's runtime: libclang-rt-N-dev for the installed clang N
	if ! { command -v clang >/dev/null 2>&1 &&
	       [ -e "$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a)" ]; }; then
		if command -v clang >/dev/null 2>&1; then
			v=$(clang -dumpversion | cut -d. -f1)
		else
			v=14		# Debian 12's clang
		fi
		need_pkg "libclang-rt-$v-dev"
	fi
fi

[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "nameibench: missing packages:$missing; install them (this is not a Debian system)" >&2
	exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "nameibench: missing packages:$missing; run as root or install sudo" >&2
	exit 1
fi

echo "nameibench: installing missing packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! $sudo apt-get install -y --no-install-recommends $missing >&2; then
	# a fresh machine may have no package lists yet
	$sudo apt-get update >&2
	# shellcheck disable=SC2086
	$sudo apt-get install -y --no-install-recommends $missing >&2
fi
