import { ConnectorError } from '../connector-error.js';
import type { ConnectorContext, ConnectorLogger, JsonValue, SyncBatch, SyncMode } from '../connector.js';
import { directoryRecordSchema, type DirectoryDeletion, type UserRecord } from '../records.js';

/** Log lines a run wrote, kept so tests can prove that no secret reached the log. */
export interface CapturedLog {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: object;
  readonly message: string;
}

export function capturingLogger(lines: CapturedLog[] = []): ConnectorLogger & { lines: CapturedLog[] } {
  const at =
    (level: CapturedLog['level']) =>
    (fields: object, message: string): void => {
      lines.push({ level, fields, message });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function testContext<TSettings>(
  settings: TSettings,
  options: { signal?: AbortSignal; logger?: ConnectorLogger; now?: () => Date } = {},
): ConnectorContext<TSettings> {
  const now = options.now ?? (() => new Date());
  return {
    settings,
    logger: options.logger ?? capturingLogger(),
    fetch: globalThis.fetch,
    signal: options.signal ?? new AbortController().signal,
    clock: { now },
  };
}

/** What one run yielded, in order, and how it ended. */
export interface RunResult {
  readonly batches: SyncBatch[];
  readonly users: UserRecord[];
  readonly deletes: DirectoryDeletion[];
  /** The cursor of the last batch (what the hub would store), or the input cursor when none came. */
  readonly lastCursor: JsonValue | null;
  /** Set when the run threw; the batches before it are still listed. */
  readonly error: unknown;
  /** True when the caller stopped reading (crash simulation) before the connector finished. */
  readonly abandoned: boolean;
}

export interface RunOptions {
  /** Stop reading after this many batches, as a crashed worker would (the iterator is returned). */
  readonly abandonAfter?: number;
  /** Called after each batch is taken; lets a test stop the upstream mid-run. */
  readonly afterBatch?: (index: number, batch: SyncBatch) => Promise<void>;
}

/**
 * Drives one sync the way the hub does: batch by batch, validating every record against the
 * normalized schema (a connector bug must surface here, not in the hub), remembering the cursor.
 */
export async function runSync(
  run: (request: { mode: SyncMode; cursor: JsonValue | null }) => AsyncIterable<SyncBatch>,
  mode: SyncMode,
  cursor: JsonValue | null,
  options: RunOptions = {},
): Promise<RunResult> {
  const batches: SyncBatch[] = [];
  const users: UserRecord[] = [];
  const deletes: DirectoryDeletion[] = [];
  let lastCursor = cursor;
  let error: unknown = undefined;
  let abandoned = false;
  const iterator = run({ mode, cursor })[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (options.abandonAfter !== undefined && batches.length >= options.abandonAfter) {
        abandoned = true;
        await iterator.return?.();
        break;
      }
      const next = await iterator.next();
      if (next.done === true) break;
      const batch = next.value;
      for (const record of batch.upserts) {
        const parsed = directoryRecordSchema.safeParse(record);
        if (!parsed.success) {
          throw new Error(`record ${record.externalId} fails the normalized schema: ${parsed.error.message}`);
        }
        if (record.type === 'user') users.push(record);
      }
      JSON.stringify(batch.cursor); // a cursor the hub cannot store as jsonb is a bug
      deletes.push(...batch.deletes);
      batches.push(batch);
      lastCursor = batch.cursor;
      await options.afterBatch?.(batches.length, batch);
    }
  } catch (err) {
    error = err;
  }
  return { batches, users, deletes, lastCursor, error, abandoned };
}

export function expectConnectorError(error: unknown, codes: readonly string[], retryable: boolean): void {
  if (!(error instanceof ConnectorError)) {
    throw new Error(`expected a ConnectorError (${codes.join(' or ')}), got ${describe(error)}`);
  }
  if (!codes.includes(error.code)) {
    throw new Error(`expected code ${codes.join(' or ')}, got ${error.code}: ${error.message}`);
  }
  if (error.retryable !== retryable) {
    throw new Error(
      `expected retryable=${String(retryable)} for ${error.code}, got ${String(error.retryable)}`,
    );
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'no error (the run ended normally)';
  return value instanceof Error ? `${value.name}: ${value.message}` : JSON.stringify(value);
}
