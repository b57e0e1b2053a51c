import { directoryRecordSchema, type SyncBatch } from '@vc/connector-sdk';
import type {
  DirectoryBatch,
  DirectoryGroup,
  DirectoryRef,
  DirectorySkip,
  DirectoryUser,
} from '@vc/conference-core';

/**
 * Checks a connector's batch against the SDK's normalized schemas before anything is applied: a
 * connector bug must not write bad data, and one bad record must not fail the run. Invalid
 * records become skips with the reason; text is NFC-normalized so the same name typed two ways
 * compares equal; within a batch the last record for an external id wins.
 */
export function validateBatch(batch: SyncBatch): DirectoryBatch {
  const users = new Map<string, DirectoryUser>();
  const groups = new Map<string, DirectoryGroup>();
  const skipped: DirectorySkip[] = [];

  for (const raw of Array.isArray(batch.upserts) ? (batch.upserts as unknown[]) : []) {
    const parsed = directoryRecordSchema.safeParse(normalize(raw));
    if (!parsed.success) {
      const reasons = parsed.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`);
      skipped.push({ ...locate(raw), label: labelOf(raw), reason: `invalid record (${reasons.join('; ')})` });
      continue;
    }
    const record = parsed.data;
    if (record.type === 'user') {
      users.delete(record.externalId);
      users.set(record.externalId, {
        externalId: record.externalId,
        email: record.email?.toLowerCase() ?? null,
        emailVerified: record.emailVerified,
        username: record.username,
        firstName: record.firstName,
        lastName: record.lastName,
        displayName: record.displayName,
        language: record.language,
        phone: record.phone,
        label: record.label ?? record.username,
      });
    } else {
      groups.delete(record.externalId);
      groups.set(record.externalId, {
        externalId: record.externalId,
        name: record.name,
        memberExternalIds: record.memberExternalIds,
      });
    }
  }

  const deletes: DirectoryRef[] = [];
  for (const raw of Array.isArray(batch.deletes) ? (batch.deletes as unknown[]) : []) {
    const ref = raw as Partial<DirectoryRef> | null;
    if ((ref?.type === 'user' || ref?.type === 'group') && validId(ref.externalId)) {
      deletes.push({ type: ref.type, externalId: ref.externalId });
    } else
      skipped.push({
        ...locate(raw),
        label: null,
        reason: 'invalid deletion (needs type user or group and an external id)',
      });
  }
  for (const raw of Array.isArray(batch.skipped) ? (batch.skipped as unknown[]) : []) {
    const skip = raw as Partial<DirectorySkip> | null;
    skipped.push({
      ...locate(raw),
      label: labelOf(raw),
      reason:
        typeof skip?.reason === 'string' && skip.reason !== '' ? skip.reason : 'skipped by the connector',
    });
  }
  return { users: [...users.values()], groups: [...groups.values()], deletes, skipped, cursor: batch.cursor };
}

function validId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 256;
}

function locate(raw: unknown): { type: 'user' | 'group'; externalId: string } {
  const record = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const type = record['type'] === 'group' ? 'group' : 'user';
  const id = record['externalId'];
  return { type, externalId: typeof id === 'string' && id !== '' ? id.slice(0, 256) : '(no external id)' };
}

/** The record's own label (a DN), else its username: what an admin can look up upstream. */
function labelOf(raw: unknown): string | null {
  const record = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  for (const key of ['label', 'username']) {
    const value = record[key];
    if (typeof value === 'string' && value !== '') return value.slice(0, 1000);
  }
  return null;
}

function normalize(value: unknown): unknown {
  if (typeof value === 'string') return normalizeText(value);
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object' && value !== null) {
    // A fresh object without a prototype, so a key named __proto__ stays a plain (invalid) key.
    const copy = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value)) copy[key] = normalize((value as Record<string, unknown>)[key]);
    return copy;
  }
  return value;
}

/**
 * NFC-normalized and trimmed. Text of plain printable ASCII (nearly every directory value) is
 * already in NFC, so the Unicode normalization, the costliest step per record, is skipped for it.
 */
function normalizeText(text: string): string {
  return PRINTABLE_ASCII.test(text) ? text.trim() : text.normalize('NFC').trim();
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
