/* State of the test process for the POSIX_SPAWN_AUTOREAP tests: its
   signal mask and mappings, and subprocesses that change it for good.
   Linux version.
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

#ifndef TST_SPAWN_AUTOREAP_STATE_H
#define TST_SPAWN_AUTOREAP_STATE_H

#include <array_length.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <support/check.h>
#include <support/test-driver.h>
#include <support/xstdio.h>
#include <support/xunistd.h>

/* Run CALLBACK (CLOSURE) in a subprocess, as
   support_isolate_in_subprocess does, but end the test as unsupported
   if the subprocess did (exit status EXIT_UNSUPPORTED) instead of
   failing it.  */
static inline void
isolate_in_subprocess (void (*callback) (void *), void *closure)
{
  pid_t pid = xfork ();
  if (pid == 0)
    {
      callback (closure);
      _exit (0);
    }
  int status;
  xwaitpid (pid, &status, 0);
  if (WIFEXITED (status) && WEXITSTATUS (status) == EXIT_UNSUPPORTED)
    FAIL_UNSUPPORTED ("subprocess %d was unsupported", (int) pid);
  if (status != 0)
    FAIL_EXIT1 ("subprocess %d: status %#x", (int) pid, status);
}

#ifdef __NR_clone3
/* Install the seccomp filter PROG in the calling process.  Without
   CAP_SYS_ADMIN that needs no_new_privs, which the children then
   inherit: return true if it had to be set.  End the test as
   unsupported if the kernel has no seccomp filters.  */
static inline bool
install_seccomp_filter (const struct sock_fprog *prog)
{
  if (prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog) == 0)
    return false;
  if (errno == EACCES && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
      && prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog) == 0)
    return true;
  FAIL_UNSUPPORTED ("can not install a seccomp filter: %m");
}

/* Make every clone3 call of the calling process (and of the children it
   forks later) fail with ERROR, as on a kernel without clone3 (ENOSYS)
   or one that rejects its flags (EINVAL, or E2BIG for a clone_args
   structure larger than it knows).  The filter can not read the
   clone_args structure, and does not check seccomp_data.arch: the tests
   make no system call of another ABI.  Return what
   install_seccomp_filter returns.  */
static inline bool
fail_clone3 (int error)
{
  struct sock_filter filter[] =
    {
      BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
      BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | error),
      BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
  struct sock_fprog prog = { .len = array_length (filter), .filter = filter };
  return install_seccomp_filter (&prog);
}
#endif

/* Store the signal mask of the calling thread in *SET.  */
static inline void
get_sigmask (sigset_t *set)
{
  TEST_COMPARE (sigprocmask (SIG_BLOCK, NULL, set), 0);
}

/* Check that the signal mask of the calling thread is *EXPECTED.  */
static inline void
compare_sigmask (const sigset_t *expected)
{
  sigset_t set;
  get_sigmask (&set);
  for (int sig = 1; sig < NSIG; sig++)
    if (sigismember (&set, sig) != sigismember (expected, sig))
      FAIL ("signal %d: blocked %d, expected %d", sig,
	    sigismember (&set, sig), sigismember (expected, sig));
}

/* Return the number of bytes mapped in the process but for the heap and
   the main thread's stack, which grow as the test runs.  The bytes are
   counted, not the mappings, which the kernel may merge.  */
static inline unsigned long int
mapped_bytes (void)
{
  FILE *f = xfopen ("/proc/self/maps", "r");
  char *line = NULL;
  size_t size = 0;
  unsigned long int bytes = 0;
  while (xgetline (&line, &size, f) > 0)
    {
      unsigned long int start, end;
      if (sscanf (line, "%lx-%lx", &start, &end) != 2)
	FAIL_EXIT1 ("unexpected line in /proc/self/maps: %s", line);
      if (strstr (line, "[heap]") == NULL && strstr (line, "[stack]") == NULL)
	bytes += end - start;
    }
  free (line);
  xfclose (f);
  return bytes;
}

#endif /* tst-spawn-autoreap-state.h */
