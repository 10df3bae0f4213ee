/* What wait sees of an autoreaped child after it exec'd, through the
   glibc API (pidfd_spawn with POSIX_SPAWN_AUTOREAP), on the kernel the
   harness booted:

     patched   Linux 7.2 with the diffs in linux/ (tests/kernel/build): no wait
               function without __WALL or __WCLONE sees the child at all,
               neither from its parent nor from a subreaper that
               inherits it: ECHILD at once while it runs.  __WALL and
               __WCLONE see it as a running clone child.
     stock     Debian's 7.2: today's behaviour.  The exec'd child is an
               ordinary running child: WNOHANG waits return 0, a blocking
               wait sleeps until it exits (here: until an alarm), then
               gives ECHILD; __WCLONE does not see it, __WALL does.

   On both, no wait function ever returns the child, it leaves no
   zombie, and its pidfd reports its exit status.  The child is
   /bin/cat reading a pipe that the test holds, so it runs until the
   test closes the pipe.

   usage: autoreap-exec patched|stock
   Prints one "PASS: name" or "FAIL: name" line per case; exits 1 on a
   failure.  */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static bool patched;
static const char *where;	/* "parent" or "subreaper" */
static int failures;		/* in the current case */
static int failed_cases;

static void
fail (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  printf ("  %s: ", where);
  vprintf (fmt, ap);
  putchar ('\n');
  va_end (ap);
  failures++;
}

static void
on_alarm (int sig)
{
}

/* A blocking wait call bounded by an alarm of SECS seconds: EINTR
   when it would have slept longer.  */
#define BOUNDED(secs, call)						\
  ({									\
    struct sigaction sa_ = { .sa_handler = on_alarm }, old_;		\
    sigaction (SIGALRM, &sa_, &old_);					\
    alarm (secs);							\
    __typeof__ (call) r_ = (call);					\
    int e_ = errno;							\
    alarm (0);								\
    sigaction (SIGALRM, &old_, NULL);					\
    errno = e_;								\
    r_;									\
  })

/* Expect CALL to fail with ERR.  */
static void
expect_err (const char *what, long ret, int err)
{
  int e = errno;
  if (ret != -1 || e != err)
    fail ("%s: %ld (%s), expected -1 (%s)", what, ret,
          ret == -1 ? strerror (e) : "no error", strerror (err));
}

/* Expect CALL to return 0: a running child that is not ready.  */
static void
expect_zero (const char *what, long ret)
{
  int e = errno;
  if (ret != 0)
    fail ("%s: %ld (%s), expected 0 (a running child)", what, ret,
          ret == -1 ? strerror (e) : "returned a child");
}

/* waitid with WNOHANG: 0 with si_pid 0 means "running, not ready".  */
static long
waitid_nohang (idtype_t type, id_t id, int extra)
{
  siginfo_t si = { 0 };
  int r = waitid (type, id, &si, WEXITED | WNOHANG | extra);
  if (r == 0 && si.si_pid != 0)
    return si.si_pid;
  return r;
}

static bool
running (int pidfd)
{
  struct pollfd p = { .fd = pidfd, .events = POLLIN };
  return poll (&p, 1, 0) == 0;
}

/* Every wait function, on the exec'd autoreaped child PID (PIDFD) while
   it runs, and nothing else to wait for.  */
static void
check_running (pid_t pid, int pidfd)
{
  int st;
  char what[80];

  if (!running (pidfd))
    {
      fail ("the child is not running");
      return;
    }

  if (patched)
    {
      expect_err ("waitpid (-1, WNOHANG)", waitpid (-1, &st, WNOHANG), ECHILD);
      expect_err ("waitpid (PID, WNOHANG)", waitpid (pid, &st, WNOHANG), ECHILD);
      expect_err ("waitpid (-PGRP, WNOHANG)",
                  waitpid (-getpgid (pid), &st, WNOHANG), ECHILD);
      expect_err ("waitid (P_ALL, WNOHANG)", waitid_nohang (P_ALL, 0, 0), ECHILD);
      expect_err ("waitid (P_PID, WNOHANG)", waitid_nohang (P_PID, pid, 0), ECHILD);
      expect_err ("waitid (P_PIDFD, WNOHANG)",
                  waitid_nohang (P_PIDFD, pidfd, 0), ECHILD);
      expect_err ("wait3 (WNOHANG)", wait3 (&st, WNOHANG, NULL), ECHILD);
      expect_err ("wait4 (PID, WNOHANG)", wait4 (pid, &st, WNOHANG, NULL), ECHILD);
      /* Blocking: ECHILD at once, not EINTR from the alarm.  */
      expect_err ("wait ()", BOUNDED (5, wait (&st)), ECHILD);
      expect_err ("waitpid (-1, 0)", BOUNDED (5, waitpid (-1, &st, 0)), ECHILD);
      expect_err ("waitpid (PID, 0)", BOUNDED (5, waitpid (pid, &st, 0)), ECHILD);
      {
        siginfo_t si;
        expect_err ("waitid (P_ALL, WEXITED)",
                    BOUNDED (5, waitid (P_ALL, 0, &si, WEXITED)), ECHILD);
        expect_err ("waitid (P_PIDFD, WEXITED)",
                    BOUNDED (5, waitid (P_PIDFD, pidfd, &si, WEXITED)), ECHILD);
      }
      expect_err ("wait4 (-1, 0)", BOUNDED (5, wait4 (-1, &st, 0, NULL)), ECHILD);
      /* The explicit requests for clone children still see it.  */
      expect_zero ("waitpid (-1, WNOHANG | __WCLONE)",
                   waitpid (-1, &st, WNOHANG | __WCLONE));
    }
  else
    {
      expect_zero ("waitpid (-1, WNOHANG)", waitpid (-1, &st, WNOHANG));
      expect_zero ("waitpid (PID, WNOHANG)", waitpid (pid, &st, WNOHANG));
      expect_zero ("waitid (P_ALL, WNOHANG)", waitid_nohang (P_ALL, 0, 0));
      expect_zero ("waitid (P_PIDFD, WNOHANG)", waitid_nohang (P_PIDFD, pidfd, 0));
      expect_zero ("wait3 (WNOHANG)", wait3 (&st, WNOHANG, NULL));
      /* Blocking: sleeps while the child runs, until the alarm.  */
      expect_err ("wait () while it runs", BOUNDED (1, wait (&st)), EINTR);
      expect_err ("waitpid (-1, 0) while it runs",
                  BOUNDED (1, waitpid (-1, &st, 0)), EINTR);
      expect_err ("waitpid (-1, WNOHANG | __WCLONE)",
                  waitpid (-1, &st, WNOHANG | __WCLONE), ECHILD);
    }
  expect_zero ("waitpid (-1, WNOHANG | __WALL)",
               waitpid (-1, &st, WNOHANG | __WALL));
  snprintf (what, sizeof what, "child %d still running after the waits", pid);
  if (!running (pidfd))
    fail ("%s", what);
}

/* End the child by closing its input, then: no wait function returns
   it, no zombie, and the pidfd has exit status 0.  */
static void
check_exit (pid_t pid, int pidfd, int input)
{
  int st;
  struct pollfd p = { .fd = pidfd, .events = POLLIN };

  close (input);
  if (patched)
    /* Nothing to wait for, even while the child exits.  */
    expect_err ("wait () while it exits", BOUNDED (5, wait (&st)), ECHILD);
  else
    /* Today: wait sleeps until the child has exited, then ECHILD.  */
    expect_err ("wait () until it exits", BOUNDED (30, wait (&st)), ECHILD);

  if (poll (&p, 1, 30000) != 1)
    {
      fail ("the pidfd did not poll readable");
      return;
    }
  /* The status is recorded when the child is released, a moment after
     the pidfd polls readable; in between the ioctl may also give ESRCH.  */
  struct pidfd_info info = { 0 };
  for (int i = 0; i < 500; i++)
    {
      info.mask = PIDFD_INFO_EXIT;
      int r = ioctl (pidfd, PIDFD_GET_INFO, &info);
      if ((r == 0 && (info.mask & PIDFD_INFO_EXIT))
          || (r != 0 && errno != ESRCH))
        break;
      usleep (10000);
    }
  if (!(info.mask & PIDFD_INFO_EXIT))
    fail ("PIDFD_GET_INFO: no exit status");
  else if (!WIFEXITED (info.exit_code) || WEXITSTATUS (info.exit_code) != 0)
    fail ("PIDFD_GET_INFO: status %#x, expected exit 0", info.exit_code);
  expect_err ("waitpid (PID, WNOHANG | __WALL) after exit",
              waitpid (pid, &st, WNOHANG | __WALL), ECHILD);
  expect_err ("waitid (P_PIDFD, WEXITED | __WALL) after exit",
              waitid_nohang (P_PIDFD, pidfd, __WALL), ECHILD);
  /* Gone, once its release has finished.  */
  int i;
  for (i = 0; i < 500 && kill (pid, 0) == 0; i++)
    usleep (10000);
  if (i == 500)
    fail ("process %d still exists after 5 s (a zombie?)", pid);
}

/* pidfd_spawn /bin/cat with POSIX_SPAWN_AUTOREAP, its input a pipe
   whose write end goes to *INPUT.  Returns the pidfd, -1 on failure.  */
static int
spawn_cat (pid_t *pid, int *input)
{
  int fds[2], pidfd, err;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t fa;
  char *argv[] = { (char *) "cat", NULL };

  if (pipe2 (fds, O_CLOEXEC) != 0)
    return -1;
  posix_spawnattr_init (&attr);
  posix_spawnattr_setautoreap (&attr, 1);
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_adddup2 (&fa, fds[0], 0);
  posix_spawn_file_actions_addopen (&fa, 1, "/dev/null", O_WRONLY, 0);
  err = pidfd_spawn (&pidfd, "/bin/cat", &fa, &attr, argv, environ);
  posix_spawn_file_actions_destroy (&fa);
  posix_spawnattr_destroy (&attr);
  close (fds[0]);
  if (err != 0)
    {
      close (fds[1]);
      errno = err;
      return -1;
    }
  *pid = pidfd_getpid (pidfd);
  *input = fds[1];
  return pidfd;
}

static void
report (const char *name)
{
  printf ("%s: kernel-exec-wait %s (%s kernel)\n",
          failures ? "FAIL" : "PASS", name, patched ? "patched" : "stock");
  if (failures)
    failed_cases++;
  failures = 0;
  fflush (stdout);
}

/* posix_spawn returns once the child has exec'd.  */
static void
case_parent (void)
{
  pid_t pid;
  int input, pidfd;

  where = "parent";
  pidfd = spawn_cat (&pid, &input);
  if (pidfd < 0)
    fail ("pidfd_spawn with POSIX_SPAWN_AUTOREAP: %m");
  else
    {
      check_running (pid, pidfd);
      check_exit (pid, pidfd, input);
      close (pidfd);
    }
  report ("exec'd autoreaped child, seen by its parent");
}

/* A middle process spawns the child and exits; we, a subreaper,
   inherit it.  */
static void
case_subreaper (void)
{
  int ctl[2], input = -1, st;
  pid_t mid, pid = 0;
  struct msghdr msg = { 0 };

  where = "subreaper";
  if (prctl (PR_SET_CHILD_SUBREAPER, 1) != 0
      || socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ctl) != 0)
    {
      fail ("set-up: %m");
      report ("exec'd autoreaped child, inherited by a subreaper");
      return;
    }
  mid = fork ();
  if (mid == 0)
    {
      /* Pass the child's pid and its input pipe, then exit.  */
      pid_t child = 0;
      int in = -1, fd = spawn_cat (&child, &in);
      char cbuf[CMSG_SPACE (sizeof (int))] = { 0 };
      struct iovec iov = { .iov_base = &child, .iov_len = sizeof child };
      struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = cbuf, .msg_controllen = sizeof cbuf };
      struct cmsghdr *c = CMSG_FIRSTHDR (&m);
      if (fd < 0)
        child = -errno;
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (c), &in, sizeof (int));
      if (fd < 0)
        m.msg_controllen = 0;
      _exit (sendmsg (ctl[1], &m, 0) == sizeof child ? 0 : 1);
    }
  close (ctl[1]);

  char cbuf[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = &pid, .iov_len = sizeof pid };
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = cbuf;
  msg.msg_controllen = sizeof cbuf;
  if (mid < 0 || recvmsg (ctl[0], &msg, 0) != sizeof pid || pid <= 0)
    fail ("the middle process could not spawn the child (%d)", (int) pid);
  else
    {
      struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
      if (c != NULL && c->cmsg_type == SCM_RIGHTS)
        memcpy (&input, CMSG_DATA (c), sizeof (int));
    }
  close (ctl[0]);
  if (mid > 0 && waitpid (mid, &st, 0) != mid)
    fail ("waitpid (middle process): %m");
  if (pid > 0 && input >= 0)
    {
      int pidfd = pidfd_open (pid, 0);
      if (pidfd < 0)
        fail ("pidfd_open (%d): %m", pid);
      else if (running (pidfd))
        {
          check_running (pid, pidfd);
          check_exit (pid, pidfd, input);
          close (pidfd);
        }
      else
        fail ("the inherited child is not running");
    }
  prctl (PR_SET_CHILD_SUBREAPER, 0);
  report ("exec'd autoreaped child, inherited by a subreaper");
}

int
main (int argc, char **argv)
{
  if (argc != 2
      || (strcmp (argv[1], "patched") != 0 && strcmp (argv[1], "stock") != 0))
    {
      fprintf (stderr, "usage: %s patched|stock\n", argv[0]);
      return 2;
    }
  patched = strcmp (argv[1], "patched") == 0;
  case_parent ();
  case_subreaper ();
  return failed_cases != 0;
}
