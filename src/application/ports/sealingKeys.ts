/**
 * The keys that sign and check seals (ADR 0024): a port, so a KMS or a fiscal signing device
 * (TSE, RKSV Signaturerstellungseinheit) can hold the private key instead of the configuration.
 */
export interface SealSigner {
  /** Names the key in every seal it signs, so a verifier picks the matching public key. */
  readonly keyId: string;
  readonly algorithm: 'Ed25519';
  sign(message: Uint8Array): Promise<Uint8Array>;
}

export interface SealVerifier {
  /** False for a key it does not trust, as for a signature that does not match. */
  verify(keyId: string, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

export type SealingKeys = Readonly<{ signer: SealSigner; verifier: SealVerifier; /** A key anyone could have: production refuses it. */ development: boolean }>;
