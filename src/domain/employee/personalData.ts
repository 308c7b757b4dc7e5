import { employeeError } from './errors.js';

/**
 * Everything personal about an employee, in one object, so no personal field may ever live
 * outside it: not in other events, not in ids, not in reasons written by the decider. The store
 * keeps the object encrypted with a per-employee data key and "forget" (PersonalDataForgotten)
 * destroys that key (ADR 0025): every read, replay and export then has null in its place. One
 * object is what makes that possible: the encryption wraps it whole, knowing nothing of its fields.
 */
export type PersonalData = Readonly<{
  name: string;
  /** Lower-cased. */
  email: string;
  /** Compact E.164 (`+4930123456`), or null when not given. */
  phone: string | null;
}>;

export type PersonalDataInput = Readonly<{ name: string; email: string; phone?: string | undefined }>;

export const NAME_MAX_LENGTH = 200;
/** RFC 5321's limit on a forward path. */
export const EMAIL_MAX_LENGTH = 254;

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
/**
 * A shape check only (something@domain.tld); whether the mailbox exists is not the domain's
 * business. No control characters: a NUL cannot even be stored in PostgreSQL text.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const EMAIL_SHAPE = /^[^\s@\u0000-\u001f\u007f]+@(?:[^\s@.\u0000-\u001f\u007f]+\.)+[^\s@.\u0000-\u001f\u007f]+$/;
/** `+`, a country code not starting with 0, 6 to 15 digits in all. */
const E164 = /^\+[1-9]\d{5,14}$/;
/** Separators people type in phone numbers; dropped before the check. */
const PHONE_SEPARATORS = /[\s().-]/g;

export function requirePersonalData(input: PersonalDataInput): PersonalData {
  return { name: requireName(input.name), email: requireEmail(input.email), phone: input.phone === undefined ? null : requirePhone(input.phone) };
}

function requireName(raw: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > NAME_MAX_LENGTH || CONTROL_CHARACTERS.test(name)) {
    // The value itself is personal data: it is never copied into an error's details.
    throw employeeError('NAME_INVALID', `The name must be 1 to ${NAME_MAX_LENGTH} characters without control characters`);
  }
  return name;
}

function requireEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > EMAIL_MAX_LENGTH || !EMAIL_SHAPE.test(email)) {
    throw employeeError('EMAIL_INVALID', `The email must look like name@example.com and be at most ${EMAIL_MAX_LENGTH} characters`);
  }
  return email;
}

function requirePhone(raw: string): string {
  const phone = raw.replace(PHONE_SEPARATORS, '');
  if (!E164.test(phone)) {
    throw employeeError('PHONE_INVALID', 'The phone number must be in international form: + and 6 to 15 digits');
  }
  return phone;
}
