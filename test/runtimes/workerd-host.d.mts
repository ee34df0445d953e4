export function runWorkerd(): Promise<unknown>;
