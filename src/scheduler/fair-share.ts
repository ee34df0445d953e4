import type { Arena } from '../core/arena.js';
import { PriorityQueue } from '../structures/priority-queue.js';
import type { Handle } from '../structures/handle.js';
import { ReadyLine, type LineRows } from './ready-line.js';
import type { Job } from './job-rows.js';

/** No handle: the tenant has no entry in the tenant heap yet (it never had a due job). */
const NONE = -1;
/**
 * The key of a tenant's entry while it has no due job: behind every pass. The entry stays for the
 * record's life, so that taking a turn again needs no memory: the arena's handle slots are shared,
 * and a slot freed when a tenant left the rotation could be taken by another structure in the
 * arena, leaving a retry of the tenant's own job no room (`fail` threw CapacityError, its job in
 * flight). It also spends no handle per return to the rotation (an arena issues finitely many).
 */
const OUT = Number.MAX_VALUE;

/** A served tenant goes behind the tenants whose pass equals its new one. */
const BEHIND_EQUALS = Object.freeze({ behindEquals: true });

/** The pass of a tenant out of the rotation whose next turn is simply at virtual time. */
export const BEHIND = -Infinity;

/** Tenant records kept while empty before a sweep frees them (their queues live in the arena). */
const SWEEP_AFTER = 64;

/**
 * Virtual time is moved back to 0 (`#rebase`) once it reaches this over the heaviest weight set.
 * Passes grow by 1 / weight a turn without end, and a double's steps grow with its magnitude: at
 * 3·10^14 (a tenant of weight 1e-9 served 300,000 times, or ordinary weights over years of turns)
 * a weight of 100 adds less than half a step, its pass stops moving, and it takes every turn; a
 * weight of 1e9 stops at 1.7·10^7. Below 2^42 / w, the heaviest weight's turn is over 2^10 steps.
 */
const REBASE_SCALE = 2 ** 42;

/** One tenant: its weight, its place in the rotation, its due jobs, and counts per job state. */
export class Tenant {
  weight = 1;
  /** Its own cap on jobs held (`setTenantCapacity`); undefined means the scheduler's `tenantCapacity`. */
  capacity: number | undefined = undefined;
  /** Set by `setTenantWeight`: the record is kept even when it holds no job. */
  weightSet = false;
  /** Counted among the empty records that the next sweep may free. */
  sweepable = false;
  /**
   * Made for a call that has not held a job of it yet, nor set its weight or cap: a refused call
   * frees such a record at once (`refused`) rather than leaving it to the sweeps.
   */
  fresh = true;
  /**
   * Virtual time of the tenant's next turn; each turn adds 1 / weight. BEHIND when the tenant is
   * out of the rotation with its pass at or below virtual time, where the value no longer matters
   * (it re-enters at virtual time): only passes that can decide a turn are kept, and moved.
   */
  pass = BEHIND;
  /** Out of the rotation with a pass that may be ahead of virtual time: listed in `FairShare`'s `#ahead`. */
  ahead = false;
  /** Freed by a sweep or a refused call: lists still holding the record drop it. */
  freed = false;
  /** The tenant's due jobs by priority, FIFO among equals. Created on first use. */
  ready: ReadyLine | undefined;
  /** Jobs in `ready`, counted here to save a call into the core per pop. */
  due = 0;
  /** The tenant's entry in the tenant heap (keyed OUT while it has no due job, but for `#parked`), or NONE before its first. */
  turn: Handle | typeof NONE = NONE;
  /** Its index in `FairShare`'s list of the tenants in the rotation (those with a due job), or -1. */
  rotating = -1;
  waiting = 0;
  delayed = 0;
  inFlight = 0;
  dead = 0;

  constructor(readonly name: string) {}

  /** Whether the record is kept even when it holds no job: it has a weight or a cap of its own. */
  get pinned(): boolean {
    return this.weightSet || this.capacity !== undefined;
  }

  get jobs(): number {
    return this.waiting + this.delayed + this.inFlight + this.dead;
  }

  /** Jobs that count against its capacity: waiting, delayed and in flight (not dead letters). */
  get held(): number {
    return this.waiting + this.delayed + this.inFlight;
  }
}

/**
 * Chooses whose due job runs next by weighted fair share across tenants (stride scheduling), then
 * by priority and arrival within that tenant.
 *
 * Each tenant with a due job sits in a small heap keyed by its `pass`, a virtual time. Taking a job
 * from the tenant with the lowest pass advances that pass by 1 / weight, so under load a tenant of
 * weight 2 gets two turns for every turn of a tenant of weight 1, however many jobs either queued:
 * a flooding tenant only lengthens its own line. A tenant that was idle re-enters at its old pass,
 * but not below virtual time nor below the tenants waiting, so idling earns no credit to burst
 * with later. Ties of
 * pass go to the tenant that has waited longest for its turn (the heap is FIFO among equals, and a
 * served tenant goes behind its equals), which makes equal weights plain round robin.
 */
export class FairShare {
  readonly #tenants = new Map<string, Tenant>();
  readonly #turns: PriorityQueue<Tenant>;
  readonly #max: boolean;
  readonly #arena: Arena | undefined;
  readonly #rows: LineRows;
  /** The pass of the turn most recently served. */
  #virtualTime = 0;
  /** The heaviest weight ever set, and the virtual time at which passes are moved back for it. */
  #heaviest = 1;
  #rebaseAt = REBASE_SCALE;
  /**
   * The tenants in the rotation (with a due job), in no order: what a rebase moves, without
   * reading the tenant heap, whose entries of the tenants out of it stay.
   */
  readonly #rotation: Tenant[] = [];
  /**
   * Tenants that left the rotation with a pass ahead of virtual time (a turn or less of theirs):
   * a rebase moves their passes too, exactly as it moves the rotation's, until virtual time
   * passes them. Moving them later from a running total of the moves instead rounded once that
   * total grew, and a returning tenant lost a tie it should have won.
   */
  readonly #ahead: Tenant[] = [];
  #empty = 0;
  /** Tenants with a cap of their own (their records are never swept). */
  #capped = 0;
  /**
   * The tenant in the rotation while it is the only one (undefined: not known, or not alone).
   * Its turns need no heap work, since no other tenant is there to order it against: its turn's
   * key is brought up to its pass only when another tenant joins (`#rejoin`). One tenant holding
   * all the jobs is the common case, and this saves two core calls per job.
   */
  #alone: Tenant | undefined = undefined;
  /** Whether `#alone`'s turn in the heap is behind its pass (it was served since it was placed). */
  #aloneBehind = false;
  /**
   * The last tenant to leave the rotation when it left it empty: its entry keeps the key it had
   * rather than OUT, moved only when another tenant enters (or the heap is read). One tenant whose
   * line empties and fills again with each job (jobs coming one at a time) then costs one move of
   * its entry a job, not two.
   */
  #parked: Tenant | undefined = undefined;
  /** The record `tenant(name)` returned last, reused while the name repeats. */
  #lastTenant: Tenant | undefined = undefined;

  constructor(max: boolean, arena: Arena | undefined, rows: LineRows) {
    this.#max = max;
    this.#arena = arena;
    this.#rows = rows;
    this.#turns = new PriorityQueue<Tenant>({ arena });
  }

  /** The tenant named `name`, created with weight 1 when new. */
  tenant(name: string): Tenant {
    if (this.#lastTenant?.name === name) return this.#lastTenant;
    let tenant = this.#tenants.get(name);
    this.#lastTenant = tenant;
    if (!tenant) {
      tenant = this.#lastTenant = new Tenant(name);
      this.#tenants.set(name, tenant);
    }
    return tenant;
  }

  /** The tenant named `name`, if there is a record of it. */
  find(name: string): Tenant | undefined {
    return this.#tenants.get(name);
  }

  tenants(): IterableIterator<Tenant> {
    return this.#tenants.values();
  }

  /** Tenants with a due job, in the order of their next turns (for snapshots). */
  rotation(): Tenant[] {
    this.#rejoin();
    this.#unpark();
    return [...this.#turns].filter((tenant) => tenant.rotating >= 0);
  }

  /** The pass of the turn most recently served; a restore sets it back. */
  get virtualTime(): number {
    return this.#virtualTime;
  }

  set virtualTime(value: number) {
    this.#virtualTime = value;
  }

  /** Whether some tenant has a cap of its own. */
  get anyCapped(): boolean {
    return this.#capped > 0;
  }

  /**
   * The heaviest weight ever set: it decides when virtual time moves back, so snapshots keep it
   * and a restored scheduler rebases when the original would. Never set below a weight set since.
   */
  get heaviest(): number {
    return this.#heaviest;
  }

  set heaviest(weight: number) {
    if (weight <= this.#heaviest) return;
    this.#heaviest = weight;
    this.#rebaseAt = REBASE_SCALE / weight;
  }

  setWeight(name: string, weight: number): void {
    this.heaviest = weight;
    const tenant = this.tenant(name);
    tenant.fresh = false;
    tenant.weight = weight;
    tenant.weightSet = true;
    this.becameBusy(tenant);
  }

  /**
   * Gives a tenant its own cap, and keeps its record; undefined: the scheduler's default again, and
   * an empty record goes to the sweeps again unless its weight was set.
   */
  setCapacity(name: string, capacity: number | undefined): void {
    const tenant = this.tenant(name);
    tenant.fresh = false;
    this.#capped += (capacity !== undefined ? 1 : 0) - (tenant.capacity !== undefined ? 1 : 0);
    tenant.capacity = capacity;
    if (tenant.pinned) this.becameBusy(tenant);
    else if (tenant.jobs === 0) this.becameEmpty(tenant);
  }

  /**
   * Adds a due job to its tenant's line and returns its ticket there, for its row. Throws
   * CapacityError (from the arena) with nothing changed.
   */
  push(tenant: Tenant, job: Job, priority: number): Handle {
    const ready = (tenant.ready ??= this.#line());
    const ticket = ready.push(job, priority);
    if (tenant.rotating < 0) {
      try {
        this.#enterRotation(tenant);
      } catch (error) {
        ready.remove(job, ticket);
        throw error;
      }
    }
    tenant.due++;
    return ticket as Handle;
  }

  /** Adds several due jobs of one tenant in one batch, giving each row its handle; all or nothing. */
  pushMany(tenant: Tenant, jobs: Job[], priorities: number[]): Handle[] {
    const ready = (tenant.ready ??= this.#line());
    const handles = ready.pushMany(jobs, priorities) as Handle[];
    if (tenant.rotating < 0 && handles.length > 0) {
      try {
        this.#enterRotation(tenant);
      } catch (error) {
        jobs.forEach((job, k) => ready.remove(job, handles[k]!));
        throw error;
      }
    }
    tenant.due += handles.length;
    return handles;
  }

  /** A tenant's pass while it is out of the rotation (undefined while it is in), for `takeBack`. */
  passOutside(tenant: Tenant): number | undefined {
    return tenant.rotating < 0 ? tenant.pass : undefined;
  }

  /**
   * Takes back the jobs a `pushMany` added for a batch that was then refused. A tenant the batch
   * brought into the rotation leaves it with the pass it had before (`passOutside`), not the one
   * it entered at: a refused batch moves no turn.
   */
  takeBack(tenant: Tenant, jobs: Job[], handles: Handle[], pass: number | undefined): void {
    jobs.forEach((job, k) => this.remove(tenant, job, handles[k]!));
    if (pass !== undefined && tenant.rotating < 0) tenant.pass = pass;
  }

  /** The priority of the job `pop` would return, or undefined when none is due. */
  peekPriority(): number | undefined {
    const rotating = this.#rotation.length;
    return rotating === 0 ? undefined : this.#nextTenant(rotating === 1).ready!.peekPriority();
  }

  /** Removes and returns the next due job by fair share, or undefined when none is due. */
  pop(): Job | undefined {
    const rotating = this.#rotation.length;
    if (rotating === 0) return undefined;
    const turns = this.#turns;
    const alone = rotating === 1;
    const tenant = this.#nextTenant(alone);
    const job = tenant.ready!.pop();
    this.#virtualTime = tenant.pass;
    tenant.pass += 1 / tenant.weight;
    if (this.#virtualTime >= this.#rebaseAt) this.#rebase();
    if (--tenant.due === 0) this.#leaveRotation(tenant);
    else if (alone) this.#aloneBehind = true;
    else turns.update(tenant.turn as Handle, tenant.pass, BEHIND_EQUALS);
    return job;
  }

  /** Takes a due job out of its tenant's line (cancel); see `ReadyLine.remove`. */
  remove(tenant: Tenant, job: Job, handle: Handle): void {
    tenant.ready!.remove(job, handle);
    if (--tenant.due === 0) this.#leaveRotation(tenant);
  }

  /**
   * Gives a due job a new priority (its row still has the old one); it keeps its place in arrival
   * order among equal priorities. Returns its new ticket, for its row.
   */
  update(tenant: Tenant, job: Job, priority: number): Handle {
    return tenant.ready!.update(job, priority) as Handle;
  }

  /**
   * Records that a tenant now holds no job. Empty records are freed in batches, so a gateway with
   * a tenant per client does not keep one per client it ever saw, while a tenant that empties and
   * refills at once keeps its queue. A freed tenant's pass is forgotten: it re-enters behind the
   * tenants waiting, as a new one does.
   */
  becameEmpty(tenant: Tenant): void {
    tenant.fresh = false;
    if (tenant.pinned || tenant.sweepable) return;
    tenant.sweepable = true;
    this.#empty++;
    if (this.#empty > SWEEP_AFTER && this.#empty > this.#tenants.size / 2) this.#sweep();
  }

  /**
   * Records that a call refused a job of `tenant` before holding it, the tenant holding none: a
   * record made for that call is freed with everything the refused placement built in it (its
   * line, its turn), so the refused call leaves no trace; any other goes to the sweeps as usual.
   */
  refused(tenant: Tenant): void {
    if (tenant.freed) return; // by this batch's first refusal, or a sweep it set off
    if (tenant.fresh) this.#free(tenant);
    else this.becameEmpty(tenant);
  }

  /** Records that an empty tenant holds a job again. */
  becameBusy(tenant: Tenant): void {
    if (!tenant.sweepable) return;
    tenant.sweepable = false;
    this.#empty--;
  }

  /** Every queue gives back its slack (empty tenants are left to the sweeps, which keep fairness). */
  shrink(): void {
    for (const tenant of this.#tenants.values()) tenant.ready?.shrink();
    this.#turns.shrink();
  }

  dispose(): void {
    for (const tenant of this.#tenants.values()) tenant.ready?.dispose();
    this.#tenants.clear();
    this.#ahead.length = 0;
    this.#capped = 0;
    this.#turns.dispose();
  }

  /**
   * The tenant whose turn it is (the rotation holds one). Alone in it, the tenant that was first
   * alone, kept: its entry in the heap falls behind its pass as it is served (`#aloneBehind`).
   */
  #nextTenant(alone: boolean): Tenant {
    return alone ? (this.#alone ??= this.#turns.peek()!) : this.#turns.peek()!;
  }

  #line(): ReadyLine {
    return new ReadyLine(this.#max, this.#arena, this.#rows);
  }

  /**
   * A tenant that was out of the rotation takes its turn at its pass, or at the current virtual
   * time or the lowest pass waiting if later. A full arena throws CapacityError with the tenant
   * still out.
   */
  #enterRotation(tenant: Tenant): void {
    this.#rejoin();
    // Never ahead of the tenants already waiting: virtual time is the pass of the turn served
    // last, and when that tenant left, the others wait at later passes. A tenant whose record a
    // sweep freed (its pass forgotten), re-entering at virtual time after each of its turns, took
    // turn after turn ahead of a backlogged peer of equal weight (1 of 20 turns).
    let pass = Math.max(tenant.pass, this.#virtualTime);
    if (this.#rotation.length > 0) pass = Math.max(pass, this.#turns.peekPriority()!);
    if (tenant === this.#parked) this.#parked = undefined;
    else this.#unpark();
    if (tenant.turn === NONE) tenant.turn = this.#turns.push(tenant, pass);
    else this.#turns.update(tenant.turn, pass, BEHIND_EQUALS);
    tenant.rotating = this.#rotation.push(tenant) - 1;
    tenant.pass = pass;
  }

  #leaveRotation(tenant: Tenant): void {
    const rotation = this.#rotation;
    if (rotation.length === 1) this.#parked = tenant;
    else this.#turns.update(tenant.turn as Handle, OUT);
    const last = rotation.pop()!;
    if (last !== tenant) rotation[(last.rotating = tenant.rotating)] = last;
    tenant.rotating = -1;
    this.#alone = undefined;
    this.#aloneBehind = false;
    this.#keepPass(tenant);
  }

  /** Lists a tenant out of the rotation whose pass is ahead of virtual time; else its pass is BEHIND. */
  #keepPass(tenant: Tenant): void {
    if (tenant.pass <= this.#virtualTime) tenant.pass = BEHIND;
    else this.#listAhead(tenant);
  }

  /** After a restore set the passes: lists the tenants out of the rotation whose pass is not BEHIND, as the original had them. */
  restored(): void {
    for (const tenant of this.#tenants.values()) if (tenant.rotating < 0 && tenant.pass !== BEHIND) this.#listAhead(tenant);
  }

  #listAhead(tenant: Tenant): void {
    if (tenant.ahead) return;
    tenant.ahead = true;
    this.#ahead.push(tenant);
  }

  /** Moves the parked entry out of the way, if any: another tenant enters, or the heap is read. */
  #unpark(): void {
    const parked = this.#parked;
    if (parked === undefined) return;
    this.#turns.update(parked.turn as Handle, OUT);
    this.#parked = undefined;
  }

  /**
   * Before another tenant joins the rotation (or the rotation is read): the tenant that was alone
   * gets the turn it would have had with the heap updated at every pop, its pass behind equals.
   */
  #rejoin(): void {
    const alone = this.#alone;
    if (alone === undefined) return;
    if (this.#aloneBehind) this.#turns.update(alone.turn as Handle, alone.pass, BEHIND_EQUALS);
    this.#alone = undefined;
    this.#aloneBehind = false;
  }

  /**
   * Moves virtual time and the passes that can still decide a turn (the rotation's, and those of
   * the tenants listed `#ahead`) back by the current virtual time; the other tenants' passes are
   * BEHIND, which moving leaves as it is. A rebase so costs the rotation and the tenants that left
   * it since virtual time last passed them, not every tenant record (though with weights 10^12 or
   * more apart that is every light tenant that left, for many rebases). Those passes lie near virtual
   * time (at most 1 / weight past it), so their differences, and with them the order of turns,
   * come out exact or within a step of a pass 1e9 ahead. The heap's keys move with them, keeping
   * their order among equals.
   */
  #rebase(): void {
    // Only `pop` calls this, so the rotation holds a tenant and no entry is parked.
    const base = this.#virtualTime;
    this.#virtualTime = 0;
    for (const tenant of this.#rotation) {
      tenant.pass -= base;
      this.#turns.update(tenant.turn as Handle, tenant.pass);
    }
    // Compacted in place: with weights far apart (1e9 beside 1e-9) rebases come often and light
    // tenants stay listed for many of them, so this loop is the rebase's cost.
    const ahead = this.#ahead;
    let kept = 0;
    for (let i = 0; i < ahead.length; i++) {
      const tenant = ahead[i]!;
      // Back in the rotation (moved above), or freed: no longer listed here.
      if (tenant.rotating >= 0 || tenant.freed) tenant.ahead = false;
      else if (tenant.pass <= base) {
        tenant.ahead = false;
        tenant.pass = BEHIND;
      } else {
        tenant.pass -= base;
        ahead[kept++] = tenant;
      }
    }
    ahead.length = kept;
  }

  #sweep(): void {
    this.#unpark();
    for (const tenant of this.#tenants.values()) if (!tenant.pinned && tenant.jobs === 0) this.#free(tenant);
    // Freed records leave the list too, so that tenants coming and going between rebases (a
    // gateway with one per client) do not grow it.
    const ahead = this.#ahead;
    let kept = 0;
    for (let i = 0; i < ahead.length; i++) if (!ahead[i]!.freed) ahead[kept++] = ahead[i]!;
    ahead.length = kept;
    this.#empty = 0;
  }

  /** Forgets an empty record: its line and its entry in the tenant heap go back to the arena. */
  #free(tenant: Tenant): void {
    if (tenant === this.#parked) this.#parked = undefined; // its entry goes: nothing to move later
    if (tenant === this.#lastTenant) this.#lastTenant = undefined;
    tenant.ready?.dispose();
    if (tenant.turn !== NONE) this.#turns.remove(tenant.turn);
    this.#tenants.delete(tenant.name);
    tenant.freed = true;
  }
}
