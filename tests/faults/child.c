/* The programs that tests/faults/sweep.c spawns: each writes one byte to
   descriptor 3 (the sweep's report pipe) to say that it runs, then exits
   with status 0, or, built with -DWAIT, waits to be killed
   (POSIX_SPAWN_PIDFD_AUTOKILL).  If the write fails, it exits with
   status 3.  x86_64 only, and built with -nostdlib -static
   (tests/faults/run): no C library starts up, so the kernel's exec is
   the last thing between the spawn and the write, and a child that the
   spawn reported as started either writes its byte or is killed by the
   kernel in its exec (never exits with 127, as a C library's start-up
   that failed to allocate would).  */

#include <sys/syscall.h>

static long
syscall1 (long number, long a)
{
  long r;
  __asm__ volatile ("syscall" : "=a" (r) : "a" (number), "D" (a)
		    : "rcx", "r11", "memory");
  return r;
}

static long
syscall3 (long number, long a, long b, long c)
{
  long r;
  __asm__ volatile ("syscall" : "=a" (r)
		    : "a" (number), "D" (a), "S" (b), "d" (c)
		    : "rcx", "r11", "memory");
  return r;
}

void __attribute__ ((noreturn))
_start (void)
{
  static const char byte = 'r';
  int status = syscall3 (SYS_write, 3, (long) &byte, 1) == 1 ? 0 : 3;
#ifdef WAIT
  if (status == 0)
    for (;;)
      syscall1 (SYS_pause, 0);
#endif
  for (;;)
    syscall1 (SYS_exit_group, status);
}
