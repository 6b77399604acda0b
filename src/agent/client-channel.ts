// The job's channel: a Unix socket in a private folder, named to the job by RUNMETER_CHANNEL, on which the Python
// client (and any program speaking docs/python.md's messages) logs into the run. Nothing is loaded until a client
// connects, so jobs that never use it pay only for an idle socket.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** What serves the clients once one connects: the SDK's agent channel, which the worker loads by URL. */
export interface ChannelServer {
  serve(socket: net.Socket): Promise<void>;
  close(): Promise<void>;
}

/** Makes the channel's private folder (0700, a fresh name: nobody else can plant or read the socket) and names the socket in it. */
export function channelPath(env: NodeJS.ProcessEnv = process.env): { dir: string; socket: string } {
  const dir = fs.mkdtempSync(path.join(env.TMPDIR || os.tmpdir(), 'runmeter-channel-'));
  fs.chmodSync(dir, 0o700);
  return { dir, socket: path.join(dir, 'channel.sock') };
}

/** Listens on the channel's socket and hands each connection to the server `load` gives, loaded on first use. */
export class ChannelListener {
  private readonly server: net.Server;
  private readonly connections = new Set<Promise<void>>();
  private readonly sockets = new Set<net.Socket>();
  private loaded: Promise<ChannelServer | undefined> | undefined;

  constructor(
    private readonly socketPath: string,
    private readonly load: () => Promise<ChannelServer>,
    private readonly warn: (message: string) => void,
  ) {
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.on('error', (error) => warn(`the Python client's channel stopped (${error.message}); the job goes on`));
    this.server.listen(socketPath);
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => {}); // a client that dies mid-message: what came before it is applied
    this.loaded ??= this.load().catch((error: Error) => {
      this.warn(`the Python client's channel could not start (${error.message}); its calls are not recorded`);
      return undefined;
    });
    const served: Promise<void> = this.loaded
      .then(async (server) => {
        if (server === undefined) socket.destroy();
        else await server.serve(socket);
      })
      .catch((error: Error) => this.warn(`a Python client's messages stopped (${error.message})`))
      .finally(() => {
        this.sockets.delete(socket);
        this.connections.delete(served);
      });
    this.connections.add(served);
  }

  /**
   * Stops taking clients, reads what connected clients still send for up to `waitMs` (the job has exited, so they
   * are gone or leaving), then writes everything they logged and removes the socket's folder.
   */
  async close(waitMs: number): Promise<void> {
    this.server.close();
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
    await Promise.race([Promise.all([...this.connections]), waited]);
    clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([...this.connections]);
    const server = await this.loaded;
    await server?.close();
    fs.rmSync(path.dirname(this.socketPath), { recursive: true, force: true });
  }
}

/** Where the Python client lives, as the CLI knows it: its package folder, runmeter's executable, and the channel's module. */
export interface PythonClient {
  /** The folder holding the `runmeter` Python package: prepended to the job's PYTHONPATH. */
  packageDir: string;
  /** The runmeter executable, for a client that starts its own recorder (RUNMETER_BIN). */
  bin: string;
  /** The module (URL) that serves the channel in the ingest worker. */
  module: string;
}

/**
 * Opens the job's side of the Python client: the environment that makes `import runmeter` work and names the
 * channel, and what the worker listens on. Undefined (said once) when the private folder cannot be made.
 */
export function clientChannel(
  client: PythonClient,
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
): { env: NodeJS.ProcessEnv; channel: { socket: string; module: string }; dir: string } | undefined {
  let where: { dir: string; socket: string };
  try {
    where = channelPath(env);
  } catch (error) {
    warn(`the Python client's channel could not be made (${(error as Error).message}); its calls are not recorded`);
    return undefined;
  }
  const pythonPath = env.PYTHONPATH ? `${client.packageDir}${path.delimiter}${env.PYTHONPATH}` : client.packageDir;
  return {
    env: { RUNMETER_CHANNEL: where.socket, RUNMETER_BIN: client.bin, PYTHONPATH: pythonPath },
    channel: { socket: where.socket, module: client.module },
    dir: where.dir,
  };
}
