/* Ask the running kernel directly, with the raw clone3 system call,
   whether it has CLONE_AUTOREAP, independently of any C library support.
   Prints one line and exits with
     0  the flag works: the child exited, waitpid never saw it, and it
	left no zombie;
     2  the kernel rejected the flag with EINVAL (Linux before 7.1);
     1  anything else (a test failure).
   Built with the host's compiler; tests/t-kernel runs it on both
   kernels.  */

#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROBE_CLONE_AUTOREAP (1ULL << 34)

int
main (void)
{
  struct clone_args args;
  memset (&args, 0, sizeof args);
  args.flags = PROBE_CLONE_AUTOREAP;
  args.exit_signal = 0;

  long pid = syscall (SYS_clone3, &args, sizeof args);
  if (pid == 0)
    _exit (42);
  if (pid < 0)
    {
      if (errno == EINVAL)
	{
	  printf ("clone3 (CLONE_AUTOREAP): EINVAL, the kernel lacks it\n");
	  return 2;
	}
      printf ("clone3 (CLONE_AUTOREAP): %s\n", strerror (errno));
      return 1;
    }

  /* Until the child is gone, waitpid must say ECHILD each time.  */
  char path[64];
  snprintf (path, sizeof path, "/proc/%ld", pid);
  for (int i = 0; i < 10000; i++)
    {
      int status;
      pid_t r = waitpid (-1, &status, WNOHANG);
      if (r != -1 || errno != ECHILD)
	{
	  printf ("waitpid (-1) returned %d (errno %d): not autoreaped\n",
		  (int) r, r == -1 ? errno : 0);
	  return 1;
	}
      if (access (path, F_OK) != 0)
	{
	  printf ("clone3 (CLONE_AUTOREAP): child %ld reaped by the kernel,"
		  " never seen by waitpid\n", pid);
	  return 0;
	}
      struct timespec ts = { 0, 1000 * 1000 };
      nanosleep (&ts, NULL);
    }
  printf ("child %ld still exists after 10 s\n", pid);
  return 1;
}
