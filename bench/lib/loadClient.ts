import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadOrchestratorMessage, LoadResult, LoadTask, LoadWorkerMessage, ReadBackResult, RunResult } from './loadProtocol.js';

type Pending = { resolve: (result: LoadResult) => void; reject: (error: Error) => void; onMeasuring?: (atEpochMs: number) => void };

/** The HTTP bench's handle on its load generator process (bench/lib/loadWorker.ts). */
export class LoadGenerator {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;

  constructor() {
    const script = fileURLToPath(new URL('./loadWorker.ts', import.meta.url));
    // Inherits process.execArgv, so the tsx loader that runs the bench runs the generator too.
    this.child = fork(script, [], { serialization: 'advanced', stdio: 'inherit' });
    this.child.on('message', (message: LoadWorkerMessage) => {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      if (message.type === 'measuring') {
        pending.onMeasuring?.(message.atEpochMs);
        return;
      }
      this.pending.delete(message.id);
      if (message.type === 'result') pending.resolve(message.result);
      else pending.reject(Object.assign(new Error(`[load] ${message.message}`), { stack: message.stack }));
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      for (const pending of this.pending.values()) pending.reject(new Error(`[load] generator exited (code ${code}, signal ${signal}) with a task pending`));
      this.pending.clear();
    });
  }

  get pid(): number {
    const { pid } = this.child;
    if (pid === undefined) throw new Error('[load] generator has no pid');
    return pid;
  }

  private send(task: LoadTask, onMeasuring?: (atEpochMs: number) => void): Promise<LoadResult> {
    if (this.exited) return Promise.reject(new Error('[load] generator has exited'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(onMeasuring ? { onMeasuring } : {}) });
      const message: LoadOrchestratorMessage = { type: 'task', id, task };
      this.child.send(message);
    });
  }

  /** Runs the load; `onMeasuring` is called when the warm-up ends and the measured window opens. */
  async run(spec: Extract<LoadTask, { kind: 'run' }>['spec'], onMeasuring: (atEpochMs: number) => void): Promise<RunResult> {
    const result = await this.send({ kind: 'run', spec }, onMeasuring);
    if (result.kind !== 'run') throw new Error(`[load] expected a run result, got ${result.kind}`);
    return result;
  }

  async readBack(limit: number | null, concurrency: number): Promise<ReadBackResult> {
    const result = await this.send({ kind: 'readBack', limit, concurrency });
    if (result.kind !== 'readBack') throw new Error(`[load] expected a readBack result, got ${result.kind}`);
    return result;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => {
      this.child.once('exit', () => {
        resolve();
      });
    });
    try {
      await this.send({ kind: 'close' });
    } catch {
      this.child.kill();
    }
    const timer = setTimeout(() => this.child.kill(), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
