/* Asks to end the simulation at stopAt: the step that would pass it ends there, returns fmi2Discard and reports
   fmi2Terminated = true with fmi2LastSuccessfulTime = stopAt. Variables: Real 0 x = time (output),
   1 stopAt (parameter, start 0.45). */
#define N_REAL 2
#define N_INT 0
#define N_BOOL 0
static const char REAL_ROLE[N_REAL] = {'o', 'p'};
static const char INT_ROLE[1] = {'o'};
static const char BOOL_ROLE[1] = {'o'};
#include "model.h"

static void model_defaults(Instance *m) {
  m->r[0] = 0.0;
  m->r[1] = 0.45;
}
static int model_instantiate(Instance *m) { (void)m; return 0; }
static int model_initialize(Instance *m) { m->r[0] = m->time; return 0; }
static int model_step(Instance *m, double t, double h) {
  if (t + h > m->r[1] + 1e-12) {
    m->time = m->r[1];
    m->lastSuccessfulTime = m->r[1];
    m->r[0] = m->r[1];
    m->terminateRequested = 1;
    model_log(m, 0, "logEvents", "stop time reached: terminate requested");
    return 0;
  }
  m->r[0] = t + h;
  return 0;
}

#include "skeleton2.c"
