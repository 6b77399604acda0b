import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

const schemaFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/export/prov-json-schema.json');

/** The W3C PROV-JSON schema, compiled; `uri` and `date-time` checked as RFC 3986 (a scheme, then no spaces) and RFC 3339. */
export function provValidator(): ValidateFunction {
  // strict: false because the schema, as published, has keywords ajv does not know (prov:startTime in `activity`).
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('uri', /^[A-Za-z][A-Za-z0-9+.-]*:\S*$/);
  ajv.addFormat(
    'date-time',
    (text: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text) && !Number.isNaN(Date.parse(text)),
  );
  return ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
}
