/* Tests for posix_spawnattr_setautoreap and posix_spawnattr_getautoreap.
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
#include <limits.h>
#include <spawn.h>
#include <support/check.h>

/* Return the autoreap attribute of ATTR.  */
static int
get_autoreap (const posix_spawnattr_t *attr)
{
  int autoreap = -1;
  TEST_COMPARE (posix_spawnattr_getautoreap (attr, &autoreap), 0);
  TEST_VERIFY (autoreap == 0 || autoreap == 1);
  return autoreap;
}

/* Return the flag word of ATTR.  */
static short int
get_flags (const posix_spawnattr_t *attr)
{
  short int flags = -1;
  TEST_COMPARE (posix_spawnattr_getflags (attr, &flags), 0);
  return flags;
}

static int
do_test (void)
{
  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);

  /* The default is an ordinary child.  */
  TEST_COMPARE (get_autoreap (&attr), 0);
  TEST_COMPARE (get_flags (&attr), 0);

  /* The function sets the POSIX_SPAWN_AUTOREAP flag and nothing else.  */
  TEST_COMPARE (posix_spawnattr_setautoreap (&attr, 1), 0);
  TEST_COMPARE (get_autoreap (&attr), 1);
  TEST_COMPARE (get_flags (&attr), POSIX_SPAWN_AUTOREAP);

  /* Setting it twice is harmless.  */
  TEST_COMPARE (posix_spawnattr_setautoreap (&attr, 1), 0);
  TEST_COMPARE (get_flags (&attr), POSIX_SPAWN_AUTOREAP);

  /* Other flags are kept when the attribute is set or cleared.  */
  TEST_COMPARE (posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETSID
					  | POSIX_SPAWN_SETPGROUP), 0);
  TEST_COMPARE (get_autoreap (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setautoreap (&attr, 1), 0);
  TEST_COMPARE (get_flags (&attr), POSIX_SPAWN_SETSID | POSIX_SPAWN_SETPGROUP
				   | POSIX_SPAWN_AUTOREAP);
  TEST_COMPARE (posix_spawnattr_setautoreap (&attr, 0), 0);
  TEST_COMPARE (get_autoreap (&attr), 0);
  TEST_COMPARE (get_flags (&attr), POSIX_SPAWN_SETSID | POSIX_SPAWN_SETPGROUP);

  /* The flag set through posix_spawnattr_setflags is seen by
     posix_spawnattr_getautoreap.  */
  TEST_COMPARE (posix_spawnattr_setflags (&attr, POSIX_SPAWN_AUTOREAP
					  | POSIX_SPAWN_SETSIGMASK), 0);
  TEST_COMPARE (get_autoreap (&attr), 1);
  TEST_COMPARE (get_flags (&attr), POSIX_SPAWN_AUTOREAP
				   | POSIX_SPAWN_SETSIGMASK);
  TEST_COMPARE (posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETSIGMASK), 0);
  TEST_COMPARE (get_autoreap (&attr), 0);

  /* Values other than 0 and 1 are rejected and change nothing, whatever
     the current state.  */
  static const int invalid[] = { -1, 2, 3, 0x200, INT_MIN, INT_MAX };
  for (int state = 0; state <= 1; state++)
    {
      short int flags = POSIX_SPAWN_SETSIGDEF
			| (state ? POSIX_SPAWN_AUTOREAP : 0);
      TEST_COMPARE (posix_spawnattr_setflags (&attr, flags), 0);
      for (size_t i = 0; i < sizeof (invalid) / sizeof (invalid[0]); i++)
	{
	  TEST_COMPARE (posix_spawnattr_setautoreap (&attr, invalid[i]),
			EINVAL);
	  TEST_COMPARE (get_autoreap (&attr), state);
	  TEST_COMPARE (get_flags (&attr), flags);
	}
    }

  /* POSIX_SPAWN_AUTOREAP is a valid flag on its own.  */
  TEST_COMPARE (posix_spawnattr_setflags (&attr, POSIX_SPAWN_AUTOREAP), 0);
  TEST_COMPARE (get_autoreap (&attr), 1);

  /* The next bit is still rejected, and the flag word is unchanged.  */
  TEST_COMPARE (posix_spawnattr_setflags (&attr, POSIX_SPAWN_AUTOREAP << 1),
		EINVAL);
  TEST_COMPARE (get_flags (&attr), POSIX_SPAWN_AUTOREAP);

  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
  return 0;
}

#include <support/test-driver.c>
