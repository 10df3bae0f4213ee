/* Get the autoreap attribute of a posix_spawn attribute object.
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

#include <spawn.h>

/* Store in *AUTOREAP 1 if the process created with attribute object
   ATTR is reaped by the kernel when it terminates, 0 otherwise.  */
int
posix_spawnattr_getautoreap (const posix_spawnattr_t *attr, int *autoreap)
{
  *autoreap = (attr->__flags & POSIX_SPAWN_AUTOREAP) != 0;

  return 0;
}
