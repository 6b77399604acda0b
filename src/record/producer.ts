import os from 'node:os';
import { processIdentity } from '../store/agent-process.js';

/**
 * A recorder's name, unique across machines and restarts: host, pid, the process's start (so a reused pid is another
 * producer) and a random part (two recorders in one process). With a batch's seq, it is the batch's identity.
 */
export function newProducerId(pid = process.pid): string {
  const identity = processIdentity(pid)?.split('/')[1] ?? String(Date.now());
  const random = Buffer.from(crypto.getRandomValues(new Uint8Array(6))).toString('hex');
  return `${os.hostname()}/${pid}/${identity}/${random}`;
}
