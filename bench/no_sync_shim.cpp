// A preloadable library that turns fsync(2) and fdatasync(2) into no-ops: the reference against
// which bench/sync_cost.py measures what ouro's durable writes cost (the same binary, the same
// run, with and without syncs). For benchmarks only; never linked into ouro.
#include <unistd.h>

extern "C" {

int fsync(int) { return 0; }
int fdatasync(int) { return 0; }

}
