/* The fault sweep of "make check-faults" (tests/faults/run), run as root
   in the VM on the project's Linux 7.2, which tests/kernel/vm.config
   builds with fault injection.  For each spawn shape it makes the kernel
   fail its N-th allocation for the spawn, for N = 1, 2, ... until five
   spawns in a row go through with no fault injected, and after each
   spawn checks:
   - the function returned 0 or an error that the fault explains: from
     the caller's side ENOMEM or EAGAIN (clone3), from the child's side
     ENOMEM, or E2BIG and ENOEXEC, which execve returns when it cannot
     set up the argument pages or allocate the ELF program headers; and
     ENOENT for a missing program; on an error, *PID or *PIDFD are left
     alone;
   - a child that the spawn reported ran its program (tests/faults/child.c
     writes a byte to a pipe), unless a fault on the child's side killed
     it in its exec, after the point of no return, or failed its write
     (exit status 3), as its status shows (the wait status, or
     PIDFD_GET_INFO on a pidfd for an automatically reaped child, which
     the gate takes for posix_spawn's): any other exit (127 from a child
     that failed before its exec) means an error was lost; and no byte
     came from a spawn that failed;
   - waitpid (-1, WNOHANG) fails with ECHILD at once after a spawn that
     failed or made an automatically reaped child, even one still
     running its program (the project's kernel fix); the child is gone
     (an AUTOKILL child once its pidfd was closed) and no zombie is left;
   - after a spawn that failed, the child held none of the caller's
     descriptors (an inherited pipe has no writer left), and a cgroup
     given with POSIX_SPAWN_SETCGROUP can be removed at once;
   - the caller's descriptors, mappings (the stack that posix_spawn keeps
     included), signal mask and cancellation state are what they were
     before, and SIGABRT's action can be read (posix_spawn holds a lock
     that sigaction takes).

   Each shape is swept from two sides:
     parent  N goes to the spawning thread's /proc/thread-self/fail-nth:
	     what posix_spawn does in the caller (the helper's stack, clone3:
	     the task, the pidfd, the cgroup);
     child   the child's first file action opens a FIFO and blocks in it;
	     a helper thread writes N to the child's /proc/PID/fail-nth,
	     then opens the FIFO's other end: the remaining file actions,
	     the exec or its failure and the child's exit, the program.
   Each kind of fault (failslab, fail_page_alloc, ...) decrements its
   debugfs "times" for every fault it injects: a spawn that leaves them
   all unchanged met none.  They start at 1000000000 here, with a
   probability of 0 (nothing fails by chance) and no messages; sleeping,
   order-0 and highmem allocations (user memory) are not exempt.  Every
   spawn is bounded in time by a watchdog thread.

   usage: sweep CHILD CHILD-WAIT TABLE [SHAPE...]
     CHILD, CHILD-WAIT  tests/faults/child.c built without and with -DWAIT;
     TABLE  the table to write (Markdown).
   Prints "PASS: ..." or "FAIL: ..." for each shape and side, then
   "sweep: N passed, N failed"; exits 1 if any failed, 2 if it could not
   run.  */

#include "../bench/bench.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REPORT_FD 3		/* Where the children write that they ran.  */
#define GATE_FD 9		/* The child's end of the FIFO.  */
#define MAX_N 20000		/* A path longer than this never ends.  */
#define CLEAN_RUNS 5		/* Spawns with no fault that end a sweep.  */
#define WAIT_S 20		/* Seconds before a child counts as stuck.  */
#define BIG_ARGC 5000		/* Arguments that need a stack of their own.  */
#define DEBUGFS "/sys/kernel/debug"

enum { PIDFD = 1, ACTIONS = 2, FAIL_EXEC = 4, BLOCK = 8, BIG_ARGS = 16 };

struct shape
{
  const char *name;
  int how;
  short flags;
};

static const struct shape shapes[] =
{
  { "spawn", 0, 0 },
  { "spawn-enoent", FAIL_EXEC, 0 },
  { "spawn-autoreap", 0, POSIX_SPAWN_AUTOREAP },
  { "spawn-autoreap-enoent", FAIL_EXEC, POSIX_SPAWN_AUTOREAP },
  /* posix_spawn keeps only a 64 KiB stack: these need one of their own.  */
  { "spawn-autoreap-bigargs", BIG_ARGS, POSIX_SPAWN_AUTOREAP },
  { "spawn-autoreap-actions", ACTIONS, POSIX_SPAWN_AUTOREAP },
  { "spawn-autoreap-actions-enoent", ACTIONS | FAIL_EXEC,
    POSIX_SPAWN_AUTOREAP },
  { "spawn-autoreap-nnp", 0,
    POSIX_SPAWN_AUTOREAP | POSIX_SPAWN_NO_NEW_PRIVS },
  { "spawn-autoreap-cgroup", 0,
    POSIX_SPAWN_AUTOREAP | POSIX_SPAWN_SETCGROUP },
  { "pidfd", PIDFD, 0 },
  { "pidfd-autoreap", PIDFD, POSIX_SPAWN_AUTOREAP },
  { "pidfd-autoreap-enoent", PIDFD | FAIL_EXEC, POSIX_SPAWN_AUTOREAP },
  { "pidfd-autoreap-bigargs-enoent", PIDFD | BIG_ARGS | FAIL_EXEC,
    POSIX_SPAWN_AUTOREAP },
  { "pidfd-autoreap-cgroup-enoent", PIDFD | FAIL_EXEC,
    POSIX_SPAWN_AUTOREAP | POSIX_SPAWN_SETCGROUP },
  { "pidfd-autoreap-autokill", PIDFD | BLOCK,
    POSIX_SPAWN_AUTOREAP | POSIX_SPAWN_PIDFD_AUTOKILL },
  { "pidfd-autoreap-autokill-nnp", PIDFD | BLOCK,
    POSIX_SPAWN_AUTOREAP | POSIX_SPAWN_PIDFD_AUTOKILL
    | POSIX_SPAWN_NO_NEW_PRIVS },
};
#define NSHAPES (sizeof shapes / sizeof shapes[0])

static const char *child_path, *child_wait_path;
static char tmpdir[] = "/tmp/sweep.XXXXXX";
static char gate_path[64];
static char cgroup_path[64];
static int cgroup_fd = -1;
static int report_fd;		/* The read end of the report pipe.  */
static int failnth_fd;		/* Our spawning thread's fail-nth.  */
static char *big_argv[BIG_ARGC + 2];

/* The "times" of each kind of fault injection.  */
static char times_paths[16][160];
static int ntimes;

/* What the watchdog reports, and when (CLOCK_MONOTONIC seconds).  */
static const char *_Atomic cur_shape;
static const char *_Atomic cur_side;
static _Atomic unsigned int cur_n;
static _Atomic long watchdog_deadline;

/* The watchdog: a thread, since posix_spawn blocks every signal in the
   calling thread.  */
static void *
watchdog (void *arg)
{
  for (;;)
    {
      sleep (1);
      long d = watchdog_deadline;
      if (d > 0 && now () > d)
	{
	  printf ("FAIL: %s, %s side: the spawn with fault %u injected did"
		  " not end within %d s\n", cur_shape, cur_side, cur_n,
		  5 * WAIT_S);
	  fflush (stdout);
	  _exit (1);
	}
    }
  return NULL;
}

/* Read PATH into BUF of SIZE bytes, NUL-terminated; return its length,
   or -1 with errno set.  */
static ssize_t
read_file (const char *path, char *buf, size_t size)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  size_t len = 0;
  ssize_t n;
  while (len < size - 1 && (n = read (fd, buf + len, size - 1 - len)) > 0)
    len += n;
  close (fd);
  if (len == size - 1)
    die ("%s is larger than %zu bytes", path, size);
  buf[len] = '\0';
  return len;
}

static bool
write_file (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool ok = write (fd, text, strlen (text)) == (ssize_t) strlen (text);
  return close (fd) == 0 && ok;
}

/* Write TEXT to debugfs's NAME and check that it reads back.  */
static void
set_knob (const char *name, const char *text)
{
  char path[200], buf[64];
  snprintf (path, sizeof path, DEBUGFS "/%s", name);
  if (!write_file (path, text) || read_file (path, buf, sizeof buf) < 0)
    die ("%s: %m (a kernel without CONFIG_FAULT_INJECTION_DEBUG_FS?)", path);
  if (strncmp (buf, text, strlen (text)) != 0)
    die ("%s reads %s after %s was written", path, buf, text);
}

/* What is left of every kind of fault's "times": one less for each fault
   injected.  */
static long
faults_left (void)
{
  long sum = 0;
  for (int i = 0; i < ntimes; i++)
    {
      char buf[64];
      if (read_file (times_paths[i], buf, sizeof buf) < 0)
	die ("%s: %m", times_paths[i]);
      sum += strtol (buf, NULL, 10);
    }
  return sum;
}

static void
setup_fault_injection (void)
{
  failnth_fd = open ("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
  if (failnth_fd < 0)
    die ("/proc/thread-self/fail-nth: %m: this kernel has no"
	 " CONFIG_FAULT_INJECTION (make check-faults builds one)");
  if (access (DEBUGFS "/failslab", F_OK) != 0
      && mount ("debugfs", DEBUGFS, "debugfs", 0, NULL) != 0)
    die ("cannot mount debugfs on " DEBUGFS ": %m");
  set_knob ("failslab/ignore-gfp-wait", "N");
  set_knob ("fail_page_alloc/ignore-gfp-wait", "N");
  set_knob ("fail_page_alloc/min-order", "0");
  set_knob ("fail_page_alloc/ignore-gfp-highmem", "N");
  /* Every kind of fault that fail-nth can inject (failslab,
     fail_page_alloc, and whatever else the kernel has): counted, silent,
     never by chance.  */
  DIR *d = opendir (DEBUGFS);
  if (d == NULL)
    die (DEBUGFS ": %m");
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      char name[160];
      if (strncmp (e->d_name, "fail", 4) != 0 || strlen (e->d_name) > 64)
	continue;
      snprintf (name, sizeof name, DEBUGFS "/%s/times", e->d_name);
      if (access (name, F_OK) != 0)
	continue;
      if (ntimes == sizeof times_paths / sizeof times_paths[0])
	die ("too many kinds of fault in " DEBUGFS);
      snprintf (times_paths[ntimes++], sizeof times_paths[0], "%s", name);
      snprintf (name, sizeof name, "%s/verbose", e->d_name);
      set_knob (name, "0");
      snprintf (name, sizeof name, "%s/probability", e->d_name);
      set_knob (name, "0");
      snprintf (name, sizeof name, "%s/times", e->d_name);
      set_knob (name, "1000000000");
    }
  closedir (d);
  if (ntimes < 2)
    die ("no failslab and fail_page_alloc in " DEBUGFS);
}

/* Store up to MAX of our children's process IDs in PIDS and the number of
   them that are zombies in *ZOMBIES; return how many there are.  */
static int
our_children (pid_t *pids, int max, int *zombies)
{
  DIR *d = opendir ("/proc");
  if (d == NULL)
    die ("/proc: %m");
  pid_t self = getpid ();
  int n = 0;
  *zombies = 0;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      if (e->d_name[0] < '1' || e->d_name[0] > '9')
	continue;
      char state;
      int ppid;
      if (proc_stat (e->d_name, &state, &ppid) != 0 || ppid != self)
	continue;
      if (n < max)
	pids[n] = atoi (e->d_name);
      n++;
      *zombies += state == 'Z';
    }
  closedir (d);
  return n;
}

/* Wait until we have no child left; return false if one is still there
   after WAIT_S seconds, describing it in WHY.  */
static bool
children_gone_within (char *why, size_t size)
{
  double until = now () + WAIT_S;
  pid_t pid;
  int n, zombies;
  while ((n = our_children (&pid, 1, &zombies)) > 0)
    {
      if (now () > until)
	{
	  snprintf (why, size, "%d child(ren) left after %d s, %d of them"
		    " zombies (process %d)", n, WAIT_S, zombies, (int) pid);
	  return false;
	}
      usleep (1000);
    }
  return true;
}

/* The gate: the helper thread that lets a child past its first file
   action once the child's fail-nth is set.  */
static sem_t gate_go, gate_done;
static unsigned int gate_n;
static char gate_error[200];
/* A pidfd for the child, taken while it waits at the gate: it gives
   the exit status of a child that posix_spawn reaps automatically.  */
static int gate_pidfd = -1;

static void
open_gate (void)
{
  gate_error[0] = '\0';
  double until = now () + WAIT_S;
  char openat[16];
  snprintf (openat, sizeof openat, "%d ", SYS_openat);
  pid_t pid = 0;
  while (pid == 0)
    {
      int zombies;
      pid_t child;
      if (our_children (&child, 1, &zombies) == 1)
	{
	  /* Asleep in openat: /proc/PID/syscall starts with its number.  */
	  char path[64], buf[256];
	  snprintf (path, sizeof path, "/proc/%d/syscall", (int) child);
	  if (read_file (path, buf, sizeof buf) > 0
	      && strncmp (buf, openat, strlen (openat)) == 0)
	    pid = child;
	}
      if (pid == 0 && now () > until)
	{
	  snprintf (gate_error, sizeof gate_error,
		    "no child asleep in openat after %d s", WAIT_S);
	  return;
	}
      if (pid == 0)
	usleep (500);
    }
  gate_pidfd = pidfd_open (pid, 0);
  if (gate_pidfd < 0)
    snprintf (gate_error, sizeof gate_error, "pidfd_open: %m");
  if (gate_n > 0)
    {
      char path[64], num[16];
      snprintf (path, sizeof path, "/proc/%d/fail-nth", (int) pid);
      snprintf (num, sizeof num, "%u", gate_n);
      if (!write_file (path, num))
	snprintf (gate_error, sizeof gate_error, "%s: %m", path);
    }
  /* Open the other end, which lets the child's open return.  Until the
     child is in the FIFO's open (it may still be looking the path up),
     there is no reader: ENXIO.  */
  int fd;
  while ((fd = open (gate_path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
    if (errno != ENXIO || now () > until)
      {
	snprintf (gate_error, sizeof gate_error, "%s: %m", gate_path);
	return;
      }
    else
      usleep (500);
  close (fd);
}

static void *
gate_thread (void *arg)
{
  for (;;)
    {
      while (sem_wait (&gate_go) != 0)
	continue;
      open_gate ();
      sem_post (&gate_done);
    }
  return NULL;
}

/* What the caller looks like; compared after every spawn.  */
struct snapshot
{
  char maps[65536];
  char fds[4096];
  sigset_t mask;
};

static void
take_snapshot (struct snapshot *s)
{
  if (read_file ("/proc/self/maps", s->maps, sizeof s->maps) < 0)
    die ("/proc/self/maps: %m");
  DIR *d = opendir ("/proc/self/fd");
  if (d == NULL)
    die ("/proc/self/fd: %m");
  size_t len = 0;
  struct dirent *e;
  /* The directory's own descriptor is the lowest free one, and so the
     same every time.  */
  while ((e = readdir (d)) != NULL)
    if (e->d_name[0] != '.')
      {
	char path[300], target[300];
	snprintf (path, sizeof path, "/proc/self/fd/%s", e->d_name);
	ssize_t n = readlink (path, target, sizeof target - 1);
	target[n > 0 ? n : 0] = '\0';
	len += snprintf (s->fds + len, sizeof s->fds - len, "%s %s\n",
			 e->d_name, target);
	if (len >= sizeof s->fds)
	  die ("too many descriptors");
      }
  closedir (d);
  sigprocmask (SIG_BLOCK, NULL, &s->mask);
}

/* Describe in WHY the first line of A that B does not have.  */
static void
first_difference (const char *what, const char *a, const char *b,
		  char *why, size_t size)
{
  const char *p = a;
  while (*p == *b)
    p++, b++;
  while (p > a && p[-1] != '\n')
    p--;
  snprintf (why, size, "%s changed, at: %.*s", what,
	    (int) strcspn (p, "\n"), p);
}

/* What one spawn did.  */
struct outcome
{
  int ec;			/* What the spawn function returned.  */
  bool ran;			/* The child wrote its byte.  */
  int status;			/* Its wait status, if known.  */
  bool have_status;
  long faults;			/* Faults injected.  */
  char why[400];		/* Empty if every check passed.  */
};

static void __attribute__ ((format (printf, 2, 3)))
fail_why (struct outcome *o, const char *fmt, ...)
{
  if (o->why[0] != '\0')
    return;
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (o->why, sizeof o->why, fmt, ap);
  va_end (ap);
}

struct setup
{
  const struct shape *s;
  bool child_side;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t fa;
  const char *path;
  char *argv[2];
  char **argvp;
};

static void
make_setup (struct setup *st, const struct shape *s, bool child_side)
{
  st->s = s;
  st->child_side = child_side;
  if (posix_spawnattr_init (&st->attr) != 0
      || posix_spawnattr_setflags (&st->attr, s->flags) != 0)
    die ("%s: cannot set the flags", s->name);
  if ((s->flags & POSIX_SPAWN_SETCGROUP)
      && posix_spawnattr_setcgroup_np (&st->attr, cgroup_fd) != 0)
    die ("posix_spawnattr_setcgroup_np failed");
  if (posix_spawn_file_actions_init (&st->fa) != 0)
    die ("posix_spawn_file_actions_init failed");
  if (child_side
      && posix_spawn_file_actions_addopen (&st->fa, GATE_FD, gate_path,
					   O_RDONLY, 0) != 0)
    die ("addopen failed");
  if ((s->how & ACTIONS)
      && (posix_spawn_file_actions_addopen (&st->fa, 5, "/dev/null",
					    O_RDONLY, 0) != 0
	  || posix_spawn_file_actions_adddup2 (&st->fa, 5, 6) != 0
	  || posix_spawn_file_actions_addclose (&st->fa, 5) != 0
	  || posix_spawn_file_actions_addchdir_np (&st->fa, "/") != 0
	  || posix_spawn_file_actions_addclosefrom_np (&st->fa,
						       REPORT_FD + 1) != 0))
    die ("cannot make the file actions");
  if (s->how & FAIL_EXEC)
    st->path = "/nonexistent/sweep-child";
  else
    st->path = s->how & BLOCK ? child_wait_path : child_path;
  st->argv[0] = (char *) st->path;
  st->argv[1] = NULL;
  st->argvp = st->argv;
  if (s->how & BIG_ARGS)
    {
      big_argv[0] = (char *) st->path;
      st->argvp = big_argv;
    }
}

static void
free_setup (struct setup *st)
{
  posix_spawnattr_destroy (&st->attr);
  posix_spawn_file_actions_destroy (&st->fa);
}

/* Read the child's byte if it is there.  */
static bool
child_ran (void)
{
  char c;
  return read (report_fd, &c, 1) == 1;
}

/* Wait until the child that PIDFD refers to has written its byte or
   terminated (a fault may kill it in its exec), at most WAIT_S seconds;
   store in O whether it wrote the byte.  */
static void
child_ran_or_died (int pidfd, struct outcome *o)
{
  struct pollfd p[2] = { { .fd = report_fd, .events = POLLIN },
			 { .fd = pidfd, .events = POLLIN } };
  if (poll (p, 2, WAIT_S * 1000) < 1)
    fail_why (o, "the child neither ran nor terminated in %d s", WAIT_S);
  o->ran = child_ran ();
}

/* Store in O the exit status of the terminated, automatically reaped
   child that PIDFD refers to.  The kernel records it when it releases
   the child, a moment after the pidfd polls readable.  */
static void
pidfd_status (int pidfd, struct outcome *o)
{
  double until = now () + WAIT_S;
  struct pidfd_info info;
  do
    {
      info = (struct pidfd_info) { .mask = PIDFD_INFO_EXIT };
      if (ioctl (pidfd, PIDFD_GET_INFO, &info) == 0
	  && (info.mask & PIDFD_INFO_EXIT))
	{
	  o->status = info.exit_code;
	  o->have_status = true;
	  return;
	}
      usleep (1000);
    }
  while (now () < until);
  fail_why (o, "PIDFD_GET_INFO gave no exit status in %d s", WAIT_S);
}

/* A cgroup of POSIX_SPAWN_SETCGROUP can be removed as soon as a spawn
   into it has failed.  Remove it, then make it again, open at the same
   descriptor (ATTR still names it).  */
static void
cgroup_removable (struct outcome *o)
{
  if (rmdir (cgroup_path) != 0)
    {
      fail_why (o, "rmdir of the cgroup after the failed spawn: %m");
      return;
    }
  int fd;
  if (mkdir (cgroup_path, 0755) != 0
      || (fd = open (cgroup_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0
      || dup3 (fd, cgroup_fd, O_CLOEXEC) != cgroup_fd || close (fd) != 0)
    die ("cannot make %s again: %m", cgroup_path);
}

/* Spawn as ST says with the N-th allocation failing (none if N is 0),
   and check everything against BEFORE (unless it is NULL).  */
static void
spawn_once (struct setup *st, unsigned int n, const struct snapshot *before,
	    struct outcome *o)
{
  const struct shape *s = st->s;
  bool autoreap = s->flags & POSIX_SPAWN_AUTOREAP;
  memset (o, 0, sizeof *o);
  char num[16];
  int numlen = snprintf (num, sizeof num, "%u", n);
  long left = faults_left ();
  pid_t pid = -1;
  int pidfd = -1;
  /* A pipe whose write end the child inherits.  */
  int inherit[2];
  if (pipe2 (inherit, O_CLOEXEC) != 0 || fcntl (inherit[1], F_SETFD, 0) != 0)
    die ("pipe: %m");

  cur_n = n;
  watchdog_deadline = now () + 5 * WAIT_S;
  if (st->child_side)
    {
      gate_n = n;
      sem_post (&gate_go);
    }
  else if (n > 0 && write (failnth_fd, num, numlen) != numlen)
    die ("cannot write to fail-nth: %m");

  if (s->how & PIDFD)
    o->ec = pidfd_spawn (&pidfd, st->path, &st->fa, &st->attr, st->argvp,
			 environ);
  else
    o->ec = posix_spawn (&pid, st->path, &st->fa, &st->attr, st->argvp,
			 environ);

  /* A fault that the spawn did not use must not hit what follows; if it
     hits this write, the spawn did not reach it.  */
  if (n > 0 && !st->child_side)
    while (write (failnth_fd, "0", 1) != 1)
      continue;
  if (st->child_side)
    {
      while (sem_wait (&gate_done) != 0)
	continue;
      if (gate_error[0] != '\0')
	fail_why (o, "the gate: %s", gate_error);
    }

  /* At once after the spawn.  */
  close (inherit[1]);
  int status;
  if ((autoreap || o->ec != 0)
      && (waitpid (-1, &status, WNOHANG) != -1 || errno != ECHILD))
    fail_why (o, "waitpid (-1, WNOHANG) right after the spawn did not fail"
	      " with ECHILD");
  if (o->ec != 0)
    {
      struct pollfd p = { .fd = inherit[0] };
      if (poll (&p, 1, 0) != 1 || !(p.revents & POLLHUP))
	fail_why (o, "returned %s while the child still held the caller's"
		  " descriptors", strerrorname_np (o->ec));
      if (pid != -1 || pidfd != -1)
	fail_why (o, "returned %s and stored a process", strerrorname_np (o->ec));
      if (s->flags & POSIX_SPAWN_SETCGROUP)
	cgroup_removable (o);
    }
  close (inherit[0]);
  struct sigaction sa;
  if (sigaction (SIGABRT, NULL, &sa) != 0)
    fail_why (o, "sigaction (SIGABRT): %m");
  int cancel;
  if (pthread_setcancelstate (PTHREAD_CANCEL_ENABLE, &cancel) != 0
      || cancel != PTHREAD_CANCEL_ENABLE)
    fail_why (o, "the cancellation state changed");

  /* Let the child finish, or kill it, and collect it if it is ours to
     collect.  */
  if (o->ec == 0 && (s->how & BLOCK))
    {
      child_ran_or_died (pidfd, o);
      if (waitpid (-1, &status, WNOHANG) != -1 || errno != ECHILD)
	fail_why (o, "waitpid (-1, WNOHANG) beside the running child did"
		  " not fail with ECHILD");
      if (!o->ran)
	pidfd_status (pidfd, o);
      if (close (pidfd) != 0)
	fail_why (o, "close of the pidfd: %m");
      pidfd = -1;
    }
  else if (o->ec == 0 && !autoreap)
    {
      siginfo_t si;
      if (s->how & PIDFD)
	{
	  if (waitid (P_PIDFD, pidfd, &si, WEXITED) != 0)
	    fail_why (o, "waitid (P_PIDFD): %m");
	  else
	    {
	      o->status = si.si_code == CLD_EXITED ? W_EXITCODE (si.si_status, 0)
			  : si.si_status;
	      o->have_status = true;
	    }
	}
      else if (waitpid (pid, &o->status, 0) != pid)
	fail_why (o, "waitpid (%d): %m", (int) pid);
      else
	o->have_status = true;
    }
  else if (o->ec == 0 && (s->how & PIDFD))
    {
      struct pollfd p = { .fd = pidfd, .events = POLLIN };
      siginfo_t si;
      if (poll (&p, 1, WAIT_S * 1000) != 1)
	fail_why (o, "the pidfd did not become readable in %d s", WAIT_S);
      else if (waitid (P_PIDFD, pidfd, &si, WEXITED | WNOHANG) != -1
	       || errno != ECHILD)
	fail_why (o, "waitid (P_PIDFD) on an automatically reaped child"
		  " did not fail with ECHILD");
      else
	pidfd_status (pidfd, o);
    }
  if (pidfd >= 0)
    close (pidfd);
  char why[200];
  if (!children_gone_within (why, sizeof why))
    fail_why (o, "%s", why);
  if (gate_pidfd >= 0)
    {
      if (o->ec == 0 && !o->have_status)
	pidfd_status (gate_pidfd, o);
      close (gate_pidfd);
      gate_pidfd = -1;
    }
  if (!(s->how & BLOCK))
    o->ran = child_ran ();
  if (child_ran ())
    fail_why (o, "a second byte from the child");
  if (o->ec != 0 && o->ran)
    fail_why (o, "returned %s, but the program ran", strerrorname_np (o->ec));
  if (waitpid (-1, &status, WNOHANG) != -1 || errno != ECHILD)
    fail_why (o, "waitpid (-1, WNOHANG) did not fail with ECHILD");
  watchdog_deadline = 0;
  o->faults = left - faults_left ();

  /* The result.  */
  bool expected_error = o->ec == ENOMEM
			|| ((s->how & FAIL_EXEC) && o->ec == ENOENT);
  if (st->child_side)
    expected_error |= o->ec == E2BIG || o->ec == ENOEXEC;
  else
    expected_error |= o->ec == EAGAIN;
  if (o->ec != 0 && !expected_error)
    fail_why (o, "returned %s (%s)", strerrorname_np (o->ec) ? : "?",
	      strerror (o->ec));
  if (o->ec == 0 && (s->how & FAIL_EXEC))
    fail_why (o, "returned 0 for a missing program");
  if (o->faults == 0 && o->ec != ((s->how & FAIL_EXEC) ? ENOENT : 0))
    fail_why (o, "returned %s with no fault injected",
	      strerrorname_np (o->ec) ? : "?");
  if (o->ec == 0 && !o->ran)
    {
      /* Only a fault in the child's exec, after its point of no return,
	 may kill it.  */
      if (o->faults == 0 || !st->child_side)
	fail_why (o, "returned 0 but the child never ran its program");
      else if (!o->have_status)
	fail_why (o, "returned 0 for a child that did not run, whose status"
		  " is not known");
      else if (!WIFSIGNALED (o->status) && o->status != W_EXITCODE (3, 0))
	fail_why (o, "returned 0 for a child that exited with status %d"
		  " before its program ran (an error lost?)",
		  WEXITSTATUS (o->status));
    }
  if (o->faults > 1)
    fail_why (o, "%ld faults injected for one fail-nth: another task is"
	      " injecting faults", o->faults);
  if (before == NULL)
    return;
  /* Not on the heap, which must look the same as before.  */
  static struct snapshot after;
  take_snapshot (&after);
  if (strcmp (before->fds, after.fds) != 0)
    {
      first_difference ("descriptors", before->fds, after.fds, why,
			sizeof why);
      fail_why (o, "%s", why);
    }
  if (strcmp (before->maps, after.maps) != 0)
    {
      first_difference ("mappings", before->maps, after.maps, why,
			sizeof why);
      fail_why (o, "%s", why);
    }
  if (memcmp (&before->mask, &after.mask, sizeof after.mask) != 0)
    fail_why (o, "the signal mask changed");
}

/* Sweep one shape from one side; return true if it passed.  */
static bool
sweep (const struct shape *s, bool child_side, FILE *table)
{
  cur_shape = s->name;
  cur_side = child_side ? "child" : "parent";
  struct setup st;
  make_setup (&st, s, child_side);
  static struct snapshot before;
  struct outcome o;

  /* The first spawn maps the stack that posix_spawn then keeps, and
     makes everything the checks use: it is not compared with an earlier
     state.  */
  spawn_once (&st, 0, NULL, &o);
  bool ok = o.why[0] == '\0';
  if (!ok)
    printf ("FAIL: %s, %s side: with no fault: %s\n", s->name, cur_side,
	    o.why);
  take_snapshot (&before);

  int counts[4096] = { 0 };	/* By error number; 0: success.  */
  int ran = 0, killed = 0, nowrite = 0, injected = 0, clean = 0;
  unsigned int n, last = 0;
  double t0 = now ();
  for (n = 1; ok && n <= MAX_N && clean < CLEAN_RUNS; n++)
    {
      spawn_once (&st, n, &before, &o);
      if (o.why[0] != '\0')
	{
	  printf ("FAIL: %s, %s side: fault %u: %s\n", s->name, cur_side,
		  n, o.why);
	  ok = false;
	  break;
	}
      if (o.faults == 0)
	{
	  clean++;
	  continue;
	}
      clean = 0;
      last = n;
      injected++;
      counts[o.ec < 4096 ? o.ec : 4095]++;
      if (o.ec == 0)
	{
	  /* A child that did not run was killed, or exited with 3: its
	     write failed (the checks allow nothing else).  */
	  ran += o.ran;
	  killed += !o.ran && WIFSIGNALED (o.status);
	  nowrite += !o.ran && !WIFSIGNALED (o.status);
	}
    }
  if (ok && clean < CLEAN_RUNS)
    {
      printf ("FAIL: %s, %s side: still injecting faults after %d\n",
	      s->name, cur_side, MAX_N);
      ok = false;
    }

  char results[1000];
  size_t len = 0;
  results[0] = '\0';
  for (int e = 1; e < 4096; e++)
    if (counts[e] > 0 && len < sizeof results)
      len += snprintf (results + len, sizeof results - len, "%s%s x%d",
		       len > 0 ? ", " : "", strerrorname_np (e) ? : "?",
		       counts[e]);
  char started[200];
  snprintf (started, sizeof started, "%d: %d ran, %d killed, %d could not"
	    " write", counts[0], ran, killed, nowrite);
  fprintf (table, "| %s | %s | %d | %u | %s | %s | %s | %.1f |\n", s->name,
	   cur_side, injected, last, len > 0 ? results : "-", started,
	   ok ? (o.ec == 0 ? "0, ran" : strerrorname_np (o.ec)) : "FAIL",
	   now () - t0);
  fflush (table);
  if (ok)
    printf ("PASS: %s, %s side: %d faults injected, the last at %u"
	    " (errors: %s; returned 0: %s), then %d spawns with none\n",
	    s->name, cur_side, injected, last, len > 0 ? results : "none",
	    started, CLEAN_RUNS);
  fflush (stdout);
  free_setup (&st);
  return ok;
}

int
main (int argc, char **argv)
{
  if (argc < 4)
    {
      fputs ("usage: sweep CHILD CHILD-WAIT TABLE [SHAPE...]\n", stderr);
      return 2;
    }
  setvbuf (stdout, NULL, _IOLBF, 0);
  child_path = argv[1];
  child_wait_path = argv[2];
  bool chosen[NSHAPES];
  for (size_t i = 0; i < NSHAPES; i++)
    chosen[i] = argc == 4;
  for (int a = 4; a < argc; a++)
    {
      size_t i = 0;
      while (i < NSHAPES && strcmp (argv[a], shapes[i].name) != 0)
	i++;
      if (i == NSHAPES)
	die ("no shape %s", argv[a]);
      chosen[i] = true;
    }

  setup_fault_injection ();
  FILE *table = fopen (argv[3], "we");
  if (table == NULL)
    die ("%s: %m", argv[3]);
  for (int i = 1; i <= BIG_ARGC; i++)
    big_argv[i] = (char *) "x";
  int p[2];
  if (pipe2 (p, O_CLOEXEC | O_NONBLOCK) != 0
      || dup2 (p[1], REPORT_FD) != REPORT_FD || close (p[1]) != 0)
    die ("cannot make the report pipe: %m");
  report_fd = p[0];
  if (mkdtemp (tmpdir) == NULL)
    die ("mkdtemp: %m");
  snprintf (gate_path, sizeof gate_path, "%s/gate", tmpdir);
  if (mkfifo (gate_path, 0600) != 0)
    die ("mkfifo %s: %m", gate_path);
  snprintf (cgroup_path, sizeof cgroup_path, "/sys/fs/cgroup/fault-sweep-%d",
	    (int) getpid ());
  if (mkdir (cgroup_path, 0755) != 0
      || (cgroup_fd = open (cgroup_path, O_RDONLY | O_DIRECTORY
			    | O_CLOEXEC)) < 0)
    die ("%s: %m", cgroup_path);
  pthread_t thr;
  if (sem_init (&gate_go, 0, 0) != 0 || sem_init (&gate_done, 0, 0) != 0
      || pthread_create (&thr, NULL, gate_thread, NULL) != 0
      || pthread_create (&thr, NULL, watchdog, NULL) != 0)
    die ("cannot start the threads");

  fprintf (table, "| shape | side | faults injected | the last at N |"
	   " errors returned | 0 returned | with no fault | s |\n"
	   "| - | - | -: | -: | - | - | - | -: |\n");
  int passed = 0, failed = 0;
  for (size_t i = 0; i < NSHAPES; i++)
    for (int side = 0; chosen[i] && side < 2; side++)
      if (sweep (&shapes[i], side, table))
	passed++;
      else
	failed++;
  fclose (table);
  if (unlink (gate_path) != 0 || rmdir (tmpdir) != 0)
    die ("cannot remove %s: %m", tmpdir);
  close (cgroup_fd);
  if (rmdir (cgroup_path) != 0)
    {
      printf ("FAIL: the cgroup %s cannot be removed at the end: %m\n",
	      cgroup_path);
      failed++;
    }
  printf ("sweep: %d passed, %d failed\n", passed, failed);
  return failed > 0;
}
