/* The benchmark's child: exit at once.  Linked statically (tests/bench/run)
   so that starting it costs an exec and no dynamic loading.  */

#include <unistd.h>

int
main (void)
{
  _exit (0);
}
