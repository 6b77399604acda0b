import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDescriptor, createPipe, readLive } from '../../src/agent/os-pipe.js';

describe('readLive', () => {
  const opened: number[] = [];
  afterEach(() => {
    for (const fd of opened.splice(0)) closeDescriptor(fd);
  });
  const keep = (fd: number) => {
    opened.push(fd);
    return fd;
  };

  it('says a pipe or a socket may be read live, and a file or /dev/null not', async () => {
    const pipe = createPipe();
    if (pipe === undefined) throw new Error('pipe2 cannot be called here (koffi missing?)');
    keep(pipe.read);
    expect(readLive(keep(pipe.write))).toBe(true);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-readlive-'));
    expect(readLive(keep(fs.openSync(path.join(dir, 'out.log'), 'w')))).toBe(false);
    expect(readLive(keep(fs.openSync('/dev/null', 'w')))).toBe(false);

    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(dir, 'socket'), resolve));
    const client = net.connect(path.join(dir, 'socket'));
    await new Promise((resolve) => client.on('connect', resolve));
    expect(readLive((client as unknown as { _handle: { fd: number } })._handle.fd)).toBe(true);
    client.destroy();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says yes when the descriptor cannot be looked at', () => {
    expect(readLive(987_654)).toBe(true);
  });
});
