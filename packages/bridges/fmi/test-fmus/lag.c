/* First-order lag: T * dy/dt = u - y, stepped with the exact solution for an input held over the step, so
   y(t) = u + (y0 - u) * exp(-(t - t0) / T) holds to rounding. Variables (value references):
   Real 0 u (input), 1 y (output, exact start), 2 T (fixed parameter, > 0), 3 time (independent). */
#define N_REAL 4
#define N_INT 0
#define N_BOOL 0
static const char REAL_ROLE[N_REAL] = {'i', 's', 'p', 'o'};
static const char INT_ROLE[1] = {'o'};
static const char BOOL_ROLE[1] = {'o'};
#include "model.h"

static void model_defaults(Instance *m) {
  m->r[0] = 1.0;
  m->r[1] = 0.0;
  m->r[2] = 1.0;
  m->r[3] = 0.0;
}
static int model_instantiate(Instance *m) { (void)m; return 0; }
static int model_initialize(Instance *m) {
  m->r[3] = m->time;
  if (!(m->r[2] > 0)) {
    model_log(m, 1, "logStatusError", "T must be positive");
    return 1;
  }
  return 0;
}
static int model_step(Instance *m, double t, double h) {
  m->r[1] = m->r[0] + (m->r[1] - m->r[0]) * exp(-h / m->r[2]);
  m->r[3] = t + h;
  return 0;
}

#if FMI_MAJOR == 3
#include "skeleton3.c"
#else
#include "skeleton2.c"
#endif
