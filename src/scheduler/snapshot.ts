/**
 * The Scheduler's snapshot body: what it holds and how it is checked on the way back.
 *
 * A snapshot holds logical contents, not memory: every job with its state, attempts, history and
 * place in line, each tenant's weight and fair-share pass, and the options that are data. Times
 * are kept as ages ("submitted 120 ms ago", "due in 40 ms") and re-based on the restoring clock,
 * so a snapshot taken under one clock restores under another. Clock, random source and arena are
 * functions or resources, so `restore` takes them as options.
 */
import { InvalidArgumentError, SnapshotError, describe } from '../core/errors.js';
import { bodyObject, decodePayloads, encodePayloads, field, isCounter, jsonCodec, readSnapshot, writeSnapshot, type Codec, type SnapshotBytes } from '../core/snapshot.js';
import { MIN_WEIGHT, isWeight } from '../core/validate.js';
import { BEHIND } from './fair-share.js';
import { backoffPolicy, type BackoffPolicy } from './backoff.js';
import type { JobId, TakenJob } from './types.js';

export const SNAPSHOT_KIND = 'Scheduler';

/** A failed attempt with its times as ages at snapshot time. */
export interface SavedFailure {
  readonly attempt: number;
  readonly startedAgo: number;
  readonly failedAgo: number;
  readonly reason: unknown;
}

/** A held job as a snapshot keeps it: what `take` hands out, plus the state to rebuild it. */
export interface SavedJob<T> extends TakenJob<T> {
  readonly backoff: BackoffPolicy;
  /** Milliseconds since it was submitted. */
  readonly age: number;
  /** Waiting: ms since it became due. Delayed: ms until it is due. In flight: ms since it started. */
  readonly time: number;
  readonly history: readonly SavedFailure[];
}

export interface SavedTenant {
  readonly name: string;
  readonly weight: number;
  /** Its own cap (Infinity: none), or undefined for the scheduler's `tenantCapacity`. */
  readonly capacity: number | undefined;
  readonly pinned: boolean;
  /** Whether its weight was set (kept even at 1); absent in older snapshots, read off `pinned`. */
  readonly weightSet: boolean | undefined;
  /** Its next turn's virtual time; BEHIND (null in the bytes) when that is simply when it enters. */
  readonly pass: number;
}

/** Everything a scheduler is, in the order `restore` rebuilds it. */
export interface SavedScheduler<T> {
  readonly capacity: number;
  readonly maxDelayed: number;
  readonly tenantCapacity: number;
  readonly defaultAttempts: number;
  readonly backoff: BackoffPolicy;
  readonly order: 'min' | 'max';
  readonly maxDeadLetters: number;
  readonly nextId: number;
  readonly highestCallerNumber: number;
  readonly paused: boolean;
  readonly virtualTime: number;
  /** The heaviest weight ever set (it decides when virtual time moves back); absent in older snapshots. */
  readonly heaviest: number | undefined;
  readonly tenants: readonly SavedTenant[];
  /** Due jobs per tenant, tenants in the order of their turns, jobs in the order they became due. */
  readonly lines: readonly { readonly tenant: string; readonly jobs: readonly SavedJob<T>[] }[];
  /** Delayed jobs by due time (FIFO among equal ones). */
  readonly delayed: readonly SavedJob<T>[];
  /** In-flight jobs in the order they started. */
  readonly inFlight: readonly SavedJob<T>[];
  /** Dead letters, oldest first. */
  readonly dead: readonly SavedJob<T>[];
}

// ── reasons: failure reasons are any values; errors keep their name, message, cause and fields ──

/**
 * Errors of these names come back as instances of their own class (`instanceof TypeError`). A Map,
 * not an object: an error named `toString` or `__proto__` must not find Object.prototype's members.
 */
const BUILTIN_ERRORS = new Map<string, ErrorConstructor>([Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError].map((type) => [type.name, type]));

/** How many causes deep (or errors of an AggregateError) a reason is followed. */
const MAX_DEPTH = 8;

/**
 * How many errors of one reason (its causes, an AggregateError's errors, theirs) are followed;
 * past it an error keeps its name, message and fields, but not its cause or errors.
 */
const MAX_ERRORS = 32;

/** An error's parts saved apart from its own fields. */
const ERROR_PARTS = new Set(['name', 'message', 'stack', 'cause', 'errors']);

/**
 * Names of the methods a restored error inherits (`toString`, `valueOf`, `constructor`, ...). A
 * field of one of these names would hide the method (`String(error)` throws once `toString` is a
 * string), so none is saved, and a snapshot that holds one is refused.
 */
const ERROR_METHODS = new Set(
  [new AggregateError([]), new Error()].flatMap((error) => {
    const names: string[] = [];
    for (let proto = Object.getPrototypeOf(error) as object | null; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        if (typeof Object.getOwnPropertyDescriptor(proto, name)?.value === 'function') names.push(name);
      }
    }
    return names;
  }),
);

/** The errors one reason has saved so far, by their order of saving: an error met again is saved as `{ ref }` to it. */
type Encoding = Map<Error, number>;

function encodeReason(reason: unknown, encoding: Encoding = new Map(), depth = 0): unknown {
  if (reason === undefined) return {};
  let isError = false;
  try {
    isError = reason instanceof Error;
  } catch {
    // A revoked Proxy: kept as what it prints as, below.
  }
  if (isError) {
    // As text, whatever was assigned to them: the restore reads them back as strings.
    try {
      return { error: encodeError(reason as Error, encoding, depth) };
    } catch {
      // Unreadable (a throwing getter): kept as what it prints as, below.
    }
  } else {
    const value = asJson(reason);
    if (value !== undefined) return { value };
  }
  return { text: printed(reason) };
}

/**
 * Name and message as text; an AggregateError's `errors`, then `cause`, as reasons of their own;
 * own enumerable fields (`code`, `status`, ...) as JSON, those JSON cannot hold dropped. A part
 * that cannot be read is left out rather than losing the rest. An error met again (its own cause,
 * one listed twice) is a reference to where it was saved, so the snapshot grows with the errors a
 * reason holds, not with the paths to them, and the restore rebuilds the same graph.
 */
function encodeError(error: Error, encoding: Encoding, depth: number): Record<string, unknown> {
  const ref = encoding.get(error);
  if (ref !== undefined) return { ref };
  const saved: Record<string, unknown> = { name: printed(error.name), message: printed(error.message) };
  encoding.set(error, encoding.size);
  // Deep or many errors in: the rest of the graph is cut here, the error's own fields kept.
  if (depth < MAX_DEPTH && encoding.size <= MAX_ERRORS) {
    try {
      // Read whole before any entry is saved: a list that throws halfway leaves no numbered error behind.
      const list = error instanceof AggregateError && Array.isArray(error.errors) ? Array.from(error.errors as unknown[]) : undefined;
      if (list !== undefined) saved.errors = list.map((inner) => encodeReason(inner, encoding, depth + 1));
    } catch {
      // A throwing `errors` getter.
    }
    try {
      if ('cause' in error) saved.cause = encodeReason(error.cause, encoding, depth + 1);
    } catch {
      // A throwing `cause` getter.
    }
  }
  let keys: string[] = [];
  try {
    keys = Object.keys(error);
  } catch {
    // A Proxy that refuses to list its keys.
  }
  const fields: Record<string, unknown> = {};
  for (const key of keys) {
    if (ERROR_PARTS.has(key) || ERROR_METHODS.has(key)) continue;
    let value: unknown;
    try {
      value = asJson((error as unknown as Record<string, unknown>)[key]);
    } catch {
      continue; // a throwing getter
    }
    // Defined, not assigned: a field named `__proto__` stays a field.
    if (value !== undefined) Object.defineProperty(fields, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (Object.keys(fields).length > 0) saved.fields = fields;
  return saved;
}

/** The value as JSON would give it back, or undefined when JSON cannot hold it (a cycle, a bigint, a function). */
function asJson(value: unknown): unknown {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * `String(value)`, or its type tag when it cannot print itself (a null prototype, a throwing
 * `toString`): a reason a handler rejected with must never make its scheduler's snapshots throw.
 */
function printed(value: unknown): string {
  try {
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return '[unprintable]'; // a revoked Proxy
    }
  }
}

/** `decoded`: the errors of this reason rebuilt so far, in the order they were saved (what a `ref` names). */
function decodeReason(where: string, saved: unknown, decoded: Error[] = [], depth = 0): unknown {
  const box = bodyObject(where, saved);
  if ('error' in box) return decodeError(where, bodyObject(where, box.error), decoded, depth);
  if ('value' in box) return box.value;
  if ('text' in box) {
    if (typeof box.text !== 'string') throw new SnapshotError(`${where}: malformed failure reason (text)`);
    return box.text;
  }
  return undefined;
}

function decodeError(where: string, saved: Record<string, unknown>, decoded: Error[], depth: number): Error {
  if ('ref' in saved) {
    const ref = saved.ref;
    if (typeof ref !== 'number' || !Number.isInteger(ref) || ref < 0 || ref >= decoded.length) throw new SnapshotError(`${where}: malformed failure reason (ref)`);
    return decoded[ref]!;
  }
  const { name, message } = saved;
  if (typeof name !== 'string' || typeof message !== 'string') throw new SnapshotError(`${where}: malformed failure reason`);
  if (depth >= MAX_DEPTH && ('cause' in saved || 'errors' in saved)) throw new SnapshotError(`${where}: a failure reason's causes nest deeper than ${MAX_DEPTH}`);
  // Made first and its parts attached after, so that a part may refer back to it (an error that is its own cause).
  const error = 'errors' in saved || name === 'AggregateError' ? new AggregateError([], message) : new (BUILTIN_ERRORS.get(name) ?? Error)(message);
  if (error.name !== name) error.name = name;
  // An AggregateError saved without its list (cut, or none readable) comes back without one.
  if (!('errors' in saved)) delete (error as { errors?: unknown }).errors;
  decoded.push(error);
  // As the constructors make them: own, not enumerable.
  const attach = (key: string, value: unknown) => Object.defineProperty(error, key, { value, enumerable: false, writable: true, configurable: true });
  if ('errors' in saved) {
    if (!Array.isArray(saved.errors)) throw new SnapshotError(`${where}: malformed failure reason (errors)`);
    attach('errors', saved.errors.map((inner: unknown) => decodeReason(where, inner, decoded, depth + 1)));
  }
  if ('cause' in saved) attach('cause', decodeReason(where, saved.cause, decoded, depth + 1));
  if ('fields' in saved) {
    for (const [key, value] of Object.entries(bodyObject(where, saved.fields))) {
      if (ERROR_PARTS.has(key)) throw new SnapshotError(`${where}: malformed failure reason (field ${describe(key)})`);
      if (ERROR_METHODS.has(key)) throw new SnapshotError(`${where}: malformed failure reason (field ${describe(key)} would hide the error's method of that name)`);
      Object.defineProperty(error, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return error;
}

// ── writing ──────────────────────────────────────────────────────────────────────────────────

const finiteOrNull = (value: number) => (value === Infinity ? null : value);

export function writeSchedulerSnapshot<T>(state: SavedScheduler<T>, codec: Codec<T> = jsonCodec as Codec<T>): Uint8Array {
  const where = 'Scheduler.snapshot';
  const all = [...state.lines.flatMap((line) => line.jobs), ...state.delayed, ...state.inFlight, ...state.dead];
  const payloads = encodePayloads(where, all.map((job) => job.payload), codec, (i) => `the payload of job ${describe(all[i]!.id)}`);
  let next = 0;
  const job = (saved: SavedJob<T>) => ({
    id: saved.id,
    payload: payloads[next++],
    priority: saved.priority,
    tenant: saved.tenant,
    attempt: saved.attempt,
    attempts: saved.attempts,
    backoff: { ...saved.backoff, max: finiteOrNull(saved.backoff.max) },
    age: saved.age,
    time: saved.time,
    history: saved.history.map((f) => ({ attempt: f.attempt, startedAgo: f.startedAgo, failedAgo: f.failedAgo, reason: encodeReason(f.reason) })),
  });
  return writeSnapshot(SNAPSHOT_KIND, {
    capacity: finiteOrNull(state.capacity),
    maxDelayed: finiteOrNull(state.maxDelayed),
    tenantCapacity: finiteOrNull(state.tenantCapacity),
    defaultAttempts: state.defaultAttempts,
    backoff: { ...state.backoff, max: finiteOrNull(state.backoff.max) },
    order: state.order,
    maxDeadLetters: finiteOrNull(state.maxDeadLetters),
    nextId: state.nextId,
    highestCallerNumber: state.highestCallerNumber,
    paused: state.paused,
    virtualTime: state.virtualTime,
    heaviest: state.heaviest,
    // A tenant's own cap: absent means the scheduler's default, null means none. A pass of BEHIND: null.
    tenants: state.tenants.map(({ capacity, pass, ...tenant }) => {
      const saved = { ...tenant, pass: pass === BEHIND ? null : pass };
      return capacity === undefined ? saved : { ...saved, capacity: finiteOrNull(capacity) };
    }),
    lines: state.lines.map((line) => ({ tenant: line.tenant, jobs: line.jobs.map(job) })),
    delayed: state.delayed.map(job),
    inFlight: state.inFlight.map(job),
    dead: state.dead.map(job),
  });
}

// ── reading: every field is checked before anything is built ─────────────────────────────────

const isFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** What a live option or attempt count may be: an integer from 1 to 2^53 - 1. */
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isName = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isLimit = (v: unknown) => v === null || isCount(v);
const isOptionalLimit = (v: unknown) => v === undefined || isLimit(v);

function list(where: string, value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) throw new SnapshotError(`${where}: malformed field \`${name}\` (${describe(value)})`);
  return value;
}

function policy(where: string, value: unknown): BackoffPolicy {
  const box = bodyObject(where, value);
  try {
    return backoffPolicy(where, { ...box, max: box.max === null ? Infinity : box.max });
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new SnapshotError(`${where}: malformed backoff (${error.message})`);
    throw error;
  }
}

export function readSchedulerSnapshot<T>(bytes: SnapshotBytes, codec: Codec<T> = jsonCodec as Codec<T>, maxBytes?: number): SavedScheduler<T> {
  const where = 'Scheduler.restore';
  const body = bodyObject(where, readSnapshot(where, SNAPSHOT_KIND, bytes, maxBytes));
  const capacity = field<number | null>(where, body, 'capacity', isLimit) ?? Infinity;
  // Absent in snapshots written before these limits existed: unbounded, as they were then.
  const maxDelayed = field<number | null | undefined>(where, body, 'maxDelayed', isOptionalLimit) ?? Infinity;
  const tenantCapacity = field<number | null | undefined>(where, body, 'tenantCapacity', isOptionalLimit) ?? Infinity;
  const maxDeadLetters = field<number | null>(where, body, 'maxDeadLetters', isLimit) ?? Infinity;
  const order = field<'min' | 'max'>(where, body, 'order', (v) => v === 'min' || v === 'max');

  const rawJobs: { saved: Record<string, unknown>; place: string }[] = [];
  const lines = list(where, body.lines, 'lines').map((line) => {
    const box = bodyObject(where, line);
    const tenant = field<string>(where, box, 'tenant', isName);
    const jobs = list(where, box.jobs, 'lines.jobs');
    if (jobs.length === 0) throw new SnapshotError(`${where}: tenant ${describe(tenant)} has an empty line`);
    for (const job of jobs) rawJobs.push({ saved: bodyObject(where, job), place: 'waiting' });
    return { tenant, count: jobs.length };
  });
  for (const place of ['delayed', 'inFlight', 'dead'] as const) {
    for (const job of list(where, body[place], place)) rawJobs.push({ saved: bodyObject(where, job), place });
  }
  const payloads = decodePayloads(where, rawJobs.map(({ saved }) => saved.payload), codec);

  const ids = new Set<JobId>();
  const jobs = rawJobs.map(({ saved, place }, i): SavedJob<T> => {
    const id = field<JobId>(where, saved, 'id', (v) => typeof v === 'string' || isFinite(v));
    if (ids.has(id)) throw new SnapshotError(`${where}: job ${describe(id)} appears twice`);
    ids.add(id);
    const attempts = field<number>(where, saved, 'attempts', isCount);
    const attempt = field<number>(where, saved, 'attempt', (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= attempts);
    if ((place === 'inFlight' || place === 'dead') && attempt === 0) throw new SnapshotError(`${where}: job ${describe(id)} is ${place} but has made no attempt`);
    // A waiting or delayed job has an attempt left: one that had used them all would be a dead letter.
    if ((place === 'waiting' || place === 'delayed') && attempt >= attempts) throw new SnapshotError(`${where}: job ${describe(id)} is ${place} with no attempt left (${attempt} of ${attempts})`);
    const history = list(where, saved.history, 'history').map((entry) => {
      const box = bodyObject(where, entry);
      return {
        attempt: field<number>(where, box, 'attempt', isCount),
        startedAgo: field<number>(where, box, 'startedAgo', isFinite),
        failedAgo: field<number>(where, box, 'failedAgo', isFinite),
        reason: decodeReason(where, box.reason),
      };
    });
    return {
      id,
      payload: payloads[i]!,
      priority: field<number>(where, saved, 'priority', isFinite),
      tenant: field<string>(where, saved, 'tenant', isName),
      attempt,
      attempts,
      backoff: policy(where, saved.backoff),
      age: field<number>(where, saved, 'age', isFinite),
      time: field<number>(where, saved, 'time', isFinite),
      history,
    };
  });

  let next = 0;
  // A few development builds kept the heaviest weight in a `fairShare` box beside an `origin`, and
  // counted the passes of tenants out of the rotation from a `passOrigin`: read as they meant.
  const shared = body.fairShare === undefined ? undefined : bodyObject(where, body.fairShare);
  const origin = shared === undefined ? 0 : field<number>(where, shared, 'origin', (v) => isFinite(v) && v >= 0);
  const tenants = list(where, body.tenants, 'tenants').map((tenant): SavedTenant => {
    const box = bodyObject(where, tenant);
    const capacity = field<number | null | undefined>(where, box, 'capacity', isOptionalLimit);
    const passOrigin = box.passOrigin === undefined ? origin : field<number>(where, box, 'passOrigin', (v) => isFinite(v) && v >= 0 && v <= origin);
    const pass = box.pass === null ? BEHIND : field<number>(where, box, 'pass', isFinite) - (origin - passOrigin);
    return {
      name: field<string>(where, box, 'name', isName),
      weight: field<number>(where, box, 'weight', isWeight),
      capacity: capacity === null ? Infinity : capacity,
      pinned: field<boolean>(where, box, 'pinned', isBoolean),
      weightSet: box.weightSet === undefined ? undefined : field<boolean>(where, box, 'weightSet', isBoolean),
      pass,
    };
  });
  const restoredLines = lines.map(({ tenant, count }) => {
    const lineJobs = jobs.slice(next, (next += count));
    if (lineJobs.some((job) => job.tenant !== tenant)) throw new SnapshotError(`${where}: a job in the line of ${describe(tenant)} belongs to another tenant`);
    return { tenant, jobs: lineJobs };
  });
  const take = (name: string) => jobs.slice(next, (next += list(where, body[name], name).length));
  const virtualTime = field<number>(where, body, 'virtualTime', isFinite);
  const isHeaviest = (v: unknown) => isWeight(v) && (v as number) >= 1;
  const heaviest = body.heaviest !== undefined ? field<number>(where, body, 'heaviest', isHeaviest) : shared === undefined ? undefined : field<number>(where, shared, 'heaviest', isHeaviest);
  // A turn puts a tenant's pass at most 1 / weight (1e9 at the smallest weight) past virtual time,
  // give or take rounding; one further ahead would wait out every other tenant's line.
  for (const { name, pass } of tenants) {
    if (pass - virtualTime > (1 / MIN_WEIGHT) * (1 + 2 ** -20) + Math.abs(virtualTime) * 2 ** -50) throw new SnapshotError(`${where}: tenant ${describe(name)} has its next turn further ahead (pass ${pass}) of virtual time (${virtualTime}) than any weight puts one`);
  }
  const nextId = field<number>(where, body, 'nextId', (v) => isCounter(v, 1));
  const highestCallerNumber = field<number>(where, body, 'highestCallerNumber', isFinite);
  // Ids are issued from `nextId` on, skipping only numbers a caller gave (up to highestCallerNumber):
  // a held number past both would be issued again to the next job.
  for (const { id } of jobs) {
    if (typeof id === 'number' && id >= nextId && id > highestCallerNumber) {
      throw new SnapshotError(`${where}: job ${id} is past the id counter (nextId ${nextId}) and every caller-given number (${highestCallerNumber}); a new job would be given its id`);
    }
  }
  return {
    capacity,
    maxDelayed,
    tenantCapacity,
    defaultAttempts: field<number>(where, body, 'defaultAttempts', isCount),
    backoff: policy(where, body.backoff),
    order,
    maxDeadLetters,
    nextId,
    highestCallerNumber,
    paused: field<boolean>(where, body, 'paused', isBoolean),
    virtualTime,
    heaviest,
    tenants,
    lines: restoredLines,
    delayed: take('delayed'),
    inFlight: take('inFlight'),
    dead: take('dead'),
  };
}
