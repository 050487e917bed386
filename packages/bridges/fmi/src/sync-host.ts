import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, readSync, writeSync } from 'node:fs';
import koffi from 'koffi';
import { FmiError, FmiErrorCode } from './errors.js';
import { hostCommand } from './host-process.js';
import {
  decodeStepReply,
  FrameReader,
  FrameType,
  frame,
  jsonFrame,
  type HostLog,
  type HostReply,
  type HostRequest,
  type StepOutcome,
} from './protocol.js';

const libc = koffi.load('libc.so.6');
const pipe2 = libc.func('int pipe2(_Out_ int *fds, int flags)');
const poll = libc.func('int poll(void *fds, unsigned long nfds, int timeout)');
const O_CLOEXEC = 0o2000000;
const POLLIN = 0x001;

function pipe(): [number, number] {
  const fds = new Int32Array(2);
  if ((pipe2(fds, O_CLOEXEC) as number) !== 0) throw new Error('pipe2 failed');
  return [fds[0], fds[1]];
}

/**
 * A host process spoken to synchronously, for callers whose model steps synchronously (a block of the process pack
 * inside the engine's event loop). Requests go down one pipe, replies come up another, read with poll(2) and a
 * deadline: a hang past the call timeout kills the host, end of file means it died. Each call blocks the calling
 * thread, so it belongs in a simulation worker, never on a server's main thread.
 */
export class SyncHostProcess {
  private readonly child: ChildProcess;
  private readonly requestFd: number;
  private readonly replyFd: number;
  private closedBy: FmiError | null = null;
  private reply: { type: number; body: Buffer } | null = null;
  private readonly reader: FrameReader;
  private readonly chunk = Buffer.alloc(64 * 1024);
  private readonly pollFd = Buffer.alloc(8);

  constructor(
    private readonly label: string,
    private readonly outputs: number,
    private readonly timeoutMs: number,
    private readonly onLog?: (entry: HostLog) => void,
  ) {
    const [requestRead, requestWrite] = pipe();
    const [replyRead, replyWrite] = pipe();
    this.child = spawn(process.execPath, hostCommand(), {
      stdio: ['ignore', 'ignore', 'ignore', requestRead, replyWrite],
      env: { ...process.env, DOPPEL_FMU_HOST_SYNC: '1', DOPPEL_FMU_PARENT_PID: String(process.pid) },
    });
    closeSync(requestRead);
    closeSync(replyWrite);
    this.requestFd = requestWrite;
    this.replyFd = replyRead;
    this.reader = new FrameReader((type, body) => {
      if (type === FrameType.Log) this.onLog?.(JSON.parse(body.toString('utf8')) as HostLog);
      else this.reply = { type, body: Buffer.from(body) };
    });
  }

  get closed(): boolean {
    return this.closedBy !== null;
  }

  request(request: HostRequest, timeoutMs = this.timeoutMs): unknown {
    const { type, body } = this.call(request.op, jsonFrame(FrameType.Json, request), timeoutMs);
    if (type !== FrameType.Json) throw this.fail(FmiErrorCode.CallFailed, `${request.op}: unexpected reply`);
    return this.unwrap(request.op, body);
  }

  step(body: Uint8Array): StepOutcome {
    const reply = this.call('doStep', frame(FrameType.Step, body), this.timeoutMs);
    if (reply.type === FrameType.Json) this.unwrap('doStep', reply.body);
    return decodeStepReply(
      new DataView(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength),
      0,
      this.outputs,
    );
  }

  /** Ends the host (if still running) and releases the pipes. */
  close(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    if (this.closedBy === null)
      this.closedBy = new FmiError(FmiErrorCode.InstanceClosed, `${this.label}: the instance is closed`);
    for (const fd of [this.requestFd, this.replyFd]) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
  }

  private unwrap(call: string, body: Buffer): unknown {
    const reply = JSON.parse(body.toString('utf8')) as HostReply;
    if (reply.ok) return reply.result;
    throw new FmiError(FmiErrorCode.CallFailed, `${this.label}: ${reply.message}`, {
      call,
      ...(reply.status !== undefined ? { status: reply.status } : {}),
    });
  }

  private fail(code: FmiErrorCode, message: string, details: Record<string, unknown> = {}): FmiError {
    const error = new FmiError(code, `${this.label}: ${message}`, details);
    this.close();
    this.closedBy = error;
    return error;
  }

  private call(name: string, bytes: Buffer, timeoutMs: number): { type: number; body: Buffer } {
    if (this.closedBy !== null)
      throw new FmiError(
        FmiErrorCode.InstanceClosed,
        `${this.label}: the instance is closed (${this.closedBy.message})`,
      );
    try {
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(this.requestFd, bytes, offset);
    } catch {
      throw this.fail(FmiErrorCode.HostCrashed, `the FMU host ended before ${name}`, { call: name });
    }
    const deadline = performance.now() + timeoutMs;
    this.reply = null;
    while (this.reply === null) {
      const left = Math.ceil(deadline - performance.now());
      this.pollFd.writeInt32LE(this.replyFd, 0);
      this.pollFd.writeInt16LE(POLLIN, 4);
      this.pollFd.writeInt16LE(0, 6);
      const ready = left > 0 ? (poll(this.pollFd, 1, left) as number) : 0;
      if (ready === 0)
        throw this.fail(
          FmiErrorCode.CallTimeout,
          `${name} did not return within ${timeoutMs} ms; the FMU host was killed`,
          {
            call: name,
            timeoutMs,
          },
        );
      if (ready < 0) continue; // EINTR
      const read = readSync(this.replyFd, this.chunk, 0, this.chunk.length, null);
      if (read === 0) throw this.fail(FmiErrorCode.HostCrashed, `the FMU host died during ${name}`, { call: name });
      this.reader.push(Buffer.from(this.chunk.subarray(0, read)));
    }
    return this.reply;
  }
}
