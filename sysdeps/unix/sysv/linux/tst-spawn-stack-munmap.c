/* Tests that posix_spawn unmaps the helper's stack when munmap fails once.
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

/* munmap fails with ENOMEM when the kernel cannot allocate what the
   change of the address space needs (in a memory cgroup at its limit,
   or when a fault is injected), and such a failure need not recur.  A
   seccomp filter hands every munmap of more than the 64 KiB that
   posix_spawn keeps to a supervisor thread, which fails the first one of
   the spawning thread with ENOMEM and lets the others through (the
   spawned shell's among them).  A spawn whose arguments need a
   stack of its own must still leave no mapping behind.  */

#include <array_length.h>
#include <endian.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <paths.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <support/check.h>
#include <support/support.h>
#include <support/xspawn.h>
#include <support/xthread.h>
#include <support/xunistd.h>
#include <tst-spawn-autoreap-state.h>

/* The size of the stacks that posix_spawn keeps (SPAWN_STACK_CACHE_SIZE
   in spawni.c); larger ones are unmapped after each spawn.  */
#define STACK_SIZE (64 * 1024)

#if __BYTE_ORDER == __LITTLE_ENDIAN
# define ARG_LOW(n) (offsetof (struct seccomp_data, args[n]))
# define ARG_HIGH(n) (offsetof (struct seccomp_data, args[n]) + 4)
#else
# define ARG_LOW(n) (offsetof (struct seccomp_data, args[n]) + 4)
# define ARG_HIGH(n) (offsetof (struct seccomp_data, args[n]))
#endif

#if defined __NR_seccomp && defined SECCOMP_USER_NOTIF_FLAG_CONTINUE
static char *exit_argv[] =
  { (char *) "sh", (char *) "-c", (char *) "exit 0", NULL };
static char *empty_envp[] = { NULL };

static pthread_barrier_t barrier;
static int listener = -1;
/* The spawning thread, and its munmap calls the supervisor failed and
   let through.  */
static pid_t spawning_tid;
static int failed_calls, passed_calls;

/* Answer the filter's notifications until the process exits.  */
static void *
supervisor (void *closure)
{
  xpthread_barrier_wait (&barrier);
  while (true)
    {
      struct seccomp_notif req;
      memset (&req, 0, sizeof req);
      if (ioctl (listener, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0)
	{
	  /* ENOENT: the notifying thread was interrupted meanwhile.  */
	  if (errno == EINTR || errno == ENOENT)
	    continue;
	  FAIL_EXIT1 ("SECCOMP_IOCTL_NOTIF_RECV: %m");
	}
      bool spawning = req.pid == spawning_tid;
      bool fail = spawning
		  && __atomic_load_n (&failed_calls, __ATOMIC_ACQUIRE) == 0;
      struct seccomp_notif_resp resp = { .id = req.id };
      if (fail)
	resp.error = -ENOMEM;
      else
	resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
      /* A call let through may return, and the test read the count,
	 before the supervisor runs again: count it first.  A failed call
	 is counted after, since the spawning thread's next call is only
	 answered after that.  */
      if (spawning && !fail)
	__atomic_fetch_add (&passed_calls, 1, __ATOMIC_RELEASE);
      if (ioctl (listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) != 0)
	{
	  int err = errno;
	  if (spawning && !fail)
	    __atomic_fetch_sub (&passed_calls, 1, __ATOMIC_RELEASE);
	  /* The call was interrupted and will be made again.  */
	  if (err == ENOENT)
	    continue;
	  /* Linux before 5.5 cannot let the call through.  */
	  if (err == EINVAL && !fail)
	    FAIL_UNSUPPORTED ("no SECCOMP_USER_NOTIF_FLAG_CONTINUE");
	  errno = err;
	  FAIL_EXIT1 ("SECCOMP_IOCTL_NOTIF_SEND: %m");
	}
      if (fail)
	__atomic_store_n (&failed_calls, 1, __ATOMIC_RELEASE);
    }
  return NULL;
}

/* Install the filter in the calling thread and return its listener, or
   end the test as unsupported.  */
static int
install_munmap_filter (void)
{
  struct sock_filter filter[] =
    {
      BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_munmap, 0, 4),
      BPF_STMT (BPF_LD | BPF_W | BPF_ABS, ARG_HIGH (1)),
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3),
      BPF_STMT (BPF_LD | BPF_W | BPF_ABS, ARG_LOW (1)),
      BPF_JUMP (BPF_JMP | BPF_JGT | BPF_K, STACK_SIZE, 1, 0),
      BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
    };
  struct sock_fprog prog = { .len = array_length (filter), .filter = filter };
  int fd = syscall (__NR_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
  if (fd < 0 && errno == EACCES && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0)
    fd = syscall (__NR_seccomp, SECCOMP_SET_MODE_FILTER,
		  SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
  if (fd < 0)
    FAIL_UNSUPPORTED ("no seccomp user notification: %m");
  return fd;
}

/* In a subprocess, since the filter can not be removed.  */
static void
test_in_subprocess (void *closure)
{
  /* Enough arguments for a stack larger than the one posix_spawn keeps.  */
  enum { big = 8 * 1024 };
  char **big_argv = xcalloc (big + 4, sizeof (char *));
  memcpy (big_argv, exit_argv, 3 * sizeof (char *));
  for (int i = 3; i < big + 3; i++)
    big_argv[i] = (char *) "x";

  /* The supervisor must not be subject to the filter: it is created
     first.  */
  spawning_tid = gettid ();
  xpthread_barrier_init (&barrier, NULL, 2);
  pthread_t thr = xpthread_create (NULL, supervisor, NULL);
  listener = install_munmap_filter ();
  xpthread_barrier_wait (&barrier);

  unsigned long int before = mapped_bytes ();
  pid_t pid = xposix_spawn (_PATH_BSHELL, NULL, NULL, big_argv, empty_envp);
  int status;
  xwaitpid (pid, &status, 0);
  TEST_VERIFY (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  TEST_COMPARE (__atomic_load_n (&failed_calls, __ATOMIC_ACQUIRE), 1);
  TEST_VERIFY (__atomic_load_n (&passed_calls, __ATOMIC_ACQUIRE) >= 1);
  TEST_COMPARE (mapped_bytes (), before);
  xpthread_detach (thr);
  free (big_argv);
}

static int
do_test (void)
{
  isolate_in_subprocess (test_in_subprocess, NULL);
  return 0;
}
#else
static int
do_test (void)
{
  FAIL_UNSUPPORTED ("no seccomp user notification in the kernel headers");
}
#endif

#include <support/test-driver.c>
