/* Native code gone wrong, for the host's isolation tests: once a step passes failAt, the FMU either writes through
   a null pointer (default) or spins forever (-DMODE_HANG). Before that it copies u to y.
   Variables: Real 0 u (input), 1 y (output), 2 failAt (parameter, start 0.3). */
#define N_REAL 3
#define N_INT 0
#define N_BOOL 0
static const char REAL_ROLE[N_REAL] = {'i', 'o', 'p'};
static const char INT_ROLE[1] = {'o'};
static const char BOOL_ROLE[1] = {'o'};
#include "model.h"

static void model_defaults(Instance *m) {
  m->r[0] = 0.0;
  m->r[1] = 0.0;
  m->r[2] = 0.3;
}
static int model_instantiate(Instance *m) { (void)m; return 0; }
static int model_initialize(Instance *m) { m->r[1] = m->r[0]; return 0; }
static int model_step(Instance *m, double t, double h) {
  if (t + h > m->r[2] + 1e-12) {
#ifdef MODE_HANG
    volatile unsigned long spins = 0;
    for (;;) spins++;
#else
    volatile int *nowhere = NULL;
    *nowhere = 42;
#endif
  }
  m->r[1] = m->r[0];
  return 0;
}

#include "skeleton2.c"
