import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isErrnoError, UsageError } from '../model/errors.js';
import type { Artifact, Store } from '../record/index.js';

/** What to record a copied file or folder as. */
export interface ArtifactRecord {
  /** The SDK call that records it (`logArtifact`, `logModel`), named in errors. */
  call: string;
  name?: string;
  context?: string;
  kind: Artifact['kind'];
  meta?: Record<string, unknown>;
}

/** The files under `dir`, relative to it, sorted so that a folder's hash does not depend on listing order. */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const entries = await fs.promises.readdir(path.join(dir, prefix), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await filesUnder(dir, relative)));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}

async function hashFileInto(hash: ReturnType<typeof createHash>, file: string): Promise<number> {
  let size = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).byteLength;
  }
  return size;
}

/** sha256 and size of a file; of a folder, the hash covers each file's relative path and bytes, in sorted order. */
export async function hashArtifact(target: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  if (!(await fs.promises.stat(target)).isDirectory()) {
    const size = await hashFileInto(hash, target);
    return { sha256: hash.digest('hex'), size };
  }
  let size = 0;
  for (const file of await filesUnder(target)) {
    hash.update(`${file}\0`);
    size += await hashFileInto(hash, path.join(target, file));
  }
  return { sha256: hash.digest('hex'), size };
}

/** A name under `dir` that is not taken yet: `model.onnx`, then `model-2.onnx`, ... */
function freeName(dir: string, name: string): string {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  let candidate = name;
  for (let n = 2; fs.existsSync(path.join(dir, candidate)); n++) candidate = `${stem}-${n}${ext}`;
  return candidate;
}

/**
 * The name of the copy in the store: the artifact's name, keeping the source file's extension when the name has
 * none of it (`logModel('m.pt', { name: 'pt' })` is stored as `pt.pt`), so the copy opens with the right tool.
 */
function storedFileName(name: string, sourcePath: string, isFile: boolean): string {
  const safe = name.replace(/[/\\]/g, '_');
  const ext = isFile ? path.extname(sourcePath) : '';
  return ext !== '' && !safe.toLowerCase().endsWith(ext.toLowerCase()) ? `${safe}${ext}` : safe;
}

/**
 * Copies a file or folder into the run's artifact folder in the store, hashes the copy, and records it.
 * A store that keeps no files (a remote server) records the source path instead of a copy.
 */
export async function recordArtifact(store: Store, runId: string, source: string, record: ArtifactRecord): Promise<Artifact> {
  const sourcePath = path.resolve(source);
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(sourcePath);
  } catch (error) {
    if (isErrnoError(error, 'ENOENT')) throw new UsageError(`${record.call}: no file or folder at ${sourcePath}`);
    throw error;
  }
  if (!stat.isFile() && !stat.isDirectory()) throw new UsageError(`${record.call}: expected a file or a folder at ${sourcePath}`);
  const dir = store.artifactDir(runId);
  let storedPath = sourcePath;
  const name = record.name ?? path.basename(sourcePath);
  if (dir !== undefined) {
    await fs.promises.mkdir(dir, { recursive: true });
    storedPath = path.join(dir, freeName(dir, storedFileName(name, sourcePath, stat.isFile())));
    if (stat.isDirectory()) await fs.promises.cp(sourcePath, storedPath, { recursive: true });
    else await fs.promises.copyFile(sourcePath, storedPath);
  }
  const { sha256, size } = await hashArtifact(storedPath);
  const artifact: Artifact = { runId, name, kind: record.kind, path: storedPath, sourcePath, sha256, size, time: Date.now(), meta: record.meta ?? {} };
  if (record.context !== undefined) artifact.context = record.context;
  await store.addArtifact(artifact);
  return artifact;
}
