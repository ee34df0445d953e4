import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
const args = process.argv.slice(2);
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', '--import', 'tsx', 'examples/gateway/cli.ts', '--port', '0', '--backends', '3', '--latency', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve) => child.stdout!.on('data', (d: Buffer) => { const m = /listening on (\S+)/.exec(d.toString()); if (m) resolve(m[1]!); }));
const { hostname, port } = new URL(url); const agent = new Agent({ keepAlive: true, maxSockets: 32 }); let i = 0;
await Promise.all(Array.from({ length: 32 }, async () => { while (i++ < 30000) await new Promise<void>((r) => request({ host: hostname, port, path: '/x', agent }, (res) => { res.resume(); res.on('end', () => r()); }).end()); }));
agent.destroy(); child.kill('SIGINT'); await new Promise((r) => child.on('exit', r));
