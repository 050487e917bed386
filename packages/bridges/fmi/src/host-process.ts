import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FmiError, FmiErrorCode } from './errors.js';
import {
  decodeStepReply,
  FrameReader,
  FrameType,
  frame,
  jsonFrame,
  stepReplyBytes,
  type HostLog,
  type HostReply,
  type HostRequest,
  type LoadRequest,
  type StepOutcome,
} from './protocol.js';

export interface HostOptions {
  /** Longest a single FMI call may take before the host is killed (default 10 s). */
  readonly callTimeoutMs?: number;
  /** Receives the FMU's log messages (its logger callback), in order. */
  readonly onLog?: (entry: HostLog) => void;
}

type Pending = {
  readonly call: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: FmiError) => void;
};

const STDERR_TAIL = 4096;

/** The command line that runs host-main: compiled JavaScript, or the TypeScript source through tsx (tests, dev). */
export function hostCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return [join(dirname(here), 'host', 'host-main.js')];
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, unknown> };
  const esm = manifest.exports['./esm'];
  const loader = pathToFileURL(join(dirname(manifestPath), typeof esm === 'string' ? esm : 'dist/esm/index.mjs')).href;
  return ['--import', loader, '--conditions=@doppel/source', join(dirname(here), 'host', 'host-main.ts')];
}

/**
 * One host process running one FMU instance. Calls are strictly one at a time (the standard's calling sequence is
 * sequential); each has a timeout, and a crash, hang or broken pipe ends the host and fails the call with a typed
 * error. After that every call fails with `DOPPEL_ERR_FMU_INSTANCE_CLOSED`.
 */
export class HostProcess {
  private readonly child: ChildProcess;
  private pending: Pending | null = null;
  /** One watchdog per host, re-armed only when it fires: a timer per call would cost more than the call itself. */
  private watchdog: NodeJS.Timeout | null = null;
  private callStarted = 0;
  private currentTimeoutMs = 0;
  private watchdogDeadline = 0;
  private stderrTail = '';
  private closedBy: FmiError | null = null;
  private readonly exited: Promise<void>;
  private readonly timeoutMs: number;
  private readonly outputs: number;

  constructor(
    private readonly label: string,
    load: LoadRequest,
    private readonly options: HostOptions = {},
  ) {
    this.timeoutMs = options.callTimeoutMs ?? 10_000;
    this.outputs = load.outputs.length;
    this.child = spawn(process.execPath, hostCommand(), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, DOPPEL_FMU_PARENT_PID: String(process.pid) },
    });
    const reader = new FrameReader((type, body) => this.onFrame(type, body));
    this.child.stdout?.on('data', (chunk: Buffer) => reader.push(chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    // A write to a host that just died fails with EPIPE; the exit handler reports it.
    this.child.stdin?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.onExit(code, signal);
        resolve();
      });
      this.child.on('error', (error) => {
        this.fail(new FmiError(FmiErrorCode.HostCrashed, `${label}: the FMU host could not start: ${error.message}`));
        resolve();
      });
    });
  }

  /** The host's process id (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get closed(): boolean {
    return this.closedBy !== null;
  }

  request(request: HostRequest, timeoutMs = this.timeoutMs): Promise<unknown> {
    return this.send(request.op, jsonFrame(FrameType.Json, request), timeoutMs);
  }

  /** One co-simulation step: inputs (exchange order), doStep(t, h), outputs. */
  step(body: Uint8Array): Promise<StepOutcome> {
    return this.send('doStep', frame(FrameType.Step, body), this.timeoutMs) as Promise<StepOutcome>;
  }

  /**
   * Several steps whose inputs are known in advance, in one round trip; stops at the first step that is not OK. The
   * whole batch gets one call timeout: callers size batches so that they stay well inside it.
   */
  steps(body: Uint8Array): Promise<StepOutcome[]> {
    return this.send('doStep', frame(FrameType.Steps, body), this.timeoutMs) as Promise<StepOutcome[]>;
  }

  /** The call timeout in force. */
  get callTimeoutMs(): number {
    return this.timeoutMs;
  }

  /** Kills the host (if still running) and waits until it is gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Waits for the host to exit on its own (after `free`), killing it if it lingers. */
  async waitForExit(graceMs = 2000): Promise<void> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private send(call: string, bytes: Buffer, timeoutMs: number): Promise<unknown> {
    if (this.closedBy !== null)
      return Promise.reject(
        new FmiError(FmiErrorCode.InstanceClosed, `${this.label}: the instance is closed (${this.closedBy.message})`),
      );
    if (this.pending !== null)
      return Promise.reject(
        new FmiError(FmiErrorCode.InvalidRequest, `${this.label}: ${call} while ${this.pending.call} is still running`),
      );
    return new Promise((resolve, reject) => {
      this.pending = { call, resolve, reject };
      this.callStarted = performance.now();
      this.currentTimeoutMs = timeoutMs;
      // Re-arm only when this call's deadline comes before the armed one (a short call after a long start-up).
      if (this.watchdog === null || this.callStarted + timeoutMs < this.watchdogDeadline) this.arm(timeoutMs);
      this.child.stdin?.write(bytes);
    });
  }

  private settle(): Pending | null {
    const pending = this.pending;
    this.pending = null;
    return pending;
  }

  private onFrame(type: number, body: Buffer): void {
    if (type === FrameType.Log) {
      this.options.onLog?.(JSON.parse(body.toString('utf8')) as HostLog);
      return;
    }
    const pending = this.settle();
    if (pending === null) return;
    if (type === FrameType.Json) {
      const reply = JSON.parse(body.toString('utf8')) as HostReply;
      if (reply.ok) pending.resolve(reply.result);
      else
        pending.reject(
          new FmiError(FmiErrorCode.CallFailed, `${this.label}: ${reply.message}`, {
            call: pending.call,
            ...(reply.status !== undefined ? { status: reply.status } : {}),
          }),
        );
      return;
    }
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    if (type === FrameType.Step) {
      pending.resolve(decodeStepReply(view, 0, this.outputs));
      return;
    }
    const count = view.getUint32(0, true);
    const size = stepReplyBytes(this.outputs);
    const outcomes: StepOutcome[] = [];
    for (let i = 0; i < count; i++) outcomes.push(decodeStepReply(view, 4 + i * size, this.outputs));
    pending.resolve(outcomes);
  }

  private arm(delayMs: number): void {
    if (this.watchdog !== null) clearTimeout(this.watchdog);
    this.watchdogDeadline = performance.now() + delayMs;
    // Unreferenced: while a call is pending the host's pipes keep the process alive anyway.
    this.watchdog = setTimeout(() => this.onWatchdog(), Math.max(1, delayMs)).unref();
  }

  private onWatchdog(): void {
    this.watchdog = null;
    if (this.pending === null || this.closedBy !== null) return;
    const elapsed = performance.now() - this.callStarted;
    if (elapsed < this.currentTimeoutMs) {
      this.arm(this.currentTimeoutMs - elapsed);
      return;
    }
    const timeoutMs = this.currentTimeoutMs;
    const call = this.pending.call;
    this.fail(
      new FmiError(
        FmiErrorCode.CallTimeout,
        `${this.label}: ${call} did not return within ${timeoutMs} ms; the FMU host was killed`,
        {
          call,
          timeoutMs,
        },
      ),
    );
    this.child.kill('SIGKILL');
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.closedBy !== null) return;
    const call = this.pending?.call;
    const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
    const stderr = this.stderrTail.trim();
    this.fail(
      new FmiError(
        FmiErrorCode.HostCrashed,
        `${this.label}: the FMU host ${how}${call !== undefined ? ` during ${call}` : ''}${stderr !== '' ? `: ${stderr.split('\n').slice(-3).join(' | ')}` : ''}`,
        { signal, exitCode: code, ...(call !== undefined ? { call } : {}) },
      ),
    );
  }

  private fail(error: FmiError): void {
    if (this.closedBy === null) this.closedBy = error;
    if (this.watchdog !== null) clearTimeout(this.watchdog);
    this.watchdog = null;
    const pending = this.settle();
    pending?.reject(error);
  }
}
