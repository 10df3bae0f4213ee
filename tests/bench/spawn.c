/* The ways the benchmark starts a child (see bench.c), each batch of
   them timed, and the floor's clone3 trampoline.  */

#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

const char *const key[S_COUNT] =
{
  "wait", "autoreap", "sigign", "doublefork", "pidfd-autoreap", "pidfd-wait",
  "clone3-floor"
};

const char *const title[S_COUNT] =
{
  "posix_spawn, waitpid after the batch",
  "posix_spawn + AUTOREAP",
  "posix_spawn, SIGCHLD SIG_IGN",
  "double fork",
  "pidfd_spawn + AUTOREAP, poll + PIDFD_GET_INFO after the batch",
  "pidfd_spawn, waitid (P_PIDFD) after the batch",
  "raw clone3 AUTOREAP + VM + VFORK, execve (floor)",
};

static const char *child;
static char *child_argv[] = { (char *) "child", NULL };
static posix_spawnattr_t plain_attr, autoreap_attr;

/* Make ready to start CHILD: the spawn attributes, and one autoreaped
   child to check that the kernel can.  */
void
spawn_init (const char *path)
{
  child = path;
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
double
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
   collect them (1, 5 and 6) and wait until all have exited; store the
   median start-call time in *LAT.  Return the children per second.  */
static double
run_batch (enum strategy s, int count, int threads, double *lat)
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
  struct samples all = { 0 };
  for (int i = 0; i < threads; i++)
    {
      for (size_t j = 0; j < parts[i].lat.n; j++)
	add (&all, parts[i].lat.v[j]);
      free (parts[i].lat.v);
    }
  *lat = median (&all);
  free (all.v);
  /* With SIG_IGN restored too early, a child that exits later would
     become a zombie.  */
  wait_children_gone ();
  if (s == S_SIGIGN && sigaction (SIGCHLD, &old, NULL) != 0)
    die ("sigaction: %m");
  return count / t;
}

/* Keep in R the most lasting zombies seen so far.  */
static void
record_zombies (struct result *r)
{
  int z = lasting_zombies ();
  if (z > r->zombies)
    r->zombies = z;
}

void
run_and_record (enum strategy s, int count, int threads, struct result *r)
{
  double lat;
  add (&r->rate, run_batch (s, count, threads, &lat));
  add (&r->lat, lat);
  record_zombies (r);
  r->rss_kib = proc_number ("/proc/self/status", "VmRSS");
  r->fds = count_fds ();
}

/* Start COUNT children with strategy S (1, 2, 3 or 7) one at a time:
   each has its own pipe, and the next starts only once the previous one
   has closed it and is gone (1 waitpid's for it).  Add to R the median
   start-call time and the children per second.  */
void
run_quiet (enum strategy s, int count, struct result *r)
{
  struct sigaction ign = { .sa_handler = SIG_IGN }, old;
  if (s == S_SIGIGN && sigaction (SIGCHLD, &ign, &old) != 0)
    die ("sigaction: %m");
  if (s != S_WAIT && s != S_AUTOREAP && s != S_SIGIGN && s != S_FLOOR)
    abort ();
  struct samples lat = { 0 };
  double t0 = now ();
  for (int i = 0; i < count; i++)
    {
      int pipefd[2];
      child_pipe (pipefd);
      int pid;
      add (&lat, start_one (s, &pid));
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
  add (&r->lat, median (&lat));
  free (lat.v);
  if (s == S_SIGIGN && sigaction (SIGCHLD, &old, NULL) != 0)
    die ("sigaction: %m");
  record_zombies (r);
}

