import { jsonText } from '../model/json-shape.js';

/**
 * Writes a command's `--json` result: one document in the shape docs/json.md describes (`schemaVersion` first).
 * Every command that reports something calls this, so all of them write the same way.
 * @example writeJson(context.stdout, { runs: runs.map((run) => runJson(run)) });
 */
export function writeJson(out: NodeJS.WritableStream, body: object): void {
  out.write(jsonText(body));
}
