/**
 * The personal data vault (ADR 0025): encrypts personal fields of events with a data key of the
 * person they belong to, and destroys that key when the person is forgotten (crypto-shredding).
 * The event store decorator (`src/application/personalData/protectedEventStore.ts`) is its one
 * user on the way in and out of the log; the forget command destroys keys through it. The adapter,
 * keys wrapped by a master key in a table of their own: `src/infrastructure/personalData/`.
 */

/** Whose data key: one person of one tenant (`employee:<employeeId>`; customers later). */
export type DataSubject = Readonly<{ tenantId: string; subjectId: string }>;

/**
 * Where a encrypted value lives, bound into its ciphertext as associated data: the same ciphertext
 * copied into another event, stream, tenant or field does not open.
 */
export type CipherBinding = Readonly<{ tenantId: string; streamId: string; eventId: string; field: string }>;

export type EncryptRequest = Readonly<{ subject: DataSubject; binding: CipherBinding; plaintext: string }>;
export type DecryptRequest = Readonly<{ subject: DataSubject; binding: CipherBinding; encrypted: string }>;

export interface PersonalDataVault {
  /**
   * Encrypts each plaintext under its subject's current data key, creating the key on first use.
   * Answers the encrypted texts in request order.
   * @throws SubjectForgottenError when a subject's key was destroyed: nothing new is stored of them.
   */
  encrypt(requests: readonly EncryptRequest[]): Promise<string[]>;

  /**
   * Decrypts each encrypted text, in request order; null where the subject's key has been destroyed
   * (the person was forgotten). Keys are loaded once per call, however many requests share them.
   * @throws PersonalDataIntegrityError when a ciphertext does not open under its binding (moved or
   * altered) or its key is missing without having been destroyed: never a silent redaction.
   */
  decrypt(requests: readonly DecryptRequest[]): Promise<(string | null)[]>;

  /**
   * Destroys every data key of the subject, for good; idempotent, and also for a subject that
   * never had one (nothing can be encrypted for it afterwards).
   */
  forget(subject: DataSubject): Promise<void>;

  /** Drops what this process holds in memory of the subject's keys (another process forgot them). */
  evict(subject: DataSubject): void;
}

export class SubjectForgottenError extends Error {
  readonly code = 'PERSONAL_DATA_FORGOTTEN';
  constructor(readonly subject: DataSubject) {
    super(`The data key of ${subject.subjectId} in tenant ${subject.tenantId} was destroyed: no personal data can be stored for them`);
    this.name = 'SubjectForgottenError';
  }
}

/** A encrypted value that cannot be decrypted although its key should exist: tampering, a lost key row, a wrong master key. */
export class PersonalDataIntegrityError extends Error {
  readonly code = 'PERSONAL_DATA_INTEGRITY';
  constructor(message: string) {
    super(message);
    this.name = 'PersonalDataIntegrityError';
  }
}
