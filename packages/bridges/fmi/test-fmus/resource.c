/* Reads its gain from resources/gain.txt at instantiation (through the resource location the importer passes).
   Variables: Real 0 u (input, start 1), 1 y = gain * u (output), 2 gain (calculated parameter). */
#define N_REAL 3
#define N_INT 0
#define N_BOOL 0
static const char REAL_ROLE[N_REAL] = {'i', 'o', 'o'};
static const char INT_ROLE[1] = {'o'};
static const char BOOL_ROLE[1] = {'o'};
#include "model.h"

static void model_defaults(Instance *m) {
  m->r[0] = 1.0;
  m->r[1] = 0.0;
}
static int model_instantiate(Instance *m) {
  char path[2200];
  FILE *f;
  snprintf(path, sizeof path, "%s/gain.txt", m->resourceDir);
  f = fopen(path, "r");
  if (f == NULL || fscanf(f, "%lf", &m->r[2]) != 1) {
    if (f != NULL) fclose(f);
    model_log(m, 1, "logStatusError", "cannot read gain.txt from the resources folder");
    return 1;
  }
  fclose(f);
  return 0;
}
static int model_initialize(Instance *m) { m->r[1] = m->r[2] * m->r[0]; return 0; }
static int model_step(Instance *m, double t, double h) {
  (void)t; (void)h;
  m->r[1] = m->r[2] * m->r[0];
  return 0;
}

#include "skeleton2.c"
