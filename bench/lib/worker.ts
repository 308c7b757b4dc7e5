/**
 * One store's benchmark process. The orchestrator forks one per store so the
 * stores share no module state (dumbo, loaded by Emmett, replaces pg's global
 * type parsers) and no event loop; it sends tasks, this answers each in turn.
 */
import type { StoreAdapter } from './adapter.js';
import { appendCase, correctness, readAll, seed } from './cases.js';
import { createEmmettAdapter } from './emmett.js';
import { createOursAdapter } from './ours.js';
import type { OrchestratorMessage, StoreName, Task, TaskResult, WorkerMessage } from './protocol.js';

const [storeName, connectionString, poolSizeText] = process.argv.slice(2);
if ((storeName !== 'ours' && storeName !== 'emmett') || !connectionString || !poolSizeText) {
  throw new Error('usage: worker.ts <ours|emmett> <connectionString> <poolSize>');
}
const poolSize = Number(poolSizeText);

function send(message: WorkerMessage): void {
  process.send?.(message);
}

async function open(name: StoreName): Promise<StoreAdapter> {
  return name === 'ours' ? createOursAdapter(connectionString!, poolSize) : createEmmettAdapter(connectionString!, poolSize);
}

const adapterPromise = open(storeName);

async function run(task: Task): Promise<TaskResult> {
  const adapter = await adapterPromise;
  switch (task.kind) {
    case 'setup':
      await adapter.setup();
      return { kind: 'setup', poolSize: adapter.poolSize, notes: adapter.notes };
    case 'append':
      return appendCase(adapter, task.case);
    case 'seed':
      return seed(adapter, task.events, task.writers, task.eventsPerAppend);
    case 'readAll':
      return readAll(adapter, task.batchSize);
    case 'catchUp':
      return { kind: 'catchUp', variants: await adapter.catchUp(task.batchSize, task.budgetSeconds) };
    case 'correctness':
      return correctness(adapter, task);
    case 'close':
      await adapter.close();
      return { kind: 'close' };
  }
}

// Tasks run one at a time, in the order they arrive.
let queue: Promise<void> = Promise.resolve();
process.on('message', (message: OrchestratorMessage) => {
  queue = queue.then(async () => {
    try {
      const result = await run(message.task);
      send({ type: 'result', id: message.id, result });
      if (message.task.kind === 'close') process.disconnect();
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      send({ type: 'error', id: message.id, message: err.message, stack: err.stack });
    }
  });
});
