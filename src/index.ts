export { init, initSync, type InitOptions, type InitSyncOptions } from './core/module.js';
export { Arena, type ArenaOptions } from './core/arena.js';
export {
  FlatschedError,
  CapacityError,
  InvalidArgumentError,
  InvalidPriorityError,
  StaleHandleError,
  NotFoundError,
  StateError,
  SnapshotError,
  PoisonedArenaError,
} from './core/errors.js';
export type { Handle } from './structures/handle.js';
export { PriorityQueue, type PriorityQueueOptions, type UpdateOptions } from './structures/priority-queue.js';
export { Queue, type QueueOptions, type Overflow } from './structures/queue.js';
export { Stack, type StackOptions } from './structures/stack.js';
export { NumericPriorityQueue, type NumericPriorityQueueOptions } from './structures/numeric-priority-queue.js';
export { NumericQueue, type NumericQueueOptions } from './structures/numeric-queue.js';
export { NumericStack, type NumericStackOptions } from './structures/numeric-stack.js';
export { jsonCodec, type Codec, type SnapshotOptions, type RestoreOptions, type NumericRestoreOptions, type SnapshotBytes } from './core/snapshot.js';
export { Scheduler } from './scheduler.js';
export type { JobId, JobState, JobRecord, TakenJob, AttemptFailure, SchedulerOptions, SubmitOptions, AcceptOptions, SubmitEntry, RequeueOptions, FailOptions, SchedulerStats, TenantStats, SchedulerEvents, SchedulerEventName, Backoff, BackoffType, Handler, JobContext, RunOptions } from './scheduler.js';
export { Balancer, seededRandom } from './balancer.js';
export type { Lease, BalancerOptions, BalancerStrategy, AddWorkerOptions, WorkerStats, WorkerId, SlowStartOptions } from './balancer.js';
export { History } from './history.js';
export type { HistoryOptions, HistoryMode, HistoryRecord, RevisionStatus, HistoryPushOptions, RollbackOptions, UndoOptions, RevisionPredicate } from './history.js';
