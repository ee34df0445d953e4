import { History } from 'flatsched';

type Config = Readonly<{ timeoutMs: number; retries: number; region: string }>;

// Each change to the gateway's configuration is a revision: undo and redo walk through them.
const config = new History<Config>({ limit: 50 });
config.push({ timeoutMs: 5000, retries: 3, region: 'eu-west' }, { reason: 'defaults' });
config.push({ ...config.current!, timeoutMs: 200 }, { reason: 'tighter timeout' });
config.push({ ...config.current!, retries: 0 }, { reason: 'no retries' });

console.log(config.undo()); // { timeoutMs: 200, retries: 3, region: 'eu-west' }
console.log(config.undo()); // { timeoutMs: 5000, retries: 3, region: 'eu-west' }
console.log(config.redo()); // { timeoutMs: 200, retries: 3, region: 'eu-west' }

// A new change clears what could be redone, as in any editor.
config.push({ ...config.current!, region: 'eu-central' }, { reason: 'move region' });
console.log(config.canRedo); // false

// Look before you leap: a dry run tells what would become current and changes nothing.
console.log(config.rollbackTo((c) => c.timeoutMs === 5000, { dryRun: true })); // { timeoutMs: 5000, retries: 3, region: 'eu-west' }
console.log(config.list().map((r) => `r${r.revision} ${r.status}: ${r.reason}`).join(' | '));
// r4 deployed: move region | r2 superseded: tighter timeout | r1 superseded: defaults
