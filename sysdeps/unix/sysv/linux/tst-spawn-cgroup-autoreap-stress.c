/* Stress test for posix_spawn cgroup extension with POSIX_SPAWN_AUTOREAP.
   Copyright The GNU Toolchain Authors.
   This file is part of the GNU C Library.

   The GNU C Library is free software; you can redistribute it and/or
   modify it under the terms of the GNU Lesser General Public
   License as published by the Free Software Foundation; either
   version 2.1 of the License, or (at your option) any later version.

   The GNU C Library is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
   Lesser General Public License for more details.

   You should have received a copy of the GNU Lesser General Public
   License along with the GNU C Library; if not, see
   <https://www.gnu.org/licenses/>.  */

/* tst-spawn-cgroup-autoreap with 300 failed spawns into the cgroup,
   each leaving it removable at once.  */
#define EXEC_FAILURES 300
#define CGROUP_TEST "test-spawn-cgroup-autoreap-stress"
#include "tst-spawn-cgroup-autoreap.c"
