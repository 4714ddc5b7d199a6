/**
 * ANS-104 data items (the format Arweave bundlers, Irys and Turbo accept), written with WebCrypto
 * and a viem signer only, so the browser needs no Node polyfills. Signature type 3 (Ethereum):
 * an EIP-191 signature over the item's SHA-384 deep hash, owner = the uncompressed public key.
 * A test checks every item against arbundles' own verifier.
 */
import { bytesToHex, type Hex, hashMessage, hexToBytes, recoverPublicKey } from "viem";

export const SIGNATURE_TYPE_ETHEREUM = 3;
const SIGNATURE_BYTES = 65;
const OWNER_BYTES = 65;

export interface Tag {
  name: string;
  value: string;
}

/** Something that makes EIP-191 signatures: a viem LocalAccount, or a wallet wrapped alike. */
export interface DataItemSigner {
  signMessage(args: { message: { raw: Uint8Array } }): Promise<Hex>;
  /** 65-byte uncompressed secp256k1 key; recovered from a signature when absent. */
  publicKey?: Hex;
}

export interface SignedDataItem {
  /** The whole item, ready to POST to a bundler. */
  bytes: Uint8Array;
  /** SHA-256 of the signature: the 32-byte id (KycRegistry's `storageId`). */
  id: Hex;
  /** The same id as Arweave writes it (base64url, 43 chars): gateway URLs use this. */
  idBase64Url: string;
}

const encoder = new TextEncoder();

async function sha(algorithm: "SHA-256" | "SHA-384", data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(algorithm, data as Uint8Array<ArrayBuffer>));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Arweave's deep hash (SHA-384 over a tagged tree of blobs). */
export async function deepHash(value: Uint8Array | Uint8Array[]): Promise<Uint8Array> {
  if (value instanceof Uint8Array) {
    const tag = encoder.encode(`blob${value.length}`);
    return sha("SHA-384", concat(await sha("SHA-384", tag), await sha("SHA-384", value)));
  }
  let acc = await sha("SHA-384", encoder.encode(`list${value.length}`));
  for (const item of value) acc = await sha("SHA-384", concat(acc, await deepHash(item)));
  return acc;
}

/** Avro zig-zag varint of a non-negative length or count. */
function avroLong(n: number): Uint8Array {
  const out: number[] = [];
  let value = n * 2; // zig-zag for n >= 0
  while (value > 0x7f) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return new Uint8Array(out);
}

/** Tags as ANS-104 wants them: one Avro array block of {name: bytes, value: bytes}, then 0. */
export function serializeTags(tags: readonly Tag[]): Uint8Array {
  if (tags.length === 0) return new Uint8Array(0);
  const parts: Uint8Array[] = [avroLong(tags.length)];
  for (const { name, value } of tags) {
    const nameBytes = encoder.encode(name);
    const valueBytes = encoder.encode(value);
    if (nameBytes.length === 0 || nameBytes.length > 1024 || valueBytes.length === 0 || valueBytes.length > 3072) {
      throw new RangeError(`tag "${name}" is outside ANS-104 limits (name 1..1024, value 1..3072 bytes)`);
    }
    parts.push(avroLong(nameBytes.length), nameBytes, avroLong(valueBytes.length), valueBytes);
  }
  parts.push(avroLong(0));
  return concat(...parts);
}

function u64le(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  return out;
}

export async function signerPublicKey(signer: DataItemSigner): Promise<Uint8Array> {
  if (signer.publicKey) return hexToBytes(signer.publicKey);
  const probe = encoder.encode("OneKey: derive the public key of this wallet for ANS-104 uploads");
  const signature = await signer.signMessage({ message: { raw: probe } });
  return hexToBytes(await recoverPublicKey({ hash: hashMessage({ raw: probe }), signature }));
}

export function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** The 32-byte id as the 43-character base64url Arweave gateways use. */
export function storageIdToBase64Url(id: Hex): string {
  return base64Url(hexToBytes(id));
}

export async function createDataItem(params: {
  data: Uint8Array;
  tags: readonly Tag[];
  signer: DataItemSigner;
  /** Optional 32-byte anchor (replay protection some bundlers use). */
  anchor?: Uint8Array;
}): Promise<SignedDataItem> {
  const owner = await signerPublicKey(params.signer);
  if (owner.length !== OWNER_BYTES) throw new RangeError("the signer's public key must be 65 bytes (uncompressed)");
  if (params.anchor && params.anchor.length !== 32) throw new RangeError("the anchor must be 32 bytes");
  const tags = serializeTags(params.tags);
  const anchor = params.anchor ?? new Uint8Array(0);
  const message = await deepHash([
    encoder.encode("dataitem"),
    encoder.encode("1"),
    encoder.encode(String(SIGNATURE_TYPE_ETHEREUM)),
    owner,
    new Uint8Array(0), // no target
    anchor,
    tags,
    params.data,
  ]);
  const signature = hexToBytes(await params.signer.signMessage({ message: { raw: message } }));
  if (signature.length !== SIGNATURE_BYTES) throw new RangeError("an Ethereum signature must be 65 bytes");
  const type = new Uint8Array([SIGNATURE_TYPE_ETHEREUM, 0]);
  const anchorField = params.anchor ? concat(new Uint8Array([1]), anchor) : new Uint8Array([0]);
  const bytes = concat(
    type,
    signature,
    owner,
    new Uint8Array([0]), // target absent
    anchorField,
    u64le(params.tags.length),
    u64le(tags.length),
    tags,
    params.data,
  );
  const idBytes = await sha("SHA-256", signature);
  return { bytes, id: bytesToHex(idBytes), idBase64Url: base64Url(idBytes) };
}

/** An ANS-104 bundle of items: count, then (size, id) per item, then the items (all 32-byte LE numbers). */
export function bundleItems(items: readonly SignedDataItem[]): Uint8Array {
  const u256le = (n: number) => {
    const out = new Uint8Array(32);
    new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
    return out;
  };
  const headers = items.map((item) => concat(u256le(item.bytes.length), hexToBytes(item.id)));
  return concat(u256le(items.length), ...headers, ...items.map((item) => item.bytes));
}
