# Build glibc 2.43 from Debian's source with POSIX_SPAWN_AUTOREAP applied,
# and show and test it on the host kernel and on Linux 7.x in a QEMU VM.
#
#   make            fetch, build, and run the demo in the Linux 7.x VM
#   make check      glibc's posix tests on the host, the process-creating
#                   ones in the VM, then the project's tests (what CI runs)
#   make check-quick   the spawn and autoreap tests on both kernels and
#                   the project's tests
#   make check-full    glibc's posix tests on both kernels and the project's
#   make check-one T=posix/tst-spawn-autoreap K=vm   one glibc test (K=host|vm)
#   make refresh    write edits made in build/src/glibc-2.43 back here
#   make dist       write the patches for upstream and Debian into dist/
#   make check-series  build glibc after each commit of dist/series (slow)
#   make bench      benchmark the ways to start an unwaited child (in the VM)
#   make check-kernel  build Linux 7.2 with the kernel fix (linux/), run its
#                   selftest and the glibc tests on it and on Debian's 7.2 (slow)
#   make check-ports   build for i686, aarch64 and hppa: ABI lists, headers,
#                   i686's spawn tests on both kernels (slow)
#   make check-faults  fail each of the kernel's allocations for a spawn in
#                   turn on check-kernel's Linux 7.2, and soak 1,000,000
#                   children (slow)
#   make check-glib GLib 2.74.6 with callers/glib: its spawn tests on
#                   three kernels, the way taken, waitpid (-1), the
#                   measurement against the double fork (slow)
#   make check-deb  Debian's glibc built with dist/debian in a sid root,
#                   installed in a copy of it and used there on the host
#                   kernel and on Linux 7.2 (slow)
#
# See README.md.

# CURDIR has the symlinks resolved: the VM sees physical paths only.
top := $(CURDIR)
b := $(top)/build
src := $(b)/src/glibc-2.43
obj := $(b)/obj
sysroot := $(b)/sysroot
JOBS ?= $(shell nproc)
stage := $(top)/tests/lib/stage
# Debian's glibc tarball has no manual (a GFDL matter): never build the
# info manual, as Debian's own packaging does.
glibc-make := $(MAKE) -C $(obj) MAKEINFO=:
# Tells tests/lib/stage's records of this make run from earlier ones.
export STAGE_RUN := $(shell date +%s)-$(shell echo $$$$)

.PHONY: all demo fetch src build install vm check check-quick check-full \
	check-one refresh dist check-series bench clean distclean

all: demo

$(b)/config.status: configure
	./configure

# Downloads are cached in build/dl; the tree is only unpacked once.
src fetch: $(b)/config.status
	@$(stage) fetch "fetch glibc-source from Debian sid, apply the project" \
	  "about 1 min the first time" tests/fetch/glibc
	@grep -h '^fetch-glibc:\|^apply-project:' $(b)/logs/fetch.log | sed 's/^/    /'

$(obj)/config.status:
	@mkdir -p $(obj)
	@$(stage) configure "configure glibc (--prefix=/usr)" "about 1 min" \
	  sh -c 'cd $(obj) && $(src)/configure --prefix=/usr --disable-werror MAKEINFO=:'

build: src $(obj)/config.status
	@$(stage) build "build glibc" \
	  "6 to 22 min from scratch on 2 cores, seconds when up to date" \
	  $(glibc-make) -j$(JOBS)

install: build
	@$(stage) install "install glibc into build/sysroot" "about 2 min" \
	  tests/build/install-sysroot $(obj) $(src) $(sysroot)
	@tests/build/install-man $(sysroot)

vm: $(b)/config.status
	@$(stage) vm "fetch Linux 7.x from Debian sid and QEMU 10 from bookworm-backports, make the VM image" \
	  "about 1 min the first time" sh -c 'tests/vm/mkimage && tests/fetch/qemu'
	@grep -h 'kernel\|qemu' $(b)/logs/vm.log | sed 's/^/    /'

demo: install vm
	@echo "==> demo: POSIX_SPAWN_AUTOREAP in the Linux 7.x VM (boots it, about 15 s)"
	@tests/build/cc -o $(b)/demo tests/demo/demo.c
	@tests/vm/run-in-vm $(b)/demo

check: install vm
	@tests/check/run ci

check-quick: install vm
	@tests/check/run quick

check-full: install vm
	@tests/check/run full

K ?= vm
check-one: install vm
	@test -n "$(T)" || { echo "usage: make check-one T=SUBDIR/TEST [K=host|vm]" >&2; exit 2; }
	@tests/check/one $(K) $(T)

# The benchmark: 6 to 12 min under TCG on a quiet host, most of it the
# soak, then 4 to 5.5 min again under -icount (docs/bench.md).
# BENCH_ARGS=-s is the smoke run; -k 1000000 soaks a million children.
bench: install vm
	@tests/bench/run $(BENCH_ARGS)

refresh:
	tests/build/refresh-project $(src)

# The hand-over: patch series, combined patch, Debian quilt patch, the
# man-pages series, and the patches for callers (GLib) with their
# merge-request texts (dist/).
dist: src
	tests/dist/make-dist
	tests/kernel/make-dist
	tests/manpages/series
	rm -rf dist/callers
	mkdir -p dist
	cp -R callers dist/callers

# Too slow for make check: a full glibc build in build/series-check, then
# an incremental one after each commit of the series (25 to 40 min,
# docs/handover.md).
check-series: dist
	@tests/dist/check-series

# Too slow for make check: Linux 7.2 built with linux/*.diff (about 20 min
# the first time), its pidfd selftest and our glibc tests on it and on
# Debian's 7.2 in the VM (tests/kernel/check).
.PHONY: check-kernel
check-kernel: install vm
	@tests/kernel/check

# Too slow for make check: on the Linux 7.2 that check-kernel builds
# (fault injection is in its configuration), each of the kernel's slab
# and page allocations for a spawn failed in turn, then a soak of
# 1,000,000 automatically reaped children (tests/faults/run).
.PHONY: check-faults
check-faults: install vm
	@tests/faults/run

# Too slow for make check: GLib 2.74.6 built as released and with
# callers/glib, against build/sysroot, its spawning tests on the
# host, Debian's 7.2 and the fixed 7.2, and what AUTOREAP buys it
# (tests/glib/run).
.PHONY: check-glib
check-glib: install vm
	@tests/glib/run

# Too slow for make check: Debian's glibc source package with dist/debian,
# built with dpkg-buildpackage in a sid root made with mmdebstrap
# (build/deb), its packages installed into a copy of that root and used
# there on the host kernel and in the VM (tests/deb/run).
.PHONY: check-deb
check-deb: dist vm
	@tests/deb/run

# Too slow for make check: glibc for i686, aarch64 and hppa with Debian
# 12's cross compilers, in build/ports (tests/ports/run).
.PHONY: check-ports
check-ports: src vm
	@JOBS=$(JOBS) tests/ports/run

clean:
	rm -rf $(obj) $(sysroot) $(b)/results $(b)/logs $(b)/ports

distclean:
	rm -rf $(b)
