/** Wall and CPU seconds since a meter was started. */
export interface Metered {
  readonly wall_s: number;
  readonly cpu_s: number;
}

/**
 * Starts measuring the process's wall and CPU time, for benchmarks. Host time lives in ports only: the simulation
 * itself never reads it.
 */
export function startProcessMeter(): () => Metered {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  return () => {
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    return { wall_s: wall, cpu_s: (cpu.user + cpu.system) / 1e6 };
  };
}
