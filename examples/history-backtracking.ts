import { Stack } from 'flatsched';

// A migration log is replayed line by line. Applied steps go on a stack; a checkpoint marks a
// state known to be consistent. When a step fails, backtrack: pop and revert the steps applied
// since the last checkpoint, newest first, and carry on from there.
const log = [
  'apply create table orders',
  'apply add index orders_by_customer',
  'checkpoint',
  'apply add column orders.discount',
  'apply backfill orders.discount',
  'error backfill timed out',
  'apply add column orders.coupon',
  'checkpoint',
];

type Entry = { kind: 'step'; name: string } | { kind: 'checkpoint' };
const applied = new Stack<Entry>();

for (const line of log) {
  const [word, ...rest] = line.split(' ');
  const text = rest.join(' ');
  if (word === 'apply') applied.push({ kind: 'step', name: text });
  else if (word === 'checkpoint') applied.push({ kind: 'checkpoint' });
  else if (word === 'error') {
    console.log(`failed: ${text}`);
    while (applied.size > 0 && applied.peek()!.kind === 'step') {
      const step = applied.pop() as { name: string };
      console.log(`  revert ${step.name}`);
    }
  }
}
// failed: backfill timed out
//   revert backfill orders.discount
//   revert add column orders.discount

const state = [...applied].reverse().map((e) => (e.kind === 'step' ? e.name : '—checkpoint—'));
console.log(state.join('\n'));
// create table orders
// add index orders_by_customer
// —checkpoint—
// add column orders.coupon
// —checkpoint—
