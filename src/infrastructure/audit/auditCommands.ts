import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { parseSeal, readSeal, sealHistory, type Seal } from '../../application/audit/seals.js';
import { verifyTenant, type VerifyReport } from '../../application/audit/verify.js';
import { streams } from '../../application/events/streams.js';
import type { EventStore } from '../../application/ports/eventStore.js';
import type { Postgres } from '../postgres/connect.js';
import type { PersonalDataKeyring } from '../personalData/keyring.js';
import { randomIds, systemClock } from '../system.js';
import { createPostgresAuditLog } from './postgresAuditLog.js';
import { keyIdOf, loadSealingKeys, privateKeyFromSeed, rawPublicKey, type SealingKeyConfig } from './sealingKeys.js';
import { upgradeStoredEvents } from './upgrade.js';

/** What the `audit` CLI commands other than export write to. */
export type Output = Readonly<{ out: NodeJS.WritableStream & { isTTY?: boolean }; err: NodeJS.WritableStream }>;

/**
 * A seal as an auditor keeps it: a file holding the seal's JSON (GET /v1/audit/seals/{n}), or an
 * export whose end line carries one.
 */
export async function readSealFile(path: string): Promise<Seal | undefined> {
  const text = (await readFile(path, 'utf8')).trim();
  const json = (line: string): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      return undefined;
    }
  };
  // The whole file as one JSON value, else its last line (an export's end line).
  const value = json(text) ?? json(text.split('\n').at(-1) ?? '');
  return parseSeal(value) ?? parseSeal((value as { seal?: unknown } | null | undefined)?.seal);
}

function describe(report: VerifyReport): string {
  const seal = report.seal ? `against seal ${report.seal.sealNumber} (${report.seal.eventCount} events through ${report.seal.through ?? 'nothing'}, key ${report.seal.keyId})` : 'without a seal (chain only)';
  if (report.ok) {
    return `OK ${report.tenantId}: ${report.eventsChecked} events in ${report.streamsChecked} streams ${seal}; ${report.unsealedEvents} after the seal, chained\n`;
  }
  const p = report.problem;
  return `BROKEN ${report.tenantId} ${seal}: ${p?.kind}: ${p?.message}` +
    `${p?.streamId ? `\n  stream   ${p.streamId}` : ''}${p?.revision !== null && p?.revision !== undefined ? `\n  revision ${p.revision}` : ''}` +
    `${p?.expected ? `\n  expected ${p.expected}` : ''}${p?.found ? `\n  found    ${p.found}` : ''}\n`;
}

/**
 * `audit verify [--tenant <id>] [--seal <file>]`: every tenant (or one), each against its latest
 * seal or the given one, with a progress bar on a terminal. Exit 0 when all verify, 1 when one does not.
 */
export async function verifyCommand(
  storage: Readonly<{ postgres: Postgres; eventStore: EventStore }>,
  sealing: SealingKeyConfig,
  options: Readonly<{ tenant?: string | undefined; seal?: string | undefined }>,
  io: Output,
): Promise<number> {
  const keys = loadSealingKeys(sealing);
  const log = createPostgresAuditLog(storage.postgres);
  let given: Seal | undefined;
  if (options.seal !== undefined) {
    given = await readSealFile(options.seal);
    if (!given) {
      io.err.write(`${options.seal} holds no seal (a seal's JSON, or an export ending with one)\n`);
      return 65; // EX_DATAERR
    }
  }
  const tenants: string[] = [];
  if (options.tenant !== undefined) tenants.push(options.tenant);
  else if (given) tenants.push(given.tenantId);
  else for await (const tenantId of log.tenants()) tenants.push(tenantId);
  let broken = 0;
  for (const tenantId of tenants) {
    if ((await storage.eventStore.readStream(streams.tenant(tenantId), { maxCount: 1 })).length === 0) {
      io.err.write(`no tenant ${tenantId}\n`);
      return 1;
    }
    const seal = given ?? (await readSeal(storage.eventStore, tenantId));
    const total = seal?.eventCount ?? 0;
    const bar = io.out.isTTY
      ? new cliProgress.SingleBar({ format: `verify ${tenantId} [{bar}] {value} events | {rate} events/s`, stream: io.out, etaBuffer: 50 }, cliProgress.Presets.shades_classic)
      : undefined;
    const started = performance.now();
    let lastLine = started;
    bar?.start(Math.max(total, 1), 0, { rate: '0' });
    const report = await verifyTenant(log, tenantId, {
      seal,
      verifier: keys.verifier,
      onProgress: (checked) => {
        const rate = Math.round(checked / Math.max(0.001, (performance.now() - started) / 1000)).toString();
        if (checked > total) bar?.setTotal(checked);
        bar?.update(checked, { rate });
        // Not a terminal (a log, a cron job): a line every 2 s instead of the bar.
        if (!bar && performance.now() - lastLine >= 2_000) {
          lastLine = performance.now();
          io.err.write(`verify ${tenantId}: ${checked} events, ${rate} events/s\n`);
        }
      },
    });
    bar?.stop();
    io.out.write(describe(report));
    if (!report.ok) broken += 1;
  }
  return broken === 0 ? 0 : 1;
}

/** `audit seal --tenant <id>`: seals now and prints the seal's JSON (keep a copy outside the database). */
export async function sealCommand(
  storage: Readonly<{ postgres: Postgres; eventStore: EventStore }>,
  sealing: SealingKeyConfig,
  tenantId: string,
  operator: string,
  io: Output,
): Promise<number> {
  if ((await storage.eventStore.readStream(streams.tenant(tenantId), { maxCount: 1 })).length === 0) {
    io.err.write(`no tenant ${tenantId}\n`);
    return 1;
  }
  const keys = loadSealingKeys(sealing);
  const log = createPostgresAuditLog(storage.postgres);
  const seal = await sealHistory(
    { eventStore: storage.eventStore, auditLog: log, archive: log, signer: keys.signer, clock: systemClock, ids: randomIds },
    tenantId,
    { kind: 'on_demand', userId: operator },
    { userId: operator, role: 'platform_owner', correlationId: randomIds.uuid() },
  );
  io.out.write(`${JSON.stringify(seal, null, 2)}\n`);
  return 0;
}

/** `audit sealing-key`: a new Ed25519 seed for SEALING_KEY on standard output; its public key and id on standard error. */
export function sealingKeyCommand(io: Output): number {
  const seed = randomBytes(32);
  const publicRaw = rawPublicKey(privateKeyFromSeed(seed));
  io.out.write(`${seed.toString('base64url')}\n`);
  io.err.write(`key id ${keyIdOf(publicRaw)}; public key (for SEALING_TRUSTED_KEYS once it is retired, and for auditors) ${publicRaw.toString('base64url')}\n`);
  return 0;
}

/** `audit upgrade`: the one-time rewrite of a database written before issue 11. */
export async function upgradeCommand(postgres: Postgres, keyring: PersonalDataKeyring, io: Output): Promise<number> {
  const result = await upgradeStoredEvents(postgres.db, keyring, (chained) => {
    if (chained % 20_000 === 0) io.err.write(`chained ${chained} events\n`);
  });
  io.out.write(result.upgraded
    ? `upgraded: personal data of ${result.encrypted} events encrypted; ${result.chained} events in ${result.streams} streams chained\n`
    : 'nothing to upgrade: every event is chained\n');
  return 0;
}
