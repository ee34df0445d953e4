/**
 * The Balancer's snapshot body: what it holds and how it is checked on the way back.
 *
 * A snapshot holds every worker (through the codec) with its id, weights, capacity, tier, health,
 * draining, load and pick counters, the bookkeeping that orders ties and turns (stamps, weighted
 * round-robin deadlines, p2c's sampling order), slow-start ramps as time elapsed, and the options
 * that are data (strategy, slowStart). Leases are objects of the balancer that issued them and do
 * not travel: their cost stays in the load. Clock, random source and arena are given to `restore`.
 */
import { SnapshotError, describe } from '../core/errors.js';
import { bodyObject, decodePayloads, encodePayloads, field, isCounter, jsonCodec, readSnapshot, writeSnapshot, type Codec, type SnapshotBytes } from '../core/snapshot.js';
import { isWeight } from '../core/validate.js';
import type { WorkerId } from './member.js';
import { rampedWeight } from './slow-start.js';

export const SNAPSHOT_KIND = 'Balancer';

const STRATEGIES = ['least-loaded', 'p2c', 'weighted-round-robin', 'round-robin'] as const;

/** One worker as a snapshot keeps it; times as ages, so any clock can take them back. */
export interface SavedWorker<W> {
  readonly id: WorkerId;
  readonly worker: W;
  readonly weight: number;
  readonly effectiveWeight: number;
  /** Infinity when unbounded. */
  readonly capacity: number;
  readonly backup: boolean;
  readonly load: number;
  /** The rounding error the load shed (absent in older snapshots: 0). */
  readonly loadError: number;
  readonly picks: number;
  readonly stamp: number;
  readonly draining: boolean;
  readonly healthy: boolean;
  /** A slow-start ramp in progress: time since it began, and the step it has reached. */
  readonly ramp: { readonly elapsed: number; readonly step: number } | undefined;
  readonly turnBase: number;
  readonly turnsServed: number;
  readonly turnRate: number;
  /** Passed over for a cost that did not fit since its last pick (absent in older snapshots: false). */
  readonly skipped: boolean;
  /** p2c: its place in the list of available workers, or -1. */
  readonly index: number;
}

export interface SavedBalancer<W> {
  readonly strategy: (typeof STRATEGIES)[number];
  readonly slowStart: { readonly window: number; readonly floor: number; readonly steps: number } | undefined;
  readonly nextId: number;
  readonly tick: number;
  readonly virtualTime: { readonly primary: number; readonly backup: number };
  /** Absent in snapshots written before it was kept: then the workers' rates decide it. */
  readonly fastestRate: { readonly primary: number; readonly backup: number } | undefined;
  /** Costs remembered as fitting no worker, per tier (Infinity: none; absent in older snapshots). */
  readonly noFit: { readonly primary: number; readonly backup: number } | undefined;
  /** In the order they were added. */
  readonly workers: readonly SavedWorker<W>[];
}

const finiteOrNull = (value: number) => (value === Infinity ? null : value);

export function writeBalancerSnapshot<W>(state: SavedBalancer<W>, codec: Codec<W> = jsonCodec as Codec<W>): Uint8Array {
  const payloads = encodePayloads('Balancer.snapshot', state.workers.map((w) => w.worker), codec, (i) => `worker ${describe(state.workers[i]!.id)}`);
  return writeSnapshot(SNAPSHOT_KIND, {
    strategy: state.strategy,
    slowStart: state.slowStart ?? null,
    nextId: state.nextId,
    tick: state.tick,
    virtualTime: state.virtualTime,
    fastestRate: state.fastestRate,
    noFit: state.noFit && { primary: finiteOrNull(state.noFit.primary), backup: finiteOrNull(state.noFit.backup) },
    payloads,
    workers: state.workers.map(({ worker: _, ramp, capacity, ...w }) => ({ ...w, capacity: finiteOrNull(capacity), ramp: ramp ?? null })),
  });
}

const isFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPositive = (v: unknown) => isFinite(v) && v > 0;
const isNatural = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isBoolean = (v: unknown) => typeof v === 'boolean';

export function readBalancerSnapshot<W>(bytes: SnapshotBytes, codec: Codec<W> = jsonCodec as Codec<W>, maxBytes?: number): SavedBalancer<W> {
  const where = 'Balancer.restore';
  const body = bodyObject(where, readSnapshot(where, SNAPSHOT_KIND, bytes, maxBytes));
  const strategy = field<SavedBalancer<W>['strategy']>(where, body, 'strategy', (v) => STRATEGIES.includes(v as never));
  let slowStart: SavedBalancer<W>['slowStart'];
  if (body.slowStart !== null) {
    const box = bodyObject(where, body.slowStart);
    slowStart = {
      window: field<number>(where, box, 'window', isPositive),
      floor: field<number>(where, box, 'floor', (v) => isPositive(v) && (v as number) <= 1),
      steps: field<number>(where, box, 'steps', (v) => isNatural(v) && (v as number) >= 1),
    };
  }
  const tick = field<number>(where, body, 'tick', (v) => isCounter(v, 0));
  const times = bodyObject(where, body.virtualTime);
  const virtualTime = { primary: field<number>(where, times, 'primary', isFinite), backup: field<number>(where, times, 'backup', isFinite) };
  let fastestRate: SavedBalancer<W>['fastestRate'];
  if (body.fastestRate !== undefined) {
    const rates = bodyObject(where, body.fastestRate);
    const isRate = (v: unknown) => isFinite(v) && v >= 1 && v <= 1e9;
    fastestRate = { primary: field<number>(where, rates, 'primary', isRate), backup: field<number>(where, rates, 'backup', isRate) };
  }
  let noFit: SavedBalancer<W>['noFit'];
  if (body.noFit !== undefined) {
    const costs = bodyObject(where, body.noFit);
    const isCost = (v: unknown) => v === null || isPositive(v);
    noFit = { primary: field<number | null>(where, costs, 'primary', isCost) ?? Infinity, backup: field<number | null>(where, costs, 'backup', isCost) ?? Infinity };
  }
  if (!Array.isArray(body.workers)) throw new SnapshotError(`${where}: malformed field \`workers\` (${describe(body.workers)})`);
  const payloads = decodePayloads(where, body.payloads, codec);
  if (payloads.length !== body.workers.length) throw new SnapshotError(`${where}: ${payloads.length} payloads for ${body.workers.length} workers`);

  const ids = new Set<WorkerId>();
  const stamps = new Set<number>();
  const workers = body.workers.map((entry: unknown, i): SavedWorker<W> => {
    const box = bodyObject(where, entry);
    const id = field<WorkerId>(where, box, 'id', (v) => typeof v === 'string' || isFinite(v));
    if (ids.has(id)) throw new SnapshotError(`${where}: worker ${describe(id)} appears twice`);
    ids.add(id);
    // `pick` answers undefined for "no worker can take it": no worker is undefined (as `add` says).
    if (payloads[i] === undefined) throw new SnapshotError(`${where}: worker ${describe(id)} decoded to undefined`);
    const stamp = field<number>(where, box, 'stamp', (v) => isNatural(v) && (v as number) <= tick);
    if (stamps.has(stamp)) throw new SnapshotError(`${where}: two workers have stamp ${stamp}`);
    stamps.add(stamp);
    const weight = field<number>(where, box, 'weight', isWeight);
    const load = field<number>(where, box, 'load', (v) => isFinite(v) && v >= 0);
    let ramp: SavedWorker<W>['ramp'];
    if (box.ramp !== null) {
      if (slowStart === undefined) throw new SnapshotError(`${where}: worker ${describe(id)} ramps up but the balancer has no slowStart`);
      const r = bodyObject(where, box.ramp);
      ramp = { elapsed: field<number>(where, r, 'elapsed', isFinite), step: field<number>(where, r, 'step', (v) => isNatural(v) && (v as number) < slowStart!.steps) };
    }
    return {
      id,
      worker: payloads[i]!,
      weight,
      // The weight itself without a ramp (a weight held below its own would stay there); during a
      // ramp, from its floor to the weight (not its step's exact value: a restored ramp's start is
      // re-based on the restoring clock, and rounding may put a step a hair the other way).
      effectiveWeight: field<number>(where, box, 'effectiveWeight', (v) =>
        ramp ? isPositive(v) && (v as number) >= rampedWeight(weight, 0, slowStart!.steps, slowStart!.floor) && (v as number) <= weight : v === weight,
      ),
      capacity: field<number | null>(where, box, 'capacity', (v) => v === null || (isNatural(v) && (v as number) >= 1)) ?? Infinity,
      backup: field<boolean>(where, box, 'backup', isBoolean),
      load,
      // An error below an ulp or so of the load (a live one never holds more).
      loadError: box.loadError === undefined ? 0 : field<number>(where, box, 'loadError', (v) => isFinite(v) && Math.abs(v) <= Math.max(load, 1) * 2 ** -40),
      picks: field<number>(where, box, 'picks', (v) => isCounter(v, 0)),
      stamp,
      draining: field<boolean>(where, box, 'draining', isBoolean),
      healthy: field<boolean>(where, box, 'healthy', isBoolean),
      ramp,
      turnBase: field<number>(where, box, 'turnBase', isFinite),
      turnsServed: field<number>(where, box, 'turnsServed', (v) => isCounter(v, 0)),
      turnRate: field<number>(where, box, 'turnRate', isWeight),
      skipped: box.skipped === undefined ? false : field<boolean>(where, box, 'skipped', isBoolean),
      index: field<number>(where, box, 'index', (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= -1),
    };
  });
  return { strategy, slowStart, nextId: field<number>(where, body, 'nextId', (v) => isCounter(v, 1)), tick, virtualTime, fastestRate, noFit, workers };
}
