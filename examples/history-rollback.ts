import { History } from 'flatsched';

interface Release {
  tag: string;
  image: string;
}

// Every deployment is a revision; the last 10 are kept, as Helm keeps by default.
const releases = new History<Release>({ limit: 10 });
releases.push({ tag: '1.4.1', image: 'shop:1.4.1' }, { reason: 'initial release' });
releases.push({ tag: '1.4.2', image: 'shop:1.4.2' }, { reason: 'fix checkout rounding' });
releases.push({ tag: '1.5.0', image: 'shop:1.5.0' }, { reason: 'new search' });

// The health check of 1.5.0 fails: mark it, and go back to the newest release not marked failed.
releases.markFailed();
console.log(`would roll back to ${releases.rollbackToLastGood({ dryRun: true }).tag}`); // would roll back to 1.4.2
const running = releases.rollbackToLastGood();
console.log(`running ${running.tag}`); // running 1.4.2

for (const r of releases.list()) console.log(`r${r.revision} ${r.entry.tag} ${r.status} (${r.reason})`);
// r2 1.4.2 deployed (fix checkout rounding)
// r1 1.4.1 superseded (initial release)

// The same story as `kubectl rollout undo` tells it: a rollback is a new revision, and the failed
// one stays in the list to look at.
const rollout = new History<Release>({ mode: 'roll-forward' });
rollout.push({ tag: '1.4.1', image: 'shop:1.4.1' });
rollout.push({ tag: '1.4.2', image: 'shop:1.4.2' });
rollout.push({ tag: '1.5.0', image: 'shop:1.5.0' });
rollout.markFailed();
rollout.rollbackToLastGood();
for (const r of rollout.list()) console.log(`r${r.revision} ${r.entry.tag} ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
// r4 1.4.2 deployed (rollback to 2)
// r3 1.5.0 failed
// r2 1.4.2 superseded
// r1 1.4.1 superseded
