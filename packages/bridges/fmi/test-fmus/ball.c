/* Bouncing ball with state events located exactly inside each step: free fall is integrated in closed form and
   every impact (h = 0, v < 0) is found by solving the quadratic, then v := -e * v. Below a minimum impact speed the
   ball comes to rest. Variables: Real 0 h (output, exact start 1), 1 v (output, exact start 0), 2 g (parameter),
   3 e (parameter); Integer 0 bounces (output). */
#define N_REAL 4
#define N_INT 1
#define N_BOOL 0
static const char REAL_ROLE[N_REAL] = {'s', 's', 'p', 'p'};
static const char INT_ROLE[N_INT] = {'o'};
static const char BOOL_ROLE[1] = {'o'};
#include "model.h"

#define REST_SPEED 1e-3

static void model_defaults(Instance *m) {
  m->r[0] = 1.0;
  m->r[1] = 0.0;
  m->r[2] = 9.81;
  m->r[3] = 0.7;
  m->i[0] = 0;
}
static int model_instantiate(Instance *m) { (void)m; return 0; }
static int model_initialize(Instance *m) { return m->r[0] < 0 || m->r[2] <= 0; }
static int model_step(Instance *m, double t, double step) {
  double h = m->r[0], v = m->r[1], g = m->r[2], e = m->r[3], left = step;
  (void)t;
  while (left > 0) {
    if (h <= 0 && v <= 0 && fabs(v) < REST_SPEED) { h = 0; v = 0; break; }
    /* time to the next impact: h + v*s - g*s^2/2 = 0, the positive root */
    double s = (v + sqrt(v * v + 2 * g * h)) / g;
    if (s > left) {
      h += v * left - 0.5 * g * left * left;
      v -= g * left;
      break;
    }
    left -= s;
    v = -e * (v - g * s);
    h = 0;
    m->i[0] += 1;
    if (v < REST_SPEED) v = 0;
  }
  m->r[0] = h;
  m->r[1] = v;
  return 0;
}

#if FMI_MAJOR == 3
#include "skeleton3.c"
#else
#include "skeleton2.c"
#endif
