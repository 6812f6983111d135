/**
 * Public-key encryption of the configuration backup (an exported Pulumi stack holds every
 * resource id and every non-secret setting; its secrets are already ciphertext of the stack's
 * secrets provider). The job holds only the recipient's public key, so the machine that writes a
 * backup cannot read one back; the private key lives offline with the recovery owner
 * (docs/runbooks/disaster-recovery.md).
 *
 * Scheme (ECIES with X25519): an ephemeral X25519 key pair per backup, ECDH with the recipient's
 * key, HKDF-SHA256 → a 256-bit key, AES-256-GCM over the plaintext with the header as associated
 * data (a changed header or ciphertext fails authentication). Keys are PEM:
 *   openssl genpkey -algorithm X25519 -out config-backup.key
 *   openssl pkey -in config-backup.key -pubout -out config-backup.pub
 */
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from "node:crypto";

const ALG = "X25519-HKDF-SHA256-A256GCM" as const;
const INFO = Buffer.from("promptandpause config backup v1");

/** The stored form (JSON). */
export interface Envelope {
  format: 1;
  alg: typeof ALG;
  /** Ephemeral public key, base64 DER (SPKI). */
  epk: string;
  /** Recipient public key, base64 DER (SPKI): which key decrypts this. */
  recipient: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

/** Parses a recipient public key (PEM), refusing anything but X25519 with the fix named. */
export function x25519Public(pem: string, what: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (e) {
    throw new Error(`${what}: not a PEM public key (${(e as Error).message})`);
  }
  if (key.asymmetricKeyType !== "x25519") throw new Error(`${what}: must be an X25519 key (got ${key.asymmetricKeyType ?? "unknown"}); make one with openssl genpkey -algorithm X25519`);
  return key;
}

const der = (k: KeyObject) => k.export({ type: "spki", format: "der" });

function deriveKey(shared: Buffer, epk: Buffer, recipient: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", shared, Buffer.concat([epk, recipient]), INFO, 32));
}

const aad = (e: Pick<Envelope, "format" | "alg" | "epk" | "recipient" | "iv">) => Buffer.from(JSON.stringify([e.format, e.alg, e.epk, e.recipient, e.iv]));

/** Encrypts `plaintext` to the holder of the private key matching `recipientPublicPem`. */
export function seal(plaintext: Buffer, recipientPublicPem: string, what = "BACKUP_CONFIG_PUBLIC_KEY"): Envelope {
  const recipient = x25519Public(recipientPublicPem, what);
  const eph = generateKeyPairSync("x25519");
  const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: recipient });
  const header = { format: 1 as const, alg: ALG, epk: der(eph.publicKey).toString("base64"), recipient: der(recipient).toString("base64"), iv: randomBytes(12).toString("base64") };
  const key = deriveKey(shared, der(eph.publicKey), der(recipient));
  const cipher = createCipheriv("aes-256-gcm", key, Buffer.from(header.iv, "base64"));
  cipher.setAAD(aad(header));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ...header, tag: cipher.getAuthTag().toString("base64"), ciphertext: ciphertext.toString("base64") };
}

/** Decrypts an envelope with the recipient's private key (PEM); throws when it was altered or is for another key. */
export function open(envelope: Envelope, privatePem: string): Buffer {
  if (envelope.format !== 1 || envelope.alg !== ALG) throw new Error(`not a ${ALG} envelope (format ${String(envelope.format)}, alg ${String(envelope.alg)})`);
  const privateKey = createPrivateKey(privatePem);
  const mine = der(createPublicKey(privateKey)).toString("base64");
  if (mine !== envelope.recipient) throw new Error("this backup was encrypted for another key (the envelope's recipient is not this private key's public key)");
  const epk = createPublicKey({ key: Buffer.from(envelope.epk, "base64"), format: "der", type: "spki" });
  const shared = diffieHellman({ privateKey, publicKey: epk });
  const key = deriveKey(shared, Buffer.from(envelope.epk, "base64"), Buffer.from(envelope.recipient, "base64"));
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(envelope.iv, "base64"));
  decipher.setAAD(aad(envelope));
  decipher.setAuthTag(Buffer.from(envelope.tag, "base64"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, "base64")), decipher.final()]);
  } catch {
    throw new Error("authentication failed: the backup was altered or truncated");
  }
}
