/* What an autoreaped spawn costs next to the other ways of starting a
   child that nobody waits for.  Built against the patched glibc with
   tests/build/cc and run in the Linux 7.x VM by tests/bench/run ("make bench").

   The strategies, each starting CHILD (a static program that exits at
   once):
     1 wait        posix_spawn; once the whole batch is started, waitpid
                   for each child in turn (as 6 does with waitid)
     2 autoreap    posix_spawn with POSIX_SPAWN_AUTOREAP, no wait
     3 sigign      posix_spawn with SIGCHLD set to SIG_IGN, no wait
     4 doublefork  fork; the middle process posix_spawns and _exits;
                   waitpid for the middle process
     5 pidfd-ar    pidfd_spawn with POSIX_SPAWN_AUTOREAP; once the batch
                   is started, poll each pidfd, then PIDFD_GET_INFO
                   (PIDFD_INFO_EXIT)
     6 pidfd-wait  pidfd_spawn; once the batch is started, waitid
                   (P_PIDFD) for each child
     7 floor       no glibc spawn code: raw clone3 (CLONE_AUTOREAP
                   | CLONE_VM | CLONE_VFORK, exit_signal 0) on a stack of
                   its own, the child execve's CHILD (see floor_spawn)
   A batch starts COUNT children with one strategy; every child inherits
   the write end of a pipe, so the read end's EOF tells when all have
   exited.  Rounds run every strategy's batch once, in an order rotated
   round by round, so that drift of the machine hits all alike.  Reported
   per strategy: the median time spent in the call that starts a child
   (for 4, fork up to the middle process's waitpid), the median batch
   throughput (children started and finished per second, the waits of 1,
   5 and 6 included), and after the batches the largest number of zombies
   seen, the RSS and the number of open descriptors.  Three series follow:
   the start call of 1, 2, 3 and 7 with one child at a time (each child
   gone before the next starts, so that the call does not compete with
   exiting children: this is also the serial variant of 1, which waits
   for each child before it starts the next), and, for 1 and 2 only,
   parent RSS (touched memory) and 1 versus 2 spawning threads.  The soak
   starts many autoreaped children without any wait.

   usage: bench [-s] [-r ROUNDS] [-n COUNT] [-m MIB,...] [-k SOAK] [-O]
		[-S autoreap|sigign|floor] CHILD OUTDIR
     -s  smoke mode: few spawns, only checks that it works
     -r  rounds of the strategies' comparison, which the throughput
	 targets are read from (default 30; the three series after it
	 run 10)
     -O  only the soak;  -S  the soak's strategy (default autoreap)
   Writes OUTDIR/bench.json (raw figures and machine facts), bench.md (the
   report, also printed) and bench.dat (for gnuplot).  Exits 1 if a zombie
   was left, 2 on an error.  */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __x86_64__
# include <cpuid.h>
#endif

extern char **environ;

enum strategy
{
  S_WAIT, S_AUTOREAP, S_SIGIGN, S_DOUBLEFORK, S_PIDFD_AR, S_PIDFD_WAIT,
  S_FLOOR, S_COUNT
};

static const char *const key[S_COUNT] =
{
  "wait", "autoreap", "sigign", "doublefork", "pidfd-autoreap", "pidfd-wait",
  "clone3-floor"
};

static const char *const title[S_COUNT] =
{
  "posix_spawn, waitpid after the batch",
  "posix_spawn + AUTOREAP",
  "posix_spawn, SIGCHLD SIG_IGN",
  "double fork",
  "pidfd_spawn + AUTOREAP, poll + PIDFD_GET_INFO after the batch",
  "pidfd_spawn, waitid (P_PIDFD) after the batch",
  "raw clone3 AUTOREAP + VM + VFORK, execve (floor)",
};

/* The strategies of the one-child-at-a-time series.  */
#define NQUIET 4
static const enum strategy quiet_strat[NQUIET] =
{
  S_WAIT, S_AUTOREAP, S_SIGIGN, S_FLOOR
};

static const char *child;
static char *child_argv[] = { (char *) "child", NULL };
static posix_spawnattr_t plain_attr, autoreap_attr;

static void __attribute__ ((noreturn, format (printf, 1, 2)))
die (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fputs ("bench: ", stderr);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  exit (2);
}

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A growing list of numbers.  */
struct samples
{
  double *v;
  size_t n, cap;
};

static void
add (struct samples *s, double x)
{
  if (s->n == s->cap)
    {
      s->cap = s->cap ? 2 * s->cap : 256;
      s->v = realloc (s->v, s->cap * sizeof *s->v);
      if (s->v == NULL)
	die ("out of memory");
    }
  s->v[s->n++] = x;
}

static void
merge (struct samples *to, const struct samples *from)
{
  for (size_t i = 0; i < from->n; i++)
    add (to, from->v[i]);
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The Q-quantile of S (0 <= Q <= 1), interpolated between the two
   nearest samples; S stays in its order.  */
static double
quantile (const struct samples *s, double q)
{
  if (s->n == 0)
    return 0;
  double *v = malloc (s->n * sizeof *v);
  if (v == NULL)
    die ("out of memory");
  memcpy (v, s->v, s->n * sizeof *v);
  qsort (v, s->n, sizeof *v, cmp_double);
  double pos = q * (s->n - 1);
  size_t i = pos;
  double x = i + 1 < s->n ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[i];
  free (v);
  return x;
}

/* The median of S, which stays in the order the samples were taken
   (bench.json keeps them round by round).  */
static double
median (const struct samples *s)
{
  return quantile (s, 0.5);
}

/* Process facts from /proc.  */

static long
status_kib (const char *field)
{
  FILE *f = fopen ("/proc/self/status", "r");
  if (f == NULL)
    die ("/proc/self/status: %m");
  char line[256];
  long v = -1;
  size_t len = strlen (field);
  while (fgets (line, sizeof line, f) != NULL)
    if (strncmp (line, field, len) == 0 && line[len] == ':')
      v = atol (line + len + 1);
  fclose (f);
  return v;
}

static long
meminfo_kib (const char *field)
{
  FILE *f = fopen ("/proc/meminfo", "r");
  if (f == NULL)
    return -1;
  char line[256];
  long v = -1;
  size_t len = strlen (field);
  while (fgets (line, sizeof line, f) != NULL)
    if (strncmp (line, field, len) == 0 && line[len] == ':')
      v = atol (line + len + 1);
  fclose (f);
  return v;
}

/* The number of allocated objects in slab cache NAME (root only; -1 if
   unreadable).  */
static long
slab_objects (const char *name)
{
  FILE *f = fopen ("/proc/slabinfo", "r");
  if (f == NULL)
    return -1;
  char line[512];
  long v = -1;
  size_t len = strlen (name);
  while (fgets (line, sizeof line, f) != NULL)
    if (strncmp (line, name, len) == 0 && line[len] == ' ')
      v = atol (line + len);
  fclose (f);
  return v;
}

static int
count_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  if (d == NULL)
    die ("/proc/self/fd: %m");
  int n = 0;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    n += e->d_name[0] != '.';
  closedir (d);
  return n - 1;			/* Not the directory's own descriptor.  */
}

/* Count the processes in the system and those of them that are zombies.
   A process may vanish while it is read: it is then not counted.  */
static void
count_processes (int *procs, int *zombies)
{
  DIR *d = opendir ("/proc");
  if (d == NULL)
    die ("/proc: %m");
  *procs = *zombies = 0;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      if (e->d_name[0] < '1' || e->d_name[0] > '9')
	continue;
      char path[300], buf[512];
      snprintf (path, sizeof path, "/proc/%s/stat", e->d_name);
      int fd = open (path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
	continue;
      ssize_t n = read (fd, buf, sizeof buf - 1);
      close (fd);
      if (n <= 0)
	continue;
      buf[n] = '\0';
      char *p = strrchr (buf, ')');
      if (p == NULL || p[1] != ' ')
	continue;
      ++*procs;
      *zombies += p[2] == 'Z';
    }
  closedir (d);
}

/* Zombies in the system once things have settled: an autoreaped child
   shows as Z for a moment while it is released, and the VM's init reaps
   the double fork's orphans a little after they exit, so only a zombie
   that is still there after a second counts.  */
static int
lasting_zombies (void)
{
  int procs, zombies;
  for (int i = 0; i < 100; i++)
    {
      count_processes (&procs, &zombies);
      if (zombies == 0)
	break;
      usleep (10000);
    }
  return zombies;
}

/* The number of our live children (of all threads).  */
static int
count_children (void)
{
  DIR *d = opendir ("/proc/self/task");
  if (d == NULL)
    die ("/proc/self/task: %m");
  int n = 0;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      if (e->d_name[0] == '.')
	continue;
      char path[300];
      snprintf (path, sizeof path, "/proc/self/task/%s/children", e->d_name);
      FILE *f = fopen (path, "r");
      if (f == NULL)
	continue;
      int pid;
      while (fscanf (f, "%d", &pid) == 1)
	n++;
      fclose (f);
    }
  closedir (d);
  return n;
}

/* Wait until we have no child left, however it is reaped.  */
static void
wait_children_gone (void)
{
  double deadline = now () + 300;
  while (count_children () > 0)
    {
      if (now () > deadline)
	die ("children still there after 300 s");
      usleep (1000);
    }
}

/* Strategy 7, the floor: what the kernel's clone3 with CLONE_AUTOREAP
   and an execve cost without any of glibc's spawn code around them.

   The flags are those the issue names, CLONE_AUTOREAP | CLONE_VM
   | CLONE_VFORK with exit_signal 0 (CLONE_AUTOREAP requires it).  glibc's
   posix_spawn, with the flag or without, takes the stack it kept from the
   last spawn (it maps one only for the first, when another thread holds
   it, or for more than about 4,000 arguments), adds CLONE_CLEAR_SIGHAND,
   blocks all signals around the clone3 and resets the signal mask in the
   child: 2 vs 7 measures all of that.

   With CLONE_VM the child runs in the parent's memory, so it must not
   use the parent's stack: the parent is suspended (CLONE_VFORK) in the
   middle of a C function whose frame the child would overwrite.  The
   raw syscall can not be made from C for that reason (syscall () would
   return into C code in the child on the new stack, with the parent's
   frame gone), and neither glibc's clone (no CLONE_AUTOREAP) nor its
   internal __clone3 (not exported) can be used.  So, as glibc's own
   sysdeps/unix/sysv/linux/x86_64/clone3.S does, a few lines of x86_64
   assembly make the syscall; in the child, which the kernel starts on
   the new stack (stack + stack_size, 16-byte aligned here) with the
   parent's other registers, they call FN (ARG) and exit with its value,
   never returning.  FN and ARG are kept in %rdx and %r8, which the
   syscall instruction preserves (it clobbers only %rax, %rcx and %r11).
   Dropping CLONE_VM instead (a fork-like clone3 that C could call
   safely) would copy the page tables, which is not the floor of what
   posix_spawn does.

   The child, floor_child, runs on its own stack but with the parent's
   thread pointer: like glibc's spawn child it may use TLS (errno, the
   stack protector's canary), since the parent thread is suspended until
   the child has exec'd or exited.  It touches nothing else of the
   parent's but FLOOR_ARGS's err, which the parent reads after the call,
   as glibc's posix_spawn does.  No signal handler can run in the child:
   the benchmark installs none (SIGCHLD is only ever set to SIG_IGN).
   Each thread has its own child stack (the threads series uses 1 and 2
   only, but start_one may be called from any thread); one stack serves
   all of a thread's children, since each is done with it once the
   parent resumes.  */

#ifndef CLONE_AUTOREAP
# define CLONE_AUTOREAP (1ULL << 34)
#endif

/* The kernel's struct clone_args, CLONE_ARGS_SIZE_VER0.  */
struct floor_clone_args
{
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
    stack_size, tls;
};

struct floor_args
{
  const char *path;
  char *const *argv, *const *envp;
  int err;			/* Set by the child if execve fails.  */
};

#define FLOOR_STACK_SIZE (64 * 1024)
#define FLOOR_STR(x) FLOOR_STR1 (x)
#define FLOOR_STR1(x) #x

#ifdef __x86_64__
/* long floor_clone3 (struct floor_clone_args *args, size_t size,
		      int (*fn) (void *), void *arg);
   Return the child's pid or minus the error number in the parent; FN
   (ARG) runs in the child, which then exits.  */
long floor_clone3 (struct floor_clone_args *, size_t, int (*) (void *),
		   void *) __attribute__ ((visibility ("hidden")));
__asm__ (
"	.pushsection .text\n"
"	.p2align 4\n"
"	.globl floor_clone3\n"
"	.hidden floor_clone3\n"
"	.type floor_clone3, @function\n"
"floor_clone3:\n"
"	.cfi_startproc\n"
"	endbr64\n"
"	mov	%rcx, %r8\n"
"	mov	$" FLOOR_STR (__NR_clone3) ", %eax\n"
/* The child's unwind information would be wrong from here on.  */
"	.cfi_endproc\n"
"	syscall\n"
"	test	%rax, %rax\n"
"	jz	1f\n"
"	ret\n"
"1:\n"
"	.cfi_startproc\n"
"	.cfi_undefined rip\n"
"	xor	%ebp, %ebp\n"
"	mov	%r8, %rdi\n"
"	call	*%rdx\n"
"	mov	%eax, %edi\n"
"	mov	$" FLOOR_STR (__NR_exit) ", %eax\n"
"	syscall\n"
"	hlt\n"
"	.cfi_endproc\n"
"	.size floor_clone3, . - floor_clone3\n"
"	.popsection\n");

static int
floor_child (void *arg)
{
  struct floor_args *a = arg;
  execve (a->path, a->argv, a->envp);
  a->err = errno;
  _exit (127);
}

static __thread char *floor_stack;

/* Start CHILD with strategy 7; store its pid in *PID.  Return 0 or an
   error number.  */
static int
floor_spawn (pid_t *pid)
{
  if (floor_stack == NULL)
    {
      void *m = mmap (NULL, FLOOR_STACK_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
      if (m == MAP_FAILED)
	return errno;
      floor_stack = m;
    }
  struct floor_args a = { .path = child, .argv = child_argv,
			  .envp = environ };
  struct floor_clone_args ca =
    {
      .flags = CLONE_AUTOREAP | CLONE_VM | CLONE_VFORK,
      .exit_signal = 0,
      .stack = (uintptr_t) floor_stack,
      .stack_size = FLOOR_STACK_SIZE,
    };
  long r = floor_clone3 (&ca, sizeof ca, floor_child, &a);
  if (r < 0)
    return -r;
  *pid = r;
  /* The child has exec'd or exited: a failed execve left its error.  */
  return a.err;
}
#else
static int
floor_spawn (pid_t *pid)
{
  return ENOSYS;
}
#endif

/* Starting children.  */

/* Start CHILD with strategy S.  Store in *HANDLE (unless HANDLE is
   null) the pidfd for 5 and 6, the child's pid for the others but 4.
   Return the time the call took.  */
static double
start_one (enum strategy s, int *handle)
{
  pid_t pid = -1;
  int err, status, pidfd = -1;
  double t0 = now ();
  switch (s)
    {
    case S_WAIT:
    case S_SIGIGN:
      err = posix_spawn (&pid, child, NULL, &plain_attr, child_argv, environ);
      break;
    case S_AUTOREAP:
      err = posix_spawn (&pid, child, NULL, &autoreap_attr, child_argv,
			 environ);
      break;
    case S_DOUBLEFORK:
      pid = fork ();
      if (pid < 0)
	die ("fork: %m");
      if (pid == 0)
	{
	  pid_t grandchild;
	  _exit (posix_spawn (&grandchild, child, NULL, &plain_attr,
			      child_argv, environ) != 0);
	}
      if (waitpid (pid, &status, 0) != pid)
	die ("waitpid (middle process): %m");
      err = status == 0 ? 0 : EIO;
      pid = -1;
      break;
    case S_PIDFD_AR:
      err = pidfd_spawn (&pidfd, child, NULL, &autoreap_attr, child_argv,
			 environ);
      break;
    case S_PIDFD_WAIT:
      err = pidfd_spawn (&pidfd, child, NULL, &plain_attr, child_argv,
			 environ);
      break;
    case S_FLOOR:
      err = floor_spawn (&pid);
      break;
    default:
      abort ();
    }
  double t = now () - t0;
  if (err != 0)
    die ("%s: %s", key[s], strerror (err));
  if (handle != NULL)
    *handle = s == S_PIDFD_AR || s == S_PIDFD_WAIT ? pidfd : pid;
  else if (s == S_WAIT || s == S_PIDFD_AR || s == S_PIDFD_WAIT)
    abort ();
  return t;
}

/* Whether strategy S collects its children after the batch.  */
static int
collects (enum strategy s)
{
  return s == S_WAIT || s == S_PIDFD_AR || s == S_PIDFD_WAIT;
}

/* Learn the exit status of the child behind HANDLE from start_one
   (strategies 1, 5 and 6), and close the pidfd of 5 and 6.  */
static void
finish_one (enum strategy s, int handle)
{
  if (s == S_WAIT)
    {
      int status;
      if (waitpid (handle, &status, 0) != handle)
	die ("waitpid: %m");
      if (status != 0)
	die ("child status %#x", status);
      return;
    }
  int pidfd = handle;
  if (s == S_PIDFD_WAIT)
    {
      siginfo_t si;
      if (waitid (P_PIDFD, pidfd, &si, WEXITED) != 0)
	die ("waitid (P_PIDFD): %m");
      if (si.si_code != CLD_EXITED || si.si_status != 0)
	die ("waitid: child ended with code %d, status %d", si.si_code,
	     si.si_status);
    }
  else
    {
      struct pollfd p = { .fd = pidfd, .events = POLLIN };
      if (poll (&p, 1, -1) != 1)
	die ("poll (pidfd): %m");
      /* The exit status is recorded when the kernel releases the child,
	 a moment after the pidfd polls readable.  */
      struct pidfd_info info;
      for (int tries = 0;; tries++)
	{
	  info = (struct pidfd_info) { .mask = PIDFD_INFO_EXIT };
	  if (ioctl (pidfd, PIDFD_GET_INFO, &info) == 0
	      && (info.mask & PIDFD_INFO_EXIT))
	    break;
	  if (tries == 100000)
	    die ("PIDFD_GET_INFO: no exit status");
	  sched_yield ();
	}
      if (info.exit_code != 0)
	die ("PIDFD_GET_INFO: exit code %#x", info.exit_code);
    }
  close (pidfd);
}

struct part
{
  enum strategy s;
  int count;
  int *handles;
  struct samples lat;
};

static void *
start_part (void *arg)
{
  struct part *p = arg;
  for (int i = 0; i < p->count; i++)
    add (&p->lat, start_one (p->s, &p->handles[i]));
  return NULL;
}

/* Make a pipe whose write end the children inherit: its read end sees
   EOF once every child that got it has exited.  */
static void
child_pipe (int pipefd[2])
{
  if (pipe2 (pipefd, O_CLOEXEC) != 0)
    die ("pipe2: %m");
  if (fcntl (pipefd[1], F_SETFD, 0) != 0)
    die ("fcntl: %m");
}

/* Close our write end of PIPEFD, read to EOF and close the read end.  */
static void
wait_pipe_eof (int pipefd[2])
{
  close (pipefd[1]);
  char c;
  ssize_t n;
  while ((n = read (pipefd[0], &c, 1)) != 0)
    if (n < 0 && errno != EINTR)
      die ("read: %m");
  close (pipefd[0]);
}

/* Start COUNT children with strategy S from THREADS threads, then
   collect them (1, 5 and 6) and wait until all have exited; add the
   start-call times to LAT.  Return the children per second.  */
static double
run_batch (enum strategy s, int count, int threads, struct samples *lat)
{
  int pipefd[2];
  child_pipe (pipefd);
  struct sigaction ign = { .sa_handler = SIG_IGN }, old;
  if (s == S_SIGIGN && sigaction (SIGCHLD, &ign, &old) != 0)
    die ("sigaction: %m");
  int *handles = calloc (count, sizeof *handles);
  struct part parts[2];
  if (handles == NULL || threads < 1 || threads > 2)
    die ("bad batch");

  double t0 = now ();
  pthread_t tid;
  for (int i = 0; i < threads; i++)
    {
      int first = count * i / threads;
      parts[i] = (struct part) { .s = s, .count = count * (i + 1) / threads
						  - first,
				 .handles = handles + first };
      if (i > 0 && (errno = pthread_create (&tid, NULL, start_part,
					     &parts[i])) != 0)
	die ("pthread_create: %m");
    }
  start_part (&parts[0]);
  if (threads > 1 && (errno = pthread_join (tid, NULL)) != 0)
    die ("pthread_join: %m");
  if (collects (s))
    for (int i = 0; i < count; i++)
      finish_one (s, handles[i]);
  wait_pipe_eof (pipefd);
  double t = now () - t0;

  free (handles);
  for (int i = 0; i < threads; i++)
    {
      merge (lat, &parts[i].lat);
      free (parts[i].lat.v);
    }
  /* With SIG_IGN restored too early, a child that exits later would
     become a zombie.  */
  wait_children_gone ();
  if (s == S_SIGIGN && sigaction (SIGCHLD, &old, NULL) != 0)
    die ("sigaction: %m");
  return count / t;
}

/* The results of one strategy in one setting.  */
struct result
{
  struct samples lat;		/* Seconds per start call.  */
  struct samples rate;		/* Children per second, per batch.  */
  int zombies;			/* The most seen after a batch.  */
  long rss_kib;			/* After the last batch.  */
  int fds;			/* Likewise.  */
};

/* Keep in R the most lasting zombies seen so far.  */
static void
record_zombies (struct result *r)
{
  int z = lasting_zombies ();
  if (z > r->zombies)
    r->zombies = z;
}

static void
run_and_record (enum strategy s, int count, int threads, struct result *r)
{
  add (&r->rate, run_batch (s, count, threads, &r->lat));
  record_zombies (r);
  r->rss_kib = status_kib ("VmRSS");
  r->fds = count_fds ();
}

/* Start COUNT children with strategy S (1, 2, 3 or 7) one at a time:
   each has its own pipe, and the next starts only once the previous one
   has closed it and is gone (1 waitpid's for it).  Add the start-call
   times to R.  */
static void
run_quiet (enum strategy s, int count, struct result *r)
{
  struct sigaction ign = { .sa_handler = SIG_IGN }, old;
  if (s == S_SIGIGN && sigaction (SIGCHLD, &ign, &old) != 0)
    die ("sigaction: %m");
  if (s != S_WAIT && s != S_AUTOREAP && s != S_SIGIGN && s != S_FLOOR)
    abort ();
  double t0 = now ();
  for (int i = 0; i < count; i++)
    {
      int pipefd[2];
      child_pipe (pipefd);
      int pid;
      add (&r->lat, start_one (s, &pid));
      wait_pipe_eof (pipefd);
      if (s == S_WAIT)
	finish_one (s, pid);
      else
	{
	  /* Released a moment after it closed the pipe; a zombie would
	     stay.  */
	  double deadline = now () + 60;
	  while (kill (pid, 0) == 0)
	    {
	      if (now () > deadline)
		die ("child %d not gone 60 s after its exit", (int) pid);
	      sched_yield ();
	    }
	}
    }
  add (&r->rate, count / (now () - t0));
  if (s == S_SIGIGN && sigaction (SIGCHLD, &old, NULL) != 0)
    die ("sigaction: %m");
  record_zombies (r);
}

/* Machine facts.  */

static const char *
hypervisor (void)
{
#ifdef __x86_64__
  unsigned int a, b, c, d;
  __cpuid (1, a, b, c, d);
  if (!(c & (1u << 31)))
    return "none";
  static char sig[13];
  __cpuid (0x40000000, a, b, c, d);
  memcpy (sig, &b, 4);
  memcpy (sig + 4, &c, 4);
  memcpy (sig + 8, &d, 4);
  if (strcmp (sig, "TCGTCGTCGTCG") == 0)
    return "QEMU TCG";
  if (strcmp (sig, "KVMKVMKVM") == 0)
    return "KVM";
  return sig;
#else
  return "unknown";
#endif
}

/* The report.  */

struct config
{
  int smoke, rounds, series_rounds, count, soak, soak_only;
  enum strategy soak_strategy;
  int mib[8], nmib;
};

static struct result strat[S_COUNT];
static struct result quiet_series[NQUIET];	/* As quiet_strat.  */
static struct result rss_series[8][2];	/* [size][wait, autoreap] */
static long rss_series_kib[8];
static struct result thread_series[2][2];	/* [threads - 1][wait, autoreap] */

struct soak_point
{
  int started;
  double t;
  int children, procs, zombies;
  long rss_kib, slab_kib, avail_kib, tasks;
};
static struct soak_point soak[12];
static int nsoak;
static int soak_end_zombies, soak_end_procs;
static long soak_end_rss;

static void
snapshot (struct soak_point *p, int started, double t)
{
  p->started = started;
  p->t = t;
  p->children = count_children ();
  count_processes (&p->procs, &p->zombies);
  /* An autoreaped child shows as Z for a moment while it is released:
     only zombies that last count (a smoke run's soak point once caught
     one in passing).  */
  if (p->zombies > 0)
    p->zombies = lasting_zombies ();
  p->rss_kib = status_kib ("VmRSS");
  p->slab_kib = meminfo_kib ("Slab");
  p->avail_kib = meminfo_kib ("MemAvailable");
  p->tasks = slab_objects ("task_struct");
}

/* Start N children with strategy S (2, 3 or 7: none needs a wait)
   without any wait, with snapshots at each tenth.  */
static void
run_soak (enum strategy s, int n)
{
  struct sigaction ign = { .sa_handler = SIG_IGN }, old;
  if (s == S_SIGIGN && sigaction (SIGCHLD, &ign, &old) != 0)
    die ("sigaction: %m");
  double t0 = now ();
  snapshot (&soak[nsoak++], 0, 0);
  for (int i = 1; i <= n; i++)
    {
      start_one (s, NULL);
      if (i % (n / 10 > 0 ? n / 10 : 1) == 0 && nsoak < 11)
	{
	  struct soak_point *p = &soak[nsoak++];
	  snapshot (p, i, now () - t0);
	  fprintf (stderr, "bench: soak: %d started in %.1f s, %d children, "
		   "%d processes, %d zombies, %ld task_structs, RSS %ld KiB\n",
		   i, p->t, p->children, p->procs, p->zombies, p->tasks,
		   p->rss_kib);
	}
    }
  wait_children_gone ();
  if (s == S_SIGIGN && sigaction (SIGCHLD, &old, NULL) != 0)
    die ("sigaction: %m");
  soak_end_zombies = lasting_zombies ();
  int z;
  count_processes (&soak_end_procs, &z);
  soak_end_rss = status_kib ("VmRSS");
}

static double
ratio (double a, double b)
{
  return b > 0 ? a / b : 0;
}

/* Print a target line: met or missed, and by how much.  */
static void
target (FILE *f, const char *what, double value, double limit, int at_most,
	const char *unit)
{
  int met = at_most ? value <= limit : value >= limit;
  fprintf (f, "| %s | %.3f%s | %s %.3f%s | %s", what, value, unit,
	   at_most ? "<=" : ">=", limit, unit, met ? "met" : "missed");
  if (!met)
    fprintf (f, " by %.1f%%", 100 * (at_most ? value / limit - 1
				     : 1 - value / limit));
  fputs (" |\n", f);
}

static void
write_md (FILE *f, const struct config *cf, const struct utsname *u)
{
  double lat[S_COUNT], rate[S_COUNT];
  for (int s = 0; s < S_COUNT; s++)
    {
      lat[s] = median (&strat[s].lat);
      rate[s] = median (&strat[s].rate);
    }
  fprintf (f, "# POSIX_SPAWN_AUTOREAP benchmark%s\n\n",
	   cf->smoke ? " (smoke run: too few spawns to read anything into)"
	   : "");
  fprintf (f, "Linux %s, %s, %ld CPUs, glibc %s. %d rounds of %d children "
	   "per strategy, interleaved (%d rounds in each series after the "
	   "first table).\n", u->release, hypervisor (),
	   sysconf (_SC_NPROCESSORS_ONLN), gnu_get_libc_version (),
	   cf->rounds, cf->count, cf->series_rounds);
  if (strcmp (hypervisor (), "QEMU TCG") == 0)
    fputs ("Under TCG every instruction is emulated: absolute times mean "
	   "little, read the ratios.\n", f);
  if (cf->soak_only)
    goto soak;
  fputs ("\n| # | strategy | start call, median (us) | vs 1 | vs 7 "
	 "| children/s, median | vs 1 | vs 3 | vs 7 | zombies | RSS (KiB) "
	 "| fds |\n"
	 "| - | - | -: | -: | -: | -: | -: | -: | -: | -: | -: | -: |\n", f);
  for (int s = 0; s < S_COUNT; s++)
    fprintf (f, "| %d | %s | %.1f | %.3f | %.3f | %.1f | %.3f | %.3f | %.3f "
	     "| %d | %ld | %d |\n", s + 1, title[s], lat[s] * 1e6,
	     ratio (lat[s], lat[S_WAIT]), ratio (lat[s], lat[S_FLOOR]),
	     rate[s], ratio (rate[s], rate[S_WAIT]),
	     ratio (rate[s], rate[S_SIGIGN]), ratio (rate[s], rate[S_FLOOR]),
	     strat[s].zombies, strat[s].rss_kib, strat[s].fds);
  fputs ("\nEvery strategy starts the whole batch before it collects "
	 "anything: 1, 5 and 6\nwait for their children only then, and 2, "
	 "3 and 7 never do. The start call\nof 4 is fork up to the middle "
	 "process's waitpid; that of 1, 5 and 6 does not\ninclude the wait. "
	 "Children/s counts children started and finished, the waits\n"
	 "included (every child holds a pipe; its EOF ends the batch). 7 is "
	 "the floor:\nthe clone3 and execve of 2 without glibc's spawn code "
	 "(one stack for all children\nas glibc now keeps one, but no "
	 "CLONE_CLEAR_SIGHAND, no signal masking).\n",
	 f);

  /* Sample R of every strategy's rates is round R's batch.  */
  fputs ("\n## Throughput of 2 against the others, round by round\n\n"
	 "A round runs every strategy's batch back to back, so the ratio "
	 "within a round is\nless exposed to the machine's drift than the "
	 "ratio of the medians above; the\nquartiles show how much noise "
	 "there was.\n\n"
	 "| 2 vs | ratio of the medians | median of the per-round ratios "
	 "| lower quartile | upper quartile |\n"
	 "| - | -: | -: | -: | -: |\n", f);
  for (int s = 0; s < S_COUNT; s++)
    {
      if (s == S_AUTOREAP)
	continue;
      struct samples per_round = { 0 };
      for (size_t r = 0; r < strat[s].rate.n && r < strat[S_AUTOREAP].rate.n;
	   r++)
	add (&per_round, ratio (strat[S_AUTOREAP].rate.v[r],
				strat[s].rate.v[r]));
      fprintf (f, "| %d %s | %.3f | %.3f | %.3f | %.3f |\n", s + 1, key[s],
	       ratio (rate[S_AUTOREAP], rate[s]), median (&per_round),
	       quantile (&per_round, 0.25), quantile (&per_round, 0.75));
      free (per_round.v);
    }

  double quiet[NQUIET];
  for (int q = 0; q < NQUIET; q++)
    quiet[q] = median (&quiet_series[q].lat);
  fputs ("\n## One child at a time, strategies 1, 2, 3 and 7\n\n"
	 "Each child is gone before the next starts (1 waitpid's for it "
	 "first: the serial\nvariant of 1), so the start call does not "
	 "compete with children that are\nstill exiting.\n\n"
	 "| # | start call, median (us) | vs 1 | vs 3 | vs 7 "
	 "| children/s, median | zombies |\n"
	 "| - | -: | -: | -: | -: | -: | -: |\n", f);
  /* quiet_strat is 1, 2, 3, 7.  */
  for (int q = 0; q < NQUIET; q++)
    fprintf (f, "| %d | %.1f | %.3f | %.3f | %.3f | %.1f | %d |\n",
	     quiet_strat[q] + 1, quiet[q] * 1e6, ratio (quiet[q], quiet[0]),
	     ratio (quiet[q], quiet[2]), ratio (quiet[q], quiet[3]),
	     median (&quiet_series[q].rate), quiet_series[q].zombies);

  fputs ("\n## Parent RSS (touched memory), strategies 1 and 2\n\n"
	 "| RSS (MiB) | 1: start call (us) | 2: start call (us) | 2 vs 1 "
	 "| 2 vs itself at the smallest | 1: children/s | 2: children/s |\n"
	 "| -: | -: | -: | -: | -: | -: | -: |\n", f);
  double base = 0;
  for (int i = 0; i < cf->nmib; i++)
    {
      double l1 = median (&rss_series[i][0].lat);
      double l2 = median (&rss_series[i][1].lat);
      if (i == 0)
	base = l2;
      fprintf (f, "| %ld | %.1f | %.1f | %.3f | %.3f | %.1f | %.1f |\n",
	       rss_series_kib[i] / 1024, l1 * 1e6, l2 * 1e6, ratio (l2, l1),
	       ratio (l2, base), median (&rss_series[i][0].rate),
	       median (&rss_series[i][1].rate));
    }

  fputs ("\n## Spawning threads, strategies 1 and 2\n\n"
	 "| threads | 1: children/s | 2: children/s | 2 vs 1 "
	 "| 1: start call (us) | 2: start call (us) |\n"
	 "| -: | -: | -: | -: | -: | -: |\n", f);
  for (int t = 0; t < 2; t++)
    {
      double r1 = median (&thread_series[t][0].rate);
      double r2 = median (&thread_series[t][1].rate);
      fprintf (f, "| %d | %.1f | %.1f | %.3f | %.1f | %.1f |\n", t + 1, r1,
	       r2, ratio (r2, r1), median (&thread_series[t][0].lat) * 1e6,
	       median (&thread_series[t][1].lat) * 1e6);
    }

  fputs ("\n## Targets\n\n| target | measured | wanted | |\n"
	 "| - | -: | -: | - |\n", f);
  target (f, "2 vs 3 (SIG_IGN), throughput",
	  ratio (rate[S_AUTOREAP], rate[S_SIGIGN]), 0.97, 0, "");
  target (f, "2 vs 7 (raw clone3 floor), throughput",
	  ratio (rate[S_AUTOREAP], rate[S_FLOOR]), 0.95, 0, "");
  target (f, "2 vs 4 (double fork), throughput", ratio (rate[S_AUTOREAP],
					  rate[S_DOUBLEFORK]), 1.8, 0, "");
  target (f, "2 vs 1, start call, one child at a time",
	  ratio (quiet[1], quiet[0]), 1.02, 1, "");
  target (f, "2 vs 1, start call, in the batches above",
	  ratio (lat[S_AUTOREAP], lat[S_WAIT]), 1.02, 1, "");
  if (cf->nmib > 1)
    target (f, "2: start call at the largest vs the smallest RSS",
	    ratio (median (&rss_series[cf->nmib - 1][1].lat), base), 1.10, 1,
	    "");

 soak:
  if (nsoak == 0)
    return;
  fprintf (f, "\n## Soak: %d children with strategy %d, no wait\n\n"
	   "| started | s | children/s so far | our children | processes "
	   "| zombies | task_structs | RSS (KiB) | Slab (KiB) "
	   "| MemAvailable (KiB) |\n"
	   "| -: | -: | -: | -: | -: | -: | -: | -: | -: | -: |\n", cf->soak,
	   cf->soak_strategy + 1);
  for (int i = 0; i < nsoak; i++)
    fprintf (f, "| %d | %.1f | %.1f | %d | %d | %d | %ld | %ld | %ld | %ld |\n",
	     soak[i].started, soak[i].t,
	     soak[i].t > 0 ? soak[i].started / soak[i].t : 0,
	     soak[i].children, soak[i].procs, soak[i].zombies, soak[i].tasks,
	     soak[i].rss_kib, soak[i].slab_kib, soak[i].avail_kib);
  fprintf (f, "\nAfter the soak, once every child was gone: %d zombies, "
	   "%d processes, RSS %ld KiB (%+ld KiB from the start).\n",
	   soak_end_zombies, soak_end_procs, soak_end_rss,
	   soak_end_rss - soak[0].rss_kib);

  fputs ("\n| soak target | measured | wanted | |\n"
	 "| - | -: | -: | - |\n", f);
  target (f, "zombies", soak_end_zombies, 0, 1, "");
  target (f, "RSS growth", (soak_end_rss - soak[0].rss_kib) / 1024.0, 1, 1,
	  " MiB");
}

static void
json_samples (FILE *f, const char *name, const struct samples *s,
	      double scale)
{
  fprintf (f, "\"%s\": [", name);
  for (size_t i = 0; i < s->n; i++)
    fprintf (f, "%s%.9g", i ? ", " : "", s->v[i] * scale);
  fputs ("]", f);
}

/* Print R as a JSON object; strategy number N (1-based) and its title
   first if N > 0.  */
static void
json_result_n (FILE *f, const struct result *r, int n)
{
  fputs ("{", f);
  if (n > 0)
    fprintf (f, "\"number\": %d, \"title\": \"%s\", ", n, title[n - 1]);
  json_samples (f, "start_call_us", &r->lat, 1e6);
  fputs (", ", f);
  json_samples (f, "children_per_s", &r->rate, 1);
  fprintf (f, ", \"zombies\": %d, \"rss_kib\": %ld, \"fds\": %d}",
	   r->zombies, r->rss_kib, r->fds);
}

static void
json_result (FILE *f, const struct result *r)
{
  json_result_n (f, r, 0);
}

static void
write_json (FILE *f, const struct config *cf, const struct utsname *u)
{
  fprintf (f, "{\n  \"machine\": {\"kernel\": \"%s\", \"machine\": \"%s\", "
	   "\"hypervisor\": \"%s\", \"tcg\": %s, \"cpus\": %ld, "
	   "\"mem_total_kib\": %ld, \"glibc\": \"%s\"},\n",
	   u->release, u->machine, hypervisor (),
	   strcmp (hypervisor (), "QEMU TCG") == 0 ? "true" : "false",
	   sysconf (_SC_NPROCESSORS_ONLN), meminfo_kib ("MemTotal"),
	   gnu_get_libc_version ());
  fprintf (f, "  \"config\": {\"smoke\": %s, \"rounds\": %d, "
	   "\"series_rounds\": %d, \"children_per_batch\": %d, "
	   "\"soak\": %d, \"soak_strategy\": \"%s\"},\n",
	   cf->smoke ? "true" : "false", cf->rounds, cf->series_rounds,
	   cf->count, cf->soak, key[cf->soak_strategy]);
  fputs ("  \"strategies\": {\n", f);
  for (int s = 0; s < S_COUNT; s++)
    {
      fprintf (f, "    \"%s\": ", key[s]);
      json_result_n (f, &strat[s], s + 1);
      fputs (s + 1 < S_COUNT ? ",\n" : "\n", f);
    }
  fputs ("  },\n  \"one_at_a_time\": {\n", f);
  for (int q = 0; q < NQUIET; q++)
    {
      fprintf (f, "    \"%s\": ", key[quiet_strat[q]]);
      json_result_n (f, &quiet_series[q], quiet_strat[q] + 1);
      fputs (q + 1 < NQUIET ? ",\n" : "\n", f);
    }
  fputs ("  },\n  \"rss_series\": [\n", f);
  for (int i = 0; i < cf->nmib; i++)
    {
      fprintf (f, "    {\"rss_kib\": %ld, \"wait\": ", rss_series_kib[i]);
      json_result (f, &rss_series[i][0]);
      fputs (", \"autoreap\": ", f);
      json_result (f, &rss_series[i][1]);
      fputs (i + 1 < cf->nmib ? "},\n" : "}\n", f);
    }
  fputs ("  ],\n  \"thread_series\": [\n", f);
  for (int t = 0; t < 2; t++)
    {
      fprintf (f, "    {\"threads\": %d, \"wait\": ", t + 1);
      json_result (f, &thread_series[t][0]);
      fputs (", \"autoreap\": ", f);
      json_result (f, &thread_series[t][1]);
      fputs (t == 0 ? "},\n" : "}\n", f);
    }
  fputs ("  ],\n  \"soak\": {\"points\": [\n", f);
  for (int i = 0; i < nsoak; i++)
    fprintf (f, "    {\"started\": %d, \"seconds\": %.3f, \"children\": %d, "
	     "\"processes\": %d, \"zombies\": %d, \"rss_kib\": %ld, "
	     "\"slab_kib\": %ld, \"mem_available_kib\": %ld, "
	     "\"task_structs\": %ld}%s\n",
	     soak[i].started, soak[i].t, soak[i].children, soak[i].procs,
	     soak[i].zombies, soak[i].rss_kib, soak[i].slab_kib,
	     soak[i].avail_kib, soak[i].tasks, i + 1 < nsoak ? "," : "");
  fprintf (f, "  ], \"end\": {\"zombies\": %d, \"processes\": %d, "
	   "\"rss_kib\": %ld}}\n}\n", soak_end_zombies, soak_end_procs,
	   soak_end_rss);
}

static void
write_dat (FILE *f)
{
  fputs ("# strategy children/s start-call-us\n", f);
  for (int s = 0; s < S_COUNT; s++)
    fprintf (f, "\"%d %s\" %.3f %.3f\n", s + 1, key[s],
	     median (&strat[s].rate), median (&strat[s].lat) * 1e6);
}

static FILE *
xfopen (const char *dir, const char *name)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen (path, "w");
  if (f == NULL)
    die ("%s: %m", path);
  return f;
}

static void
xfclose (FILE *f)
{
  if (ferror (f) || fclose (f) != 0)
    die ("writing the report failed");
}

int
main (int argc, char **argv)
{
  struct config cf = { .rounds = 30, .series_rounds = 10, .count = 100,
		       .soak = 100000,
		       .soak_strategy = S_AUTOREAP,
		       .mib = { 10, 100, 1024 }, .nmib = 3 };
  int opt, rounds = -1, count = -1, soak_n = -1;
  char *mib = NULL;
  while ((opt = getopt (argc, argv, "sr:n:m:k:OS:")) != -1)
    switch (opt)
      {
      case 's': cf.smoke = 1; break;
      case 'r': rounds = atoi (optarg); break;
      case 'n': count = atoi (optarg); break;
      case 'm': mib = optarg; break;
      case 'k': soak_n = atoi (optarg); break;
      case 'O': cf.soak_only = 1; break;
      case 'S':
	cf.soak_strategy = strcmp (optarg, "sigign") == 0 ? S_SIGIGN
			   : strcmp (optarg, "autoreap") == 0 ? S_AUTOREAP
			   : strcmp (optarg, "floor") == 0 ? S_FLOOR
			   : (die ("-S: autoreap, sigign or floor"), 0);
	break;
      default:
	die ("usage: bench [-s] [-r ROUNDS] [-n COUNT] [-m MIB,...] "
	     "[-k SOAK] [-O] [-S autoreap|sigign|floor] CHILD OUTDIR");
      }
  if (argc - optind != 2)
    die ("usage: bench [-s] [-r ROUNDS] [-n COUNT] [-m MIB,...] [-k SOAK] "
	 "[-O] [-S autoreap|sigign|floor] CHILD OUTDIR");
  child = argv[optind];
  const char *outdir = argv[optind + 1];
  if (cf.smoke)
    {
      cf.rounds = 2;
      cf.series_rounds = 2;
      cf.count = 10;
      cf.soak = 100;
      cf.mib[1] = 64;
      cf.nmib = 2;
    }
  if (rounds > 0)
    cf.rounds = rounds;
  if (count > 0)
    cf.count = count;
  if (soak_n >= 0)
    cf.soak = soak_n;
  if (mib != NULL)
    {
      cf.nmib = 0;
      for (char *p = strtok (mib, ","); p != NULL && cf.nmib < 8;
	   p = strtok (NULL, ","))
	cf.mib[cf.nmib++] = atoi (p);
    }
  if (access (child, X_OK) != 0)
    die ("%s: %m", child);

  posix_spawnattr_init (&plain_attr);
  posix_spawnattr_init (&autoreap_attr);
  if ((errno = posix_spawnattr_setautoreap (&autoreap_attr, 1)) != 0)
    die ("posix_spawnattr_setautoreap: %m");
  pid_t pid;
  errno = posix_spawn (&pid, child, NULL, &autoreap_attr, child_argv,
		       environ);
  if (errno == ENOTSUP)
    die ("this kernel has no CLONE_AUTOREAP (Linux 7.1 or later needed)");
  if (errno != 0)
    die ("posix_spawn: %m");
  wait_children_gone ();
  if (count_children () != 0 || lasting_zombies () != 0)
    die ("start with no child and no zombie in the system");

  struct utsname u;
  uname (&u);
  fprintf (stderr, "bench: Linux %s, %s\n", u.release, hypervisor ());
  if (cf.soak_only)
    goto soak;
  fprintf (stderr, "bench: %d rounds x %d strategies x %d children\n",
	   cf.rounds, S_COUNT, cf.count);

  /* Warm up: one batch of each, not recorded.  */
  struct samples scratch = { 0 };
  for (int s = 0; s < S_COUNT; s++)
    run_batch (s, cf.count, 1, &scratch);

  for (int r = 0; r < cf.rounds; r++)
    for (int i = 0; i < S_COUNT; i++)
      {
	enum strategy s = (r + i) % S_COUNT;
	run_and_record (s, cf.count, 1, &strat[s]);
      }

  fputs ("bench: one child at a time\n", stderr);
  for (int r = 0; r < cf.series_rounds; r++)
    for (int i = 0; i < NQUIET; i++)
      {
	int q = (r + i) % NQUIET;
	run_quiet (quiet_strat[q], cf.count, &quiet_series[q]);
      }

  fputs ("bench: parent RSS series\n", stderr);
  for (int i = 0; i < cf.nmib; i++)
    {
      size_t len = (size_t) cf.mib[i] << 20;
      long before = status_kib ("VmRSS");
      long want = (long) cf.mib[i] * 1024 - before;
      char *m = NULL;
      if (want > 0)
	{
	  m = mmap (NULL, want * 1024, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	  if (m == MAP_FAILED)
	    die ("mmap %zu bytes: %m", len);
	  memset (m, 1, want * 1024);
	}
      rss_series_kib[i] = status_kib ("VmRSS");
      for (int r = 0; r < cf.series_rounds; r++)
	for (int j = 0; j < 2; j++)
	  {
	    int k = (r + j) % 2;
	    run_and_record (k ? S_AUTOREAP : S_WAIT, cf.count, 1,
			    &rss_series[i][k]);
	  }
      if (m != NULL)
	munmap (m, want * 1024);
    }

  fputs ("bench: threads series\n", stderr);
  for (int r = 0; r < cf.series_rounds; r++)
    for (int j = 0; j < 4; j++)
      {
	int k = (r + j) % 4, threads = k / 2 + 1, a = k % 2;
	run_and_record (a ? S_AUTOREAP : S_WAIT, cf.count, threads,
			&thread_series[threads - 1][a]);
      }

soak:
  if (cf.soak > 0)
    {
      fprintf (stderr, "bench: soak, %d children, strategy %s\n", cf.soak,
	       key[cf.soak_strategy]);
      run_soak (cf.soak_strategy, cf.soak);
    }

  FILE *f = xfopen (outdir, "bench.md");
  write_md (f, &cf, &u);
  xfclose (f);
  write_md (stdout, &cf, &u);
  f = xfopen (outdir, "bench.json");
  write_json (f, &cf, &u);
  xfclose (f);
  f = xfopen (outdir, "bench.dat");
  write_dat (f);
  xfclose (f);

  int zombies = soak_end_zombies;
  for (int s = 0; s < S_COUNT; s++)
    zombies += strat[s].zombies;
  for (int q = 0; q < NQUIET; q++)
    zombies += quiet_series[q].zombies;
  for (int i = 0; i < cf.nmib; i++)
    zombies += rss_series[i][0].zombies + rss_series[i][1].zombies;
  for (int t = 0; t < 2; t++)
    zombies += thread_series[t][0].zombies + thread_series[t][1].zombies;
  if (zombies > 0)
    {
      fprintf (stderr, "bench: %d zombies were left\n", zombies);
      return 1;
    }
  return 0;
}
