/**
 * WireGuard keys with Node's own X25519 (no dependency): a WireGuard private key is 32 random
 * bytes (clamped by X25519 itself), its public key the X25519 product with the base point, both
 * printed in standard base64 — the same as `wg genkey` / `wg pubkey` (tests compare with `wg`).
 */
import { createPrivateKey, createPublicKey } from "node:crypto";

/** PKCS#8 DER prefix of an X25519 private key (RFC 8410): SEQUENCE, version 0, OID 1.3.101.110, OCTET STRING(OCTET STRING(32)). */
const X25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");

/** The public key of a base64 private key, in base64 (`wg pubkey`). */
export function wireGuardPublicKey(privateKeyBase64: string): string {
  const raw = Buffer.from(privateKeyBase64, "base64");
  if (raw.length !== 32) throw new Error("wireGuardPublicKey: a WireGuard private key is 32 bytes of base64");
  const privateKey = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, raw]), format: "der", type: "pkcs8" });
  const jwk = createPublicKey(privateKey).export({ format: "jwk" });
  if (typeof jwk.x !== "string") throw new Error("wireGuardPublicKey: Node returned no X25519 public key");
  return Buffer.from(jwk.x, "base64url").toString("base64");
}
