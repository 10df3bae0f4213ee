/* posix_spawn with POSIX_SPAWN_AUTOREAP and the other attributes.
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


/* The other spawn attributes and the file actions still take effect
   with POSIX_SPAWN_AUTOREAP: the signal mask, the default signals, the
   session or the process group, the scheduling policy, the working
   directory, closefrom, and POSIX_SPAWN_RESETIDS.  The child reports
   what it sees on a pipe.  POSIX_SPAWN_SETCGROUP is checked by
   tst-spawn-cgroup-autoreap.  */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <support/check.h>
#include <support/support.h>
#include <support/temp_file.h>
#include <support/xsignal.h>
#include <support/xunistd.h>
#include <tst-spawn-autoreap.h>
#include <tst-spawn-autoreap-spawn.h>
#include <tst-spawn-autoreap-state.h>

/* Nonzero if the program gets called via `exec'.  */
static int restart;

#define CMDLINE_OPTIONS \
  { "restart", no_argument, &restart, 1 },

/* The attributes, with POSIX_SPAWN_SETSID or else POSIX_SPAWN_SETPGROUP
   and POSIX_SPAWN_SETSCHEDULER.  */
static void
do_test_combined (void)
{
  printf ("info: combined with other attributes\n");

  char *tmpdir = support_create_temp_directory ("tst-spawn-autoreap-");
  char *cwd = realpath (tmpdir, NULL);
  TEST_VERIFY_EXIT (cwd != NULL);

  /* SIGUSR2 is ignored in the parent; POSIX_SPAWN_SETSIGDEF resets it.  */
  struct sigaction sa = { .sa_handler = SIG_IGN }, oldsa;
  xsigaction (SIGUSR2, &sa, &oldsa);

  /* A descriptor without O_CLOEXEC, which closefrom closes.  */
  int extra = xopen ("/dev/null", O_RDONLY, 0);
  char extra_str[16];
  snprintf (extra_str, sizeof (extra_str), "%d", extra);

  pid_t sid = getsid (0);
  pid_t pgid = getpgid (0);

  /* POSIX_SPAWN_SETSCHEDULER takes only the POSIX policies, and the
     real-time ones need privileges: so the test process runs with
     SCHED_BATCH, which any process may choose, and the child is set back
     to SCHED_OTHER.  */
  struct sched_param param = { 0 };
  TEST_COMPARE (sched_setscheduler (0, SCHED_BATCH, &param), 0);
  int policy_set = SCHED_OTHER;

  for (int setsid = 1; setsid >= 0; setsid--)
    {
      posix_spawnattr_t attr;
      TEST_COMPARE (posix_spawnattr_init (&attr), 0);
      sigset_t set;
      sigemptyset (&set);
      sigaddset (&set, SIGUSR1);
      TEST_COMPARE (posix_spawnattr_setsigmask (&attr, &set), 0);
      sigemptyset (&set);
      sigaddset (&set, SIGUSR2);
      TEST_COMPARE (posix_spawnattr_setsigdefault (&attr, &set), 0);
      TEST_COMPARE (posix_spawnattr_setpgroup (&attr, 0), 0);
      TEST_COMPARE (posix_spawnattr_setschedpolicy (&attr, policy_set), 0);
      TEST_COMPARE (posix_spawnattr_setschedparam (&attr, &param), 0);
      short int flags = POSIX_SPAWN_AUTOREAP | POSIX_SPAWN_SETSIGMASK
			| POSIX_SPAWN_SETSIGDEF
			| (setsid ? POSIX_SPAWN_SETSID
			   : POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_USEVFORK
			     | POSIX_SPAWN_SETSCHEDULER);
      pid_t pid;
      char *report = spawn_output (&pid, flags, &attr, tmpdir, "report",
				   extra_str);
      TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
      printf ("info: %s report: %s", setsid ? "setsid" : "setpgroup",
	      report);

      int cpid, csid, cpgid, usr1, usr2_dfl, extra_open, policy;
      char ccwd[PATH_MAX];
      TEST_COMPARE (sscanf (report,
			    "pid=%d sid=%d pgid=%d usr1=%d usr2_dfl=%d "
			    "extra=%d policy=%d cwd=%4095s", &cpid, &csid,
			    &cpgid, &usr1, &usr2_dfl, &extra_open, &policy,
			    ccwd), 8);
      TEST_COMPARE (cpid, pid);
      if (setsid)
	{
	  TEST_COMPARE (csid, cpid);
	  TEST_COMPARE (cpgid, cpid);
	}
      else
	{
	  TEST_COMPARE (csid, sid);
	  TEST_COMPARE (cpgid, cpid);
	  TEST_VERIFY (cpgid != pgid);
	}
      TEST_COMPARE (usr1, 1);
      TEST_COMPARE (usr2_dfl, 1);
      TEST_COMPARE (extra_open, 0);
      TEST_COMPARE (policy, setsid ? sched_getscheduler (0) : policy_set);
      TEST_COMPARE_STRING (ccwd, cwd);
      wait_released (pid);
    }

  wait_no_children ();
  xclose (extra);
  xsigaction (SIGUSR2, &oldsa, NULL);
  free (cwd);
  free (tmpdir);
}

/* POSIX_SPAWN_RESETIDS: with the effective user ID switched to nobody,
   the child gets back the real user ID as its effective one.  Runs in a
   subprocess, which changes its IDs (see do_test_resetids).  */
static void
do_test_resetids_subprocess (void *closure)
{
  uid_t uid = getuid ();
  uid_t euid = *(uid_t *) closure;
  /* User 65534 may not exist in a user namespace, nor be allowed to
     execute the test program.  */
  if (seteuid (euid) != 0)
    {
      printf ("info: seteuid (%d): %m, not checked\n", (int) euid);
      return;
    }
  if (faccessat (AT_FDCWD, restart_argv[0], X_OK, AT_EACCESS) != 0)
    {
      printf ("info: %s not executable as user %d (%m), not checked\n",
	      restart_argv[0], (int) euid);
      return;
    }

  for (int resetids = 0; resetids <= 1; resetids++)
    {
      pid_t pid;
      char *report = spawn_output (&pid, POSIX_SPAWN_AUTOREAP
				   | (resetids ? POSIX_SPAWN_RESETIDS : 0),
				   NULL, NULL, "ids", NULL);
      printf ("info: %s: %s", resetids ? "RESETIDS" : "no RESETIDS", report);

      int child_euid = -1;
      TEST_COMPARE (sscanf (report, "euid=%d", &child_euid), 1);
      TEST_COMPARE (child_euid, resetids ? uid : euid);
      wait_released (pid);
    }
  wait_no_children ();
}

static void
do_test_resetids (void)
{
  printf ("info: combined with POSIX_SPAWN_RESETIDS\n");
  /* Without privileges the effective user ID cannot differ from the
     real one: then only check that the flags work together.  */
  uid_t euid = getuid () == 0 ? 65534 : geteuid ();
  isolate_in_subprocess (do_test_resetids_subprocess, &euid);
}

/* Re-executed child: report the process attributes on standard output.
   EXTRA is a descriptor which is expected to be closed.  */
static int
handle_report (const char *extra)
{
  sigset_t set;
  sigprocmask (SIG_BLOCK, NULL, &set);
  struct sigaction sa;
  sigaction (SIGUSR2, NULL, &sa);
  char *cwd = getcwd (NULL, 0);
  printf ("pid=%d sid=%d pgid=%d usr1=%d usr2_dfl=%d extra=%d policy=%d "
	  "cwd=%s\n",
	  (int) getpid (), (int) getsid (0), (int) getpgid (0),
	  sigismember (&set, SIGUSR1), sa.sa_handler == SIG_DFL,
	  fcntl (atoi (extra), F_GETFD) != -1, sched_getscheduler (0), cwd);
  free (cwd);
  return 0;
}

static int
do_test (int argc, char *argv[])
{
  /* Called through re-execution: "report EXTRA" or "ids".  */
  if (restart)
    {
      if (argc == 3 && strcmp (argv[1], "report") == 0)
	return handle_report (argv[2]);
      TEST_VERIFY_EXIT (argc == 2 && strcmp (argv[1], "ids") == 0);
      printf ("euid=%d\n", (int) geteuid ());
      return 0;
    }

  set_restart_argv (argc, argv);
  require_autoreap ();

  do_test_combined ();
  do_test_resetids ();

  return 0;
}

#define TEST_FUNCTION_ARGV do_test
#include <support/test-driver.c>
