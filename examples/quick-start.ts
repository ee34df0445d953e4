import { PriorityQueue, Queue, Stack } from 'flatsched';

// CI/CD jobs: the lowest number runs first, equal priorities in arrival order.
const jobs = new PriorityQueue<{ name: string }>();
jobs.push({ name: 'deploy staging' }, 2);
const hotfix = jobs.push({ name: 'deploy hotfix' }, 5);
jobs.push({ name: 'run tests' }, 1);
jobs.update(hotfix, 0); // the hotfix jumps the queue
console.log(jobs.pop()?.name, '→', jobs.pop()?.name, '→', jobs.pop()?.name);
// deploy hotfix → run tests → deploy staging

// Tasks handed to workers in arrival order; a bounded queue refuses overflow.
const tasks = new Queue<string>({ capacity: 1000 });
tasks.push('resize image 1');
tasks.push('resize image 2');
console.log(tasks.shift(), '|', tasks.size, 'left'); // resize image 1 | 1 left

// Deployed versions: roll back to the previous one.
const releases = new Stack<string>({ limit: 10 });
releases.push('v1.4.1');
releases.push('v1.4.2');
releases.pop(); // v1.4.2 failed
console.log('running', releases.peek()); // running v1.4.1
