/* Set the autoreap attribute of a posix_spawn attribute object.
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

#include <errno.h>
#include <spawn.h>

/* Request (AUTOREAP is 1) or cancel (AUTOREAP is 0) that the process
   created with attribute object ATTR is reaped by the kernel when it
   terminates.  This is the POSIX_SPAWN_AUTOREAP bit of the flag word.  */
int
posix_spawnattr_setautoreap (posix_spawnattr_t *attr, int autoreap)
{
  switch (autoreap)
    {
    case 0:
      attr->__flags &= ~POSIX_SPAWN_AUTOREAP;
      return 0;
    case 1:
      attr->__flags |= POSIX_SPAWN_AUTOREAP;
      return 0;
    default:
      return EINVAL;
    }
}
