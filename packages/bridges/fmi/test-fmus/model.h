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
