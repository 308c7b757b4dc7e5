import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { OrchestratorMessage, StoreName, Task, TaskResult, WorkerMessage } from './protocol.js';

type Pending = { resolve: (result: TaskResult) => void; reject: (error: Error) => void };

/** The orchestrator's handle on one store's worker process. */
export class StoreWorker {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;

  constructor(
    readonly store: StoreName,
    connectionString: string,
    poolSize: number,
  ) {
    const script = fileURLToPath(new URL('./worker.ts', import.meta.url));
    // Inherits process.execArgv, so the tsx loader that runs this file runs the worker too.
    this.child = fork(script, [store, connectionString, String(poolSize)], { serialization: 'advanced', stdio: 'inherit' });
    this.child.on('message', (message: WorkerMessage) => {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.type === 'result') pending.resolve(message.result);
      else pending.reject(Object.assign(new Error(`[${store}] ${message.message}`), { stack: message.stack }));
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      for (const pending of this.pending.values()) {
        pending.reject(new Error(`[${store}] worker exited (code ${code}, signal ${signal}) with a task pending`));
      }
      this.pending.clear();
    });
  }

  run<K extends Task['kind']>(task: Extract<Task, { kind: K }>): Promise<Extract<TaskResult, { kind: K }>> {
    if (this.exited) return Promise.reject(new Error(`[${this.store}] worker has exited`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        resolve: (result) => {
          if (result.kind !== task.kind) reject(new Error(`[${this.store}] expected a ${task.kind} result, got ${result.kind}`));
          else resolve(result as Extract<TaskResult, { kind: K }>);
        },
        reject,
      });
      const message: OrchestratorMessage = { type: 'task', id, task };
      this.child.send(message);
    });
  }

  /** Closes the store and waits for the process to end. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => {
      this.child.once('exit', () => {
        resolve();
      });
    });
    try {
      await this.run({ kind: 'close' });
    } catch {
      this.child.kill();
    }
    // A worker that does not wind down on its own (a leaked handle) is ended.
    const timer = setTimeout(() => this.child.kill(), 10_000);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.exited) this.child.kill();
  }
}
