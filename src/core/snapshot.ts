/**
 * The snapshot container every structure shares. A snapshot is bytes:
 *
 *   offset  size  field
 *   0       4     magic "FSNP"
 *   4       2     format version (u16, little-endian)
 *   6       2     kind length k (u16)
 *   8       k     kind, ASCII ("PriorityQueue", "Scheduler", …)
 *   8+k     32    SHA-256 of the Wasm build that wrote it (information only: any build that
 *                 shares the format version restores it)
 *   40+k    4     body length n (u32)
 *   44+k    n     body: UTF-8 JSON of the logical contents (items in order, priorities, states)
 *   44+k+n  4     CRC-32 of every byte before it
 *
 * Reading validates all of it before a structure is built, and every mismatch is a SnapshotError.
 * Payloads pass through a codec (JSON by default) so any type can be stored.
 */
import { type Arena, arenaOption } from './arena.js';
import { InvalidArgumentError, SnapshotError, describe } from './errors.js';
import { optionNames, options as checkOptions, refuseCodecInPlace } from './validate.js';
import { wasmSha256 } from './wasm.generated.js';

export const SNAPSHOT_VERSION = 1;
const MAGIC = [0x46, 0x53, 0x4e, 0x50]; // "FSNP"
/** Refuse bodies larger than this unless the caller raises it: a corrupted length must not allocate gigabytes. */
export const DEFAULT_MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024;

/** Turns payloads into text and back. */
export interface Codec<T> {
  encode(value: T): string;
  decode(text: string): T;
}

/**
 * The default codec: JSON, as lossy as JSON is (no undefined, Map, Date or bigint). Its `decode`
 * is generic so that it fits a `Codec<T>` of any payload type.
 */
export const jsonCodec: { encode(value: unknown): string; decode<T = unknown>(text: string): T } = {
  encode(value) {
    const text = JSON.stringify(value);
    if (text === undefined) throw new SnapshotError(`snapshot: the JSON codec cannot encode ${describe(value)}; pass a codec`);
    return text;
  },
  decode: (text) => JSON.parse(text),
};

export interface SnapshotOptions<T> {
  /** How payloads become text and back. @default JSON */
  readonly codec?: Codec<T> | undefined;
}

export interface RestoreOptions<T> extends SnapshotOptions<T> {
  /** The most bytes accepted. @default 256 MiB */
  readonly maxBytes?: number | undefined;
}

/** What a numeric structure's `restore` takes besides its constructor's options: ids need no codec. */
export interface NumericRestoreOptions extends Pick<RestoreOptions<unknown>, 'maxBytes'> {
  /** The arena whose memory holds the restored structure. @default the realm's default arena */
  readonly arena?: Arena | undefined;
}

/**
 * A numeric structure's restore as far as its body: the options checked first (`names`: `maxBytes`
 * and the constructor's), the arena they name (or the default one), then the container read.
 */
export function readNumericSnapshot(where: string, kind: string, bytes: unknown, options: NumericRestoreOptions | undefined, names: readonly string[]): { arena: Arena; body: Record<string, unknown> } {
  const given = checkOptions(where, options, names);
  const arena = arenaOption(where, given.arena);
  return { arena, body: bodyObject(where, readSnapshot(where, kind, bytes, given.maxBytes)) };
}

/**
 * The option names of a plain `restore`, and of every `snapshot`: one object may serve both (its
 * `maxBytes` means nothing to a snapshot). A service's `restore` takes its constructor's too.
 */
export const RESTORE_OPTIONS = optionNames<RestoreOptions<unknown>>()(['codec', 'maxBytes']);

/**
 * The `codec` of snapshot or restore options (checked to be an options object taking `names`),
 * JSON when absent.
 */
export function codecOption<T>(where: string, options: SnapshotOptions<T> | undefined, names: readonly string[] = RESTORE_OPTIONS): Codec<T> {
  const given = checkOptions(where, options, names);
  const codec = given.codec;
  if (codec !== undefined) return codec;
  refuseCodecInPlace(where, given); // one whose methods are inherited (a class instance) has no keys to refuse
  return jsonCodec as Codec<T>;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE), the checksum zip and PNG use: catches truncation and flipped bits. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Wraps a body in the container. */
export function writeSnapshot(kind: string, body: unknown): Uint8Array {
  const kindBytes = new TextEncoder().encode(kind);
  const bodyBytes = new TextEncoder().encode(JSON.stringify(body));
  const out = new Uint8Array(44 + kindBytes.length + bodyBytes.length + 4);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint16(4, SNAPSHOT_VERSION, true);
  view.setUint16(6, kindBytes.length, true);
  out.set(kindBytes, 8);
  out.set(hexToBytes(wasmSha256), 8 + kindBytes.length);
  view.setUint32(40 + kindBytes.length, bodyBytes.length, true);
  out.set(bodyBytes, 44 + kindBytes.length);
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

/**
 * What `restore` takes: the Uint8Array (or Buffer) a snapshot() returned, another view of those bytes,
 * or a buffer holding exactly them, as `await response.arrayBuffer()` gives.
 */
export type SnapshotBytes = ArrayBufferView | ArrayBufferLike;

/** The bytes `given` holds as a Uint8Array, or undefined when it holds none (views and buffers of another realm count). */
function snapshotBytes(given: unknown): Uint8Array | undefined {
  try {
    // Views are read through the built-in getters and buffers recognised by theirs, which read
    // internal slots: a Proxy, a subclass with getters of its own, or an object posing as a
    // buffer (its `Symbol.toStringTag` set) is no bytes.
    if (ArrayBuffer.isView(given)) {
      const [buffer, offset, length] = viewParts(given);
      return new Uint8Array(buffer, offset, length);
    }
    if (isBuffer(given)) return new Uint8Array(given);
  } catch {
    // A detached buffer, a revoked Proxy: no bytes.
  }
  return undefined;
}

const getter = (prototype: object, name: string) => Object.getOwnPropertyDescriptor(prototype, name)!.get!;
const TYPED_ARRAY = Object.getPrototypeOf(Uint8Array.prototype) as object;
const TYPED_PARTS = [getter(TYPED_ARRAY, 'buffer'), getter(TYPED_ARRAY, 'byteOffset'), getter(TYPED_ARRAY, 'byteLength')] as const;
const DATA_VIEW_PARTS = [getter(DataView.prototype, 'buffer'), getter(DataView.prototype, 'byteOffset'), getter(DataView.prototype, 'byteLength')] as const;

/** A typed array's or a DataView's buffer, offset and length as its internal slots hold them. */
function viewParts(view: ArrayBufferView): [ArrayBufferLike, number, number] {
  const parts = hasSlot(TYPED_PARTS[0], view) ? TYPED_PARTS : DATA_VIEW_PARTS;
  return parts.map((part) => part.call(view)) as [ArrayBufferLike, number, number];
}

const bufferLength = getter(ArrayBuffer.prototype, 'byteLength');
/** Undefined where shared memory is not offered (a browser page without cross-origin isolation). */
const sharedBufferLength = typeof SharedArrayBuffer === 'function' ? getter(SharedArrayBuffer.prototype, 'byteLength') : undefined;

/** Whether a built-in getter accepts `value`: it reads an internal slot, and throws for anything without it. */
function hasSlot(slotGetter: (() => unknown) | undefined, value: unknown): boolean {
  if (slotGetter === undefined) return false;
  try {
    slotGetter.call(value);
    return true;
  } catch {
    return false;
  }
}

const isSharedBuffer = (value: unknown): boolean => hasSlot(sharedBufferLength, value);
const isBuffer = (value: unknown): value is ArrayBufferLike => hasSlot(bufferLength, value) || isSharedBuffer(value);

/** Checks the container and returns the parsed body; every defect is a SnapshotError naming `where`. */
export function readSnapshot(where: string, kind: string, given: unknown, maxBytes: unknown = DEFAULT_MAX_SNAPSHOT_BYTES): unknown {
  // A limit that is no number would compare false with every length: no limit at all.
  if (typeof maxBytes !== 'number' || !Number.isInteger(maxBytes) || maxBytes < 1) {
    throw new InvalidArgumentError(`${where}: expected \`maxBytes\` to be an integer >= 1, got ${describe(maxBytes)}`);
  }
  const viewed = snapshotBytes(given);
  if (viewed === undefined) throw new SnapshotError(`${where}: expected the bytes a snapshot() returned (a Uint8Array, another view of them or an ArrayBuffer), got ${describe(given)}`);
  if (viewed.length > maxBytes) throw new SnapshotError(`${where}: the snapshot is ${viewed.length} bytes, more than maxBytes (${maxBytes})`);
  // Shared memory is copied: browsers' TextDecoder refuses views of it, and no other thread may
  // change the bytes between the checksum and the decode.
  const bytes = isSharedBuffer(viewed.buffer) ? new Uint8Array(viewed) : viewed;
  if (bytes.length < 48 || MAGIC.some((b, i) => bytes[i] !== b)) throw new SnapshotError(`${where}: not a flatsched snapshot (bad magic or too short)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stored = view.getUint32(bytes.length - 4, true);
  if (crc32(bytes.subarray(0, bytes.length - 4)) !== stored) throw new SnapshotError(`${where}: checksum mismatch (the snapshot is truncated or corrupted)`);
  const version = view.getUint16(4, true);
  if (version !== SNAPSHOT_VERSION) throw new SnapshotError(`${where}: format version ${version} is not supported (this build reads version ${SNAPSHOT_VERSION})`);
  const kindLength = view.getUint16(6, true);
  if (44 + kindLength + 4 > bytes.length) throw new SnapshotError(`${where}: the snapshot is truncated`);
  const found = new TextDecoder().decode(bytes.subarray(8, 8 + kindLength));
  if (found !== kind) throw new SnapshotError(`${where}: this is a ${found} snapshot, not a ${kind} one`);
  const bodyLength = view.getUint32(40 + kindLength, true);
  if (44 + kindLength + bodyLength + 4 !== bytes.length) throw new SnapshotError(`${where}: the body length does not match the snapshot's size`);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(44 + kindLength, 44 + kindLength + bodyLength)));
  } catch (error) {
    throw new SnapshotError(`${where}: the body is not valid JSON`, { cause: error });
  }
}

/** Numbers in a body keep -0, NaN-free finite values exactly: they travel as the bytes of a Float64Array. */
export function encodeNumbers(numbers: ArrayLike<number>): string {
  return encodeBytes(new Uint8Array(Float64Array.from(numbers).buffer));
}

export function decodeNumbers(where: string, text: unknown, length: number): Float64Array {
  return new Float64Array(decodeBytes(where, text, length, 8, 'number column').buffer);
}

/** Ids (integers 0 .. 2^32 - 1) travel as the bytes of a Uint32Array: half a number column's size. */
export function encodeIds(ids: ArrayLike<number>): string {
  return encodeBytes(new Uint8Array(Uint32Array.from(ids).buffer));
}

export function decodeIds(where: string, text: unknown, length: number): Uint32Array {
  return new Uint32Array(decodeBytes(where, text, length, 4, 'id column').buffer);
}

/** A column's bytes as base64, the text a JSON body can carry. */
function encodeBytes(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return btoa(text);
}

/** The bytes of a base64 `column` of `length` values, `width` bytes each (a fresh buffer, so any view of it is aligned). */
function decodeBytes(where: string, text: unknown, length: number, width: number, column: string): Uint8Array {
  if (typeof text !== 'string') throw new SnapshotError(`${where}: malformed ${column}`);
  let binary: string;
  try {
    binary = atob(text);
  } catch (error) {
    throw new SnapshotError(`${where}: malformed ${column}`, { cause: error });
  }
  if (binary.length !== length * width) throw new SnapshotError(`${where}: the ${column} holds ${binary.length / width} values, expected ${length}`);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A numeric structure's `size` and `ids` fields: its ids, exactly `size` of them. */
export function idsField(where: string, body: Record<string, unknown>): Uint32Array {
  const size = field<number>(where, body, 'size', (v) => Number.isSafeInteger(v) && (v as number) >= 0);
  return decodeIds(where, body.ids, size);
}

/** A bound field (`capacity`, `limit`): null for none, else an integer from 1 to `max`, what the constructor takes. */
export function boundField(where: string, body: Record<string, unknown>, name: string, max = Number.MAX_SAFE_INTEGER): number | null {
  return field<number | null>(where, body, name, (v) => v === null || (Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= max));
}

/** Checks a `codec` option before anything is encoded or decoded (an error inside one is the payload's). */
function checkCodec(where: string, codec: unknown): void {
  const given = codec as Partial<Codec<unknown>> | null;
  if (typeof given !== 'object' || given === null || typeof given.encode !== 'function' || typeof given.decode !== 'function') {
    throw new InvalidArgumentError(`${where}: expected \`codec\` to be an object with encode and decode functions, got ${describe(codec)}`);
  }
}

/** Decodes every payload first, so a bad one fails the restore before anything is built. */
export function decodePayloads<T>(where: string, encoded: unknown, codec: Codec<T>): T[] {
  checkCodec(where, codec);
  if (!Array.isArray(encoded) || encoded.some((e) => typeof e !== 'string')) throw new SnapshotError(`${where}: malformed payload list`);
  return encoded.map((text: string, i) => {
    try {
      return codec.decode(text);
    } catch (error) {
      throw new SnapshotError(`${where}: payload ${i} could not be decoded`, { cause: error });
    }
  });
}

/** A body field that must be a plain object. */
export function bodyObject(where: string, body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SnapshotError(`${where}: malformed body`);
  return body as Record<string, unknown>;
}

/**
 * Encodes payloads, naming the first one the codec refuses: by `name(i)` (a job, a worker, a
 * revision), or by its place among the payloads.
 */
export function encodePayloads<T>(where: string, items: readonly T[], codec: Codec<T>, name: (index: number) => string = (i) => `payload ${i}`): string[] {
  checkCodec(where, codec);
  return items.map((item, i) => {
    let text: unknown;
    try {
      text = codec.encode(item);
    } catch (error) {
      if (error instanceof SnapshotError) throw new SnapshotError(`${where}: ${name(i)}: ${error.message.replace(/^snapshot: /, '')}`);
      throw new SnapshotError(`${where}: ${name(i)} could not be encoded`, { cause: error });
    }
    // Anything else would be written as it is and refused by every restore.
    if (typeof text !== 'string') throw new SnapshotError(`${where}: ${name(i)}: the codec's encode returned ${describe(text)}, not a string`);
    return text;
  });
}

/**
 * The most a counter in a snapshot (next id, next revision, picks, ticks) may hold: 2^52, so that
 * counting on from it stays below 2^53, where adding 1 stops changing a double. Counting from 1, a
 * live structure reaches it only after 4.5·10^15 steps; a forged snapshot past it would issue one
 * id twice, or hang looking for a free one.
 */
export const COUNTER_LIMIT = 2 ** 52;

/** An integer from `min` to COUNTER_LIMIT. */
export function isCounter(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= COUNTER_LIMIT;
}

/** A body field that must be one of a few primitive shapes. */
export function field<T>(where: string, body: Record<string, unknown>, name: string, valid: (value: unknown) => boolean): T {
  const value = body[name];
  if (!valid(value)) throw new SnapshotError(`${where}: malformed field \`${name}\` (${describe(value)})`);
  return value as T;
}
