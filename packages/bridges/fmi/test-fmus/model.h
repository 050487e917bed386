/* The part of a test FMU that does not depend on the FMI version: its variables, its phase rules and its hooks.
   A model file defines N_REAL/N_INT/N_BOOL, the role of each variable and the hooks, then includes the skeleton of
   the FMI version it is built for (chosen with -DFMI_MAJOR=2 or 3). */
#ifndef DOPPEL_TEST_MODEL_H
#define DOPPEL_TEST_MODEL_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Phases a variable may be set in:
   'p' parameter (fixed): before initialisation and in initialisation mode;
   's' state with an exact start value: the same phases as a parameter;
   'i' input: any phase before termination;
   'o' calculated output or local: never. */
enum { PHASE_INSTANTIATED, PHASE_INIT, PHASE_STEP, PHASE_TERMINATED, PHASE_ERROR };

typedef struct Instance {
  int phase;
  int experimentSetUp;
  double time;
  double startTime;
  double r[N_REAL + 1];
  int i[N_INT + 1];
  int b[N_BOOL + 1];
  int terminateRequested;
  double lastSuccessfulTime;
  char resourceDir[2048];
  void *env;
  const void *callbacks;
  char name[128];
} Instance;

static void model_log(Instance *m, int error, const char *category, const char *message);

/* What a saved FMU state holds: the model's data, never the callbacks or the instance's name, so a state serialized
   by one instance can be restored into another instance of the same FMU (in another process). */
#define SAVED_MAGIC 0x44504c53u
typedef struct Saved {
  unsigned magic;
  int phase;
  double time;
  double startTime;
  double r[N_REAL + 1];
  int i[N_INT + 1];
  int b[N_BOOL + 1];
  int terminateRequested;
  double lastSuccessfulTime;
} Saved;

static void save_into(const Instance *m, Saved *s) {
  s->magic = SAVED_MAGIC;
  s->phase = m->phase;
  s->time = m->time;
  s->startTime = m->startTime;
  memcpy(s->r, m->r, sizeof s->r);
  memcpy(s->i, m->i, sizeof s->i);
  memcpy(s->b, m->b, sizeof s->b);
  s->terminateRequested = m->terminateRequested;
  s->lastSuccessfulTime = m->lastSuccessfulTime;
}

static void restore_from(Instance *m, const Saved *s) {
  m->phase = s->phase;
  m->time = s->time;
  m->startTime = s->startTime;
  memcpy(m->r, s->r, sizeof s->r);
  memcpy(m->i, s->i, sizeof s->i);
  memcpy(m->b, s->b, sizeof s->b);
  m->terminateRequested = s->terminateRequested;
  m->lastSuccessfulTime = s->lastSuccessfulTime;
}

/* Tests count the doStep calls an importer makes: with DOPPEL_TEST_FMU_STEP_LOG set, each call appends the
   instance's name and the communication point to that file. */
static void count_step(const Instance *m, double t) {
  const char *path = getenv("DOPPEL_TEST_FMU_STEP_LOG");
  FILE *f;
  if (path == NULL || path[0] == '\0') return;
  f = fopen(path, "a");
  if (f == NULL) return;
  fprintf(f, "%s %.17g\n", m->name, t);
  fclose(f);
}

static int may_set(char role, int phase) {
  switch (role) {
  case 'p':
  case 's':
    return phase == PHASE_INSTANTIATED || phase == PHASE_INIT;
  case 'i':
    return phase == PHASE_INSTANTIATED || phase == PHASE_INIT || phase == PHASE_STEP;
  default:
    return 0;
  }
}
#endif
