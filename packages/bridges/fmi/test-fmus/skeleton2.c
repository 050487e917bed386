/* FMI 2.0 co-simulation entry points around a test model (see model.h). The state machine is strict on purpose:
   a call in the wrong phase returns fmi2Error, so the importer's calling sequence is tested by every run. */
#include "fmi2-min.h"

static const fmi2CallbackFunctions *cbs(Instance *m) { return (const fmi2CallbackFunctions *)m->callbacks; }

static void model_log(Instance *m, int error, const char *category, const char *message) {
  const fmi2CallbackFunctions *f = cbs(m);
  if (f != NULL && f->logger != NULL) f->logger(f->componentEnvironment, m->name, error ? fmi2Error : fmi2OK, category, message);
}

static fmi2Status fail(Instance *m, const char *message) {
  model_log(m, 1, "logStatusError", message);
  return fmi2Error;
}

/* Decodes a file:// URI (file:///abs or file:/abs, percent-encoded) into a folder path. */
static int resource_dir_from_uri(const char *uri, char *out, size_t size) {
  const char *p;
  size_t n = 0;
  if (uri == NULL) return -1;
  if (strncmp(uri, "file:///", 8) == 0) p = uri + 7;
  else if (strncmp(uri, "file:/", 6) == 0) p = uri + 5;
  else return -1;
  while (*p != '\0' && n + 1 < size) {
    if (*p == '%' && p[1] != '\0' && p[2] != '\0') {
      char hex[3] = {p[1], p[2], '\0'};
      out[n++] = (char)strtol(hex, NULL, 16);
      p += 3;
    } else {
      out[n++] = *p++;
    }
  }
  out[n] = '\0';
  return 0;
}

FMI_EXPORT const char *fmi2GetTypesPlatform(void) { return "default"; }
FMI_EXPORT const char *fmi2GetVersion(void) { return "2.0"; }

FMI_EXPORT fmi2Component fmi2Instantiate(fmi2String instanceName, fmi2Type fmuType, fmi2String guid,
                                         fmi2String resourceLocation, const fmi2CallbackFunctions *functions,
                                         fmi2Boolean visible, fmi2Boolean loggingOn) {
  Instance *m;
  (void)visible;
  if (functions == NULL || functions->allocateMemory == NULL || functions->freeMemory == NULL) return NULL;
  if (fmuType != fmi2CoSimulation || guid == NULL || strcmp(guid, MODEL_TOKEN) != 0) return NULL;
  m = (Instance *)functions->allocateMemory(1, sizeof(Instance));
  if (m == NULL) return NULL;
  m->callbacks = functions;
  snprintf(m->name, sizeof m->name, "%s", instanceName != NULL ? instanceName : "");
  if (resource_dir_from_uri(resourceLocation, m->resourceDir, sizeof m->resourceDir) != 0) {
    model_log(m, 1, "logStatusError", "resource location is not a file URI");
    functions->freeMemory(m);
    return NULL;
  }
  m->phase = PHASE_INSTANTIATED;
  model_defaults(m);
  if (model_instantiate(m) != 0) {
    functions->freeMemory(m);
    return NULL;
  }
  if (loggingOn) model_log(m, 0, "logEvents", "instantiated");
  return m;
}

FMI_EXPORT void fmi2FreeInstance(fmi2Component c) {
  Instance *m = (Instance *)c;
  if (m != NULL) cbs(m)->freeMemory(m);
}

FMI_EXPORT fmi2Status fmi2SetupExperiment(fmi2Component c, fmi2Boolean toleranceDefined, fmi2Real tolerance,
                                          fmi2Real startTime, fmi2Boolean stopTimeDefined, fmi2Real stopTime) {
  Instance *m = (Instance *)c;
  (void)toleranceDefined; (void)tolerance; (void)stopTimeDefined; (void)stopTime;
  if (m->phase != PHASE_INSTANTIATED) return fail(m, "fmi2SetupExperiment outside the instantiated phase");
  m->startTime = startTime;
  m->time = startTime;
  m->experimentSetUp = 1;
  return fmi2OK;
}

FMI_EXPORT fmi2Status fmi2EnterInitializationMode(fmi2Component c) {
  Instance *m = (Instance *)c;
  if (m->phase != PHASE_INSTANTIATED || !m->experimentSetUp) return fail(m, "fmi2EnterInitializationMode out of sequence");
  m->phase = PHASE_INIT;
  return fmi2OK;
}

FMI_EXPORT fmi2Status fmi2ExitInitializationMode(fmi2Component c) {
  Instance *m = (Instance *)c;
  if (m->phase != PHASE_INIT) return fail(m, "fmi2ExitInitializationMode outside initialisation mode");
  m->phase = PHASE_STEP;
  return model_initialize(m) == 0 ? fmi2OK : fmi2Error;
}

FMI_EXPORT fmi2Status fmi2Terminate(fmi2Component c) {
  Instance *m = (Instance *)c;
  if (m->phase != PHASE_STEP && m->phase != PHASE_INIT) return fail(m, "fmi2Terminate out of sequence");
  m->phase = PHASE_TERMINATED;
  return fmi2OK;
}

FMI_EXPORT fmi2Status fmi2Reset(fmi2Component c) {
  Instance *m = (Instance *)c;
  m->phase = PHASE_INSTANTIATED;
  m->experimentSetUp = 0;
  m->terminateRequested = 0;
  model_defaults(m);
  return fmi2OK;
}

#define CHECK_VR(vr, n)                                                                                        \
  if ((vr) >= (n)) return fail(m, "unknown value reference")

FMI_EXPORT fmi2Status fmi2GetReal(fmi2Component c, const fmi2ValueReference vr[], size_t nvr, fmi2Real value[]) {
  Instance *m = (Instance *)c;
  for (size_t k = 0; k < nvr; k++) { CHECK_VR(vr[k], N_REAL); value[k] = m->r[vr[k]]; }
  return fmi2OK;
}
FMI_EXPORT fmi2Status fmi2GetInteger(fmi2Component c, const fmi2ValueReference vr[], size_t nvr, fmi2Integer value[]) {
  Instance *m = (Instance *)c;
  for (size_t k = 0; k < nvr; k++) { CHECK_VR(vr[k], N_INT); value[k] = m->i[vr[k]]; }
  return fmi2OK;
}
FMI_EXPORT fmi2Status fmi2GetBoolean(fmi2Component c, const fmi2ValueReference vr[], size_t nvr, fmi2Boolean value[]) {
  Instance *m = (Instance *)c;
  for (size_t k = 0; k < nvr; k++) { CHECK_VR(vr[k], N_BOOL); value[k] = m->b[vr[k]]; }
  return fmi2OK;
}
FMI_EXPORT fmi2Status fmi2GetString(fmi2Component c, const fmi2ValueReference vr[], size_t nvr, fmi2String value[]) {
  Instance *m = (Instance *)c;
  for (size_t k = 0; k < nvr; k++) { CHECK_VR(vr[k], 1); value[k] = m->name; }
  return fmi2OK;
}
FMI_EXPORT fmi2Status fmi2SetReal(fmi2Component c, const fmi2ValueReference vr[], size_t nvr, const fmi2Real value[]) {
  Instance *m = (Instance *)c;
  for (size_t k = 0; k < nvr; k++) {
    CHECK_VR(vr[k], N_REAL);
    if (!may_set(REAL_ROLE[vr[k]], m->phase)) return fail(m, "fmi2SetReal: variable not settable in this phase");
    m->r[vr[k]] = value[k];
  }
  return fmi2OK;
}
FMI_EXPORT fmi2Status fmi2SetInteger(fmi2Component c, const fmi2ValueReference vr[], size_t nvr, const fmi2Integer value[]) {
  Instance *m = (Instance *)c;
  for (size_t k = 0; k < nvr; k++) {
    CHECK_VR(vr[k], N_INT);
    if (!may_set(INT_ROLE[vr[k]], m->phase)) return fail(m, "fmi2SetInteger: variable not settable in this phase");
    m->i[vr[k]] = value[k];
  }
  return fmi2OK;
}
FMI_EXPORT fmi2Status fmi2SetBoolean(fmi2Component c, const fmi2ValueReference vr[], size_t nvr, const fmi2Boolean value[]) {
  Instance *m = (Instance *)c;
  for (size_t k = 0; k < nvr; k++) {
    CHECK_VR(vr[k], N_BOOL);
    if (!may_set(BOOL_ROLE[vr[k]], m->phase)) return fail(m, "fmi2SetBoolean: variable not settable in this phase");
    m->b[vr[k]] = value[k] ? 1 : 0;
  }
  return fmi2OK;
}
FMI_EXPORT fmi2Status fmi2SetString(fmi2Component c, const fmi2ValueReference vr[], size_t nvr, const fmi2String value[]) {
  Instance *m = (Instance *)c;
  (void)vr; (void)nvr; (void)value;
  return fail(m, "no settable string variables");
}

FMI_EXPORT fmi2Status fmi2DoStep(fmi2Component c, fmi2Real t, fmi2Real h, fmi2Boolean noSetPrior) {
  Instance *m = (Instance *)c;
  fmi2Status status;
  (void)noSetPrior;
  if (m->phase != PHASE_STEP) return fail(m, "fmi2DoStep outside step mode");
  if (m->terminateRequested) return fail(m, "fmi2DoStep after the FMU asked to terminate");
  if (fabs(t - m->time) > 1e-9 * (1.0 + fabs(t))) return fail(m, "fmi2DoStep: communication point does not match the FMU's time");
  if (h <= 0) return fail(m, "fmi2DoStep: step size must be positive");
  count_step(m, t);
  status = model_step(m, t, h) == 0 ? fmi2OK : fmi2Error;
  if (m->terminateRequested) return fmi2Discard;
  if (status == fmi2OK) { m->time = t + h; m->lastSuccessfulTime = m->time; }
  return status;
}

FMI_EXPORT fmi2Status fmi2GetBooleanStatus(fmi2Component c, fmi2StatusKind s, fmi2Boolean *value) {
  Instance *m = (Instance *)c;
  if (s != fmi2Terminated) return fmi2Discard;
  *value = m->terminateRequested;
  return fmi2OK;
}
FMI_EXPORT fmi2Status fmi2GetRealStatus(fmi2Component c, fmi2StatusKind s, fmi2Real *value) {
  Instance *m = (Instance *)c;
  if (s != fmi2LastSuccessfulTime) return fmi2Discard;
  *value = m->lastSuccessfulTime;
  return fmi2OK;
}

/* FMU state (section 2.1.8): a copy of the model's data, serialized as the bytes of that copy. */
typedef void *fmi2FMUstate;
typedef unsigned char fmi2Byte;

FMI_EXPORT fmi2Status fmi2GetFMUstate(fmi2Component c, fmi2FMUstate *state) {
  Instance *m = (Instance *)c;
  Saved *s = (Saved *)*state;
  if (s == NULL) s = (Saved *)cbs(m)->allocateMemory(1, sizeof(Saved));
  if (s == NULL) return fail(m, "fmi2GetFMUstate: out of memory");
  save_into(m, s);
  *state = s;
  return fmi2OK;
}
FMI_EXPORT fmi2Status fmi2SetFMUstate(fmi2Component c, fmi2FMUstate state) {
  Instance *m = (Instance *)c;
  const Saved *s = (const Saved *)state;
  if (s == NULL || s->magic != SAVED_MAGIC) return fail(m, "fmi2SetFMUstate: not a state of this FMU");
  restore_from(m, s);
  return fmi2OK;
}
FMI_EXPORT fmi2Status fmi2FreeFMUstate(fmi2Component c, fmi2FMUstate *state) {
  Instance *m = (Instance *)c;
  if (state != NULL && *state != NULL) { cbs(m)->freeMemory(*state); *state = NULL; }
  return fmi2OK;
}
FMI_EXPORT fmi2Status fmi2SerializedFMUstateSize(fmi2Component c, fmi2FMUstate state, size_t *size) {
  (void)c; (void)state;
  *size = sizeof(Saved);
  return fmi2OK;
}
FMI_EXPORT fmi2Status fmi2SerializeFMUstate(fmi2Component c, fmi2FMUstate state, fmi2Byte bytes[], size_t size) {
  Instance *m = (Instance *)c;
  if (size != sizeof(Saved)) return fail(m, "fmi2SerializeFMUstate: wrong size");
  memcpy(bytes, state, sizeof(Saved));
  return fmi2OK;
}
FMI_EXPORT fmi2Status fmi2DeSerializeFMUstate(fmi2Component c, const fmi2Byte bytes[], size_t size, fmi2FMUstate *state) {
  Instance *m = (Instance *)c;
  Saved *s;
  if (size != sizeof(Saved)) return fail(m, "fmi2DeSerializeFMUstate: wrong size");
  s = (Saved *)cbs(m)->allocateMemory(1, sizeof(Saved));
  if (s == NULL) return fail(m, "fmi2DeSerializeFMUstate: out of memory");
  memcpy(s, bytes, sizeof(Saved));
  if (s->magic != SAVED_MAGIC) { cbs(m)->freeMemory(s); return fail(m, "fmi2DeSerializeFMUstate: not a state of this FMU"); }
  *state = s;
  return fmi2OK;
}
