/* FMI 3.0 co-simulation entry points around a test model (see model.h), strict about phases like skeleton2.c.
   Instances are allocated with calloc: FMI 3.0 has no memory callbacks. */
#include "fmi3-min.h"

typedef struct {
  fmi3LogMessageCallback log;
} Callbacks3;

static void model_log(Instance *m, int error, const char *category, const char *message) {
  const Callbacks3 *f = (const Callbacks3 *)m->callbacks;
  if (f != NULL && f->log != NULL) f->log(m->env, error ? fmi3Error : fmi3OK, category, message);
}

static fmi3Status fail(Instance *m, const char *message) {
  model_log(m, 1, "logStatusError", message);
  return fmi3Error;
}

FMI_EXPORT const char *fmi3GetVersion(void) { return "3.0"; }

FMI_EXPORT fmi3Instance fmi3InstantiateCoSimulation(
    fmi3String instanceName, fmi3String instantiationToken, fmi3String resourcePath, fmi3Boolean visible,
    fmi3Boolean loggingOn, fmi3Boolean eventModeUsed, fmi3Boolean earlyReturnAllowed,
    const fmi3ValueReference requiredIntermediateVariables[], size_t nRequiredIntermediateVariables,
    fmi3InstanceEnvironment instanceEnvironment, fmi3LogMessageCallback logMessage,
    fmi3IntermediateUpdateCallback intermediateUpdate) {
  Instance *m;
  Callbacks3 *cb;
  size_t n;
  (void)visible; (void)eventModeUsed; (void)earlyReturnAllowed; (void)requiredIntermediateVariables;
  (void)nRequiredIntermediateVariables; (void)intermediateUpdate;
  if (instantiationToken == NULL || strcmp(instantiationToken, MODEL_TOKEN) != 0) return NULL;
  /* FMI 3.0 hands over a native path with a trailing separator, not a URI. */
  if (resourcePath == NULL || resourcePath[0] != '/') return NULL;
  n = strlen(resourcePath);
  if (n == 0 || resourcePath[n - 1] != '/' || n >= sizeof m->resourceDir) return NULL;
  m = (Instance *)calloc(1, sizeof(Instance));
  cb = (Callbacks3 *)calloc(1, sizeof(Callbacks3));
  if (m == NULL || cb == NULL) { free(m); free(cb); return NULL; }
  cb->log = logMessage;
  m->callbacks = cb;
  m->env = instanceEnvironment;
  snprintf(m->name, sizeof m->name, "%s", instanceName != NULL ? instanceName : "");
  memcpy(m->resourceDir, resourcePath, n - 1);
  m->resourceDir[n - 1] = '\0';
  m->phase = PHASE_INSTANTIATED;
  model_defaults(m);
  if (model_instantiate(m) != 0) { free(cb); free(m); return NULL; }
  if (loggingOn) model_log(m, 0, "logEvents", "instantiated");
  return m;
}

FMI_EXPORT void fmi3FreeInstance(fmi3Instance c) {
  Instance *m = (Instance *)c;
  if (m == NULL) return;
  free((void *)m->callbacks);
  free(m);
}

FMI_EXPORT fmi3Status fmi3EnterInitializationMode(fmi3Instance c, fmi3Boolean toleranceDefined, fmi3Float64 tolerance,
                                                  fmi3Float64 startTime, fmi3Boolean stopTimeDefined,
                                                  fmi3Float64 stopTime) {
  Instance *m = (Instance *)c;
  (void)toleranceDefined; (void)tolerance; (void)stopTimeDefined; (void)stopTime;
  if (m->phase != PHASE_INSTANTIATED) return fail(m, "fmi3EnterInitializationMode out of sequence");
  m->startTime = startTime;
  m->time = startTime;
  m->phase = PHASE_INIT;
  return fmi3OK;
}

FMI_EXPORT fmi3Status fmi3ExitInitializationMode(fmi3Instance c) {
  Instance *m = (Instance *)c;
  if (m->phase != PHASE_INIT) return fail(m, "fmi3ExitInitializationMode outside initialisation mode");
  m->phase = PHASE_STEP;
  return model_initialize(m) == 0 ? fmi3OK : fmi3Error;
}

FMI_EXPORT fmi3Status fmi3Terminate(fmi3Instance c) {
  Instance *m = (Instance *)c;
  if (m->phase != PHASE_STEP && m->phase != PHASE_INIT) return fail(m, "fmi3Terminate out of sequence");
  m->phase = PHASE_TERMINATED;
  return fmi3OK;
}

FMI_EXPORT fmi3Status fmi3GetFloat64(fmi3Instance c, const fmi3ValueReference vr[], size_t nvr, fmi3Float64 values[],
                                     size_t nValues) {
  Instance *m = (Instance *)c;
  if (nValues != nvr) return fail(m, "fmi3GetFloat64: scalar variables only");
  for (size_t k = 0; k < nvr; k++) {
    if (vr[k] >= N_REAL) return fail(m, "unknown value reference");
    values[k] = m->r[vr[k]];
  }
  return fmi3OK;
}
FMI_EXPORT fmi3Status fmi3SetFloat64(fmi3Instance c, const fmi3ValueReference vr[], size_t nvr,
                                     const fmi3Float64 values[], size_t nValues) {
  Instance *m = (Instance *)c;
  if (nValues != nvr) return fail(m, "fmi3SetFloat64: scalar variables only");
  for (size_t k = 0; k < nvr; k++) {
    if (vr[k] >= N_REAL) return fail(m, "unknown value reference");
    if (!may_set(REAL_ROLE[vr[k]], m->phase)) return fail(m, "fmi3SetFloat64: variable not settable in this phase");
    m->r[vr[k]] = values[k];
  }
  return fmi3OK;
}
FMI_EXPORT fmi3Status fmi3GetInt32(fmi3Instance c, const fmi3ValueReference vr[], size_t nvr, fmi3Int32 values[],
                                   size_t nValues) {
  Instance *m = (Instance *)c;
  if (nValues != nvr) return fail(m, "fmi3GetInt32: scalar variables only");
  for (size_t k = 0; k < nvr; k++) {
    if (vr[k] >= N_INT) return fail(m, "unknown value reference");
    values[k] = m->i[vr[k]];
  }
  return fmi3OK;
}
FMI_EXPORT fmi3Status fmi3SetInt32(fmi3Instance c, const fmi3ValueReference vr[], size_t nvr, const fmi3Int32 values[],
                                   size_t nValues) {
  Instance *m = (Instance *)c;
  if (nValues != nvr) return fail(m, "fmi3SetInt32: scalar variables only");
  for (size_t k = 0; k < nvr; k++) {
    if (vr[k] >= N_INT) return fail(m, "unknown value reference");
    if (!may_set(INT_ROLE[vr[k]], m->phase)) return fail(m, "fmi3SetInt32: variable not settable in this phase");
    m->i[vr[k]] = values[k];
  }
  return fmi3OK;
}
FMI_EXPORT fmi3Status fmi3GetBoolean(fmi3Instance c, const fmi3ValueReference vr[], size_t nvr, fmi3Boolean values[],
                                     size_t nValues) {
  Instance *m = (Instance *)c;
  if (nValues != nvr) return fail(m, "fmi3GetBoolean: scalar variables only");
  for (size_t k = 0; k < nvr; k++) {
    if (vr[k] >= N_BOOL) return fail(m, "unknown value reference");
    values[k] = m->b[vr[k]] != 0;
  }
  return fmi3OK;
}
FMI_EXPORT fmi3Status fmi3SetBoolean(fmi3Instance c, const fmi3ValueReference vr[], size_t nvr,
                                     const fmi3Boolean values[], size_t nValues) {
  Instance *m = (Instance *)c;
  if (nValues != nvr) return fail(m, "fmi3SetBoolean: scalar variables only");
  for (size_t k = 0; k < nvr; k++) {
    if (vr[k] >= N_BOOL) return fail(m, "unknown value reference");
    if (!may_set(BOOL_ROLE[vr[k]], m->phase)) return fail(m, "fmi3SetBoolean: variable not settable in this phase");
    m->b[vr[k]] = values[k] ? 1 : 0;
  }
  return fmi3OK;
}

FMI_EXPORT fmi3Status fmi3DoStep(fmi3Instance c, fmi3Float64 t, fmi3Float64 h, fmi3Boolean noSetPrior,
                                 fmi3Boolean *eventHandlingNeeded, fmi3Boolean *terminateSimulation,
                                 fmi3Boolean *earlyReturn, fmi3Float64 *lastSuccessfulTime) {
  Instance *m = (Instance *)c;
  int failed;
  (void)noSetPrior;
  if (m->phase != PHASE_STEP) return fail(m, "fmi3DoStep outside step mode");
  if (fabs(t - m->time) > 1e-9 * (1.0 + fabs(t))) return fail(m, "fmi3DoStep: communication point does not match the FMU's time");
  if (h <= 0) return fail(m, "fmi3DoStep: step size must be positive");
  count_step(m, t);
  failed = model_step(m, t, h);
  if (!failed && !m->terminateRequested) m->time = t + h;
  *eventHandlingNeeded = false;
  *earlyReturn = false;
  *terminateSimulation = m->terminateRequested != 0;
  *lastSuccessfulTime = m->terminateRequested ? m->lastSuccessfulTime : m->time;
  return failed ? fmi3Error : fmi3OK;
}

/* FMU state (section 2.2.6.4): a copy of the model's data, serialized as the bytes of that copy. */
typedef void *fmi3FMUState;
typedef uint8_t fmi3Byte;

FMI_EXPORT fmi3Status fmi3GetFMUState(fmi3Instance c, fmi3FMUState *state) {
  Instance *m = (Instance *)c;
  Saved *s = (Saved *)*state;
  if (s == NULL) s = (Saved *)calloc(1, sizeof(Saved));
  if (s == NULL) return fail(m, "fmi3GetFMUState: out of memory");
  save_into(m, s);
  *state = s;
  return fmi3OK;
}
FMI_EXPORT fmi3Status fmi3SetFMUState(fmi3Instance c, fmi3FMUState state) {
  Instance *m = (Instance *)c;
  const Saved *s = (const Saved *)state;
  if (s == NULL || s->magic != SAVED_MAGIC) return fail(m, "fmi3SetFMUState: not a state of this FMU");
  restore_from(m, s);
  return fmi3OK;
}
FMI_EXPORT fmi3Status fmi3FreeFMUState(fmi3Instance c, fmi3FMUState *state) {
  (void)c;
  if (state != NULL && *state != NULL) { free(*state); *state = NULL; }
  return fmi3OK;
}
FMI_EXPORT fmi3Status fmi3SerializedFMUStateSize(fmi3Instance c, fmi3FMUState state, size_t *size) {
  (void)c; (void)state;
  *size = sizeof(Saved);
  return fmi3OK;
}
FMI_EXPORT fmi3Status fmi3SerializeFMUState(fmi3Instance c, fmi3FMUState state, fmi3Byte bytes[], size_t size) {
  Instance *m = (Instance *)c;
  if (size != sizeof(Saved)) return fail(m, "fmi3SerializeFMUState: wrong size");
  memcpy(bytes, state, sizeof(Saved));
  return fmi3OK;
}
FMI_EXPORT fmi3Status fmi3DeserializeFMUState(fmi3Instance c, const fmi3Byte bytes[], size_t size, fmi3FMUState *state) {
  Instance *m = (Instance *)c;
  Saved *s;
  if (size != sizeof(Saved)) return fail(m, "fmi3DeserializeFMUState: wrong size");
  s = (Saved *)calloc(1, sizeof(Saved));
  if (s == NULL) return fail(m, "fmi3DeserializeFMUState: out of memory");
  memcpy(s, bytes, sizeof(Saved));
  if (s->magic != SAVED_MAGIC) { free(s); return fail(m, "fmi3DeserializeFMUState: not a state of this FMU"); }
  *state = s;
  return fmi3OK;
}
