import type { EmployeeEvent } from '../../domain/employee/index.js';
import { parseStreamId, type StreamCategory } from '../events/streams.js';
import type { DataSubject } from '../ports/personalData.js';

/*
 * Which stored events hold personal data, in which field, and whose it is (ADR 0025). Every
 * personal field of the domain is one JSON value in one field of the event's data, so the store
 * encrypts that value whole and knows nothing of what is inside. A new event type with personal data
 * (customers, later) is one entry here.
 */

type PersonalField = Readonly<{
  field: string;
  /** Whose data key encrypts it, from the stream it is in. */
  subjectOf: (tenantId: string, entityId: string) => DataSubject;
}>;

/** The data key of an employee's personal data. */
export function employeeSubject(tenantId: string, employeeId: string): DataSubject {
  return { tenantId, subjectId: `employee:${employeeId}` };
}

const EMPLOYEE_FIELDS: Readonly<Partial<Record<EmployeeEvent['type'], PersonalField>>> = {
  EmployeeHired: { field: 'personalData', subjectOf: employeeSubject },
};

const PERSONAL_FIELDS: Readonly<Partial<Record<StreamCategory, Readonly<Partial<Record<string, PersonalField>>>>>> = {
  employee: EMPLOYEE_FIELDS,
};

/** Events after which a subject's data key is destroyed (the command destroys it; readers evict and heal). */
const FORGETTING: Readonly<Partial<Record<StreamCategory, Readonly<Partial<Record<string, PersonalField['subjectOf']>>>>>> = {
  employee: { PersonalDataForgotten: employeeSubject } satisfies Partial<Record<EmployeeEvent['type'], PersonalField['subjectOf']>>,
};

export type PersonalFieldOf = Readonly<{ field: string; subject: DataSubject }>;

/** Every event type that carries a personal field (the legacy rewrite looks at these only). */
export const PERSONAL_EVENT_TYPES: readonly string[] = [...new Set(Object.values(PERSONAL_FIELDS).flatMap((fields) => Object.keys(fields)))];

/** Every event type that forgets a subject. */
export const FORGETTING_EVENT_TYPES: readonly string[] = [...new Set(Object.values(FORGETTING).flatMap((types) => Object.keys(types)))];

const PERSONAL_TYPES: ReadonlySet<string> = new Set(PERSONAL_EVENT_TYPES);
const FORGETTING_TYPES: ReadonlySet<string> = new Set(FORGETTING_EVENT_TYPES);

/** The personal field of an event of this type in this stream, if it has one. */
export function personalFieldOf(streamId: string, type: string): PersonalFieldOf | undefined {
  // Called for every event read: most types are none of these, and need no stream id parsed.
  if (!PERSONAL_TYPES.has(type)) return undefined;
  const name = parseStreamId(streamId);
  const entry = name && PERSONAL_FIELDS[name.category]?.[type];
  return name && entry ? { field: entry.field, subject: entry.subjectOf(name.tenantId, name.entityId) } : undefined;
}

/** The subject an event of this type forgets, if it is a forget. */
export function forgottenSubjectOf(streamId: string, type: string): DataSubject | undefined {
  if (!FORGETTING_TYPES.has(type)) return undefined;
  const name = parseStreamId(streamId);
  const subjectOf = name && FORGETTING[name.category]?.[type];
  return name && subjectOf ? subjectOf(name.tenantId, name.entityId) : undefined;
}


/** The stored form of a encrypted field: `{"encrypted":"v1.<keyVersion>.<base64url>"}`, plain JSON. */
export type EncryptedField = Readonly<{ encrypted: string }>;

export function isEncryptedField(value: unknown): value is EncryptedField {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === 'encrypted' && typeof (value as { encrypted: unknown }).encrypted === 'string';
}
