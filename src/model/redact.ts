// Secrets given on a job's command line never reach a store: completeRun() passes every new run through here, so
// the SQLite and PostgreSQL stores, `show`, the HTTP API and exports all see `***` in their place.

/** What a redacted value is stored as. */
export const REDACTED = '***';

/** Option names whose value is a secret: --api-key, --token, --hf-token, --client-secret, --password (not --max-tokens, --tokenizer). */
const secretOption = /token(?!s|izer)|key|secret|passw(or)?d/i;
/** `scheme://user:password@host`: the password part. */
const urlPassword = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*@/gi;
/** An HTTP header given as an argument (curl -H 'Authorization: Bearer ...'). */
const authHeader = /^((?:proxy-)?authorization\s*:\s*).+$/i;

/** Patterns (regex sources, case-insensitive) that mark more option names as secret, e.g. "^--wandb" or "cookie". */
export type SecretPatterns = readonly string[];

function isSecretOption(name: string, extra: readonly RegExp[]): boolean {
  return secretOption.test(name) || extra.some((pattern) => pattern.test(name));
}

/** One argument with the passwords of URLs and Authorization header values replaced. */
function redactText(arg: string): string {
  return arg.replace(urlPassword, `$1${REDACTED}@`).replace(authHeader, `$1${REDACTED}`);
}

/**
 * A command line with secret values replaced by `***`: the value of an option whose name looks secret (`--api-key
 * sk-1`, `--token=abc`), URL passwords (`https://user:***@host`) and Authorization headers. `extra` adds option names.
 */
export function redactCommand(command: readonly string[], extra: SecretPatterns = []): string[] {
  const patterns = extra.map((source) => new RegExp(source, 'i'));
  const out: string[] = [];
  for (let i = 0; i < command.length; i++) {
    const arg = command[i] as string;
    const option = /^(--?[A-Za-z][\w.-]*)(=)?/.exec(arg);
    if (option !== null && isSecretOption(option[1] as string, patterns)) {
      if (option[2] !== undefined) {
        out.push(`${option[0]}${REDACTED}`);
        continue;
      }
      out.push(arg);
      const next = command[i + 1];
      // Only a value that is not itself an option: `--use-token --lr 0.1` keeps --lr.
      if (next !== undefined && !next.startsWith('-') && option[1]?.startsWith('--')) {
        out.push(REDACTED);
        i++;
      }
      continue;
    }
    out.push(redactText(arg));
  }
  return out;
}

/** Params with the values of secret-looking keys (`api_key`, `hf_token`) and URL passwords replaced by `***`. */
export function redactParams(params: Record<string, unknown>, extra: SecretPatterns = []): Record<string, unknown> {
  const patterns = extra.map((source) => new RegExp(source, 'i'));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (isSecretOption(key, patterns)) out[key] = REDACTED;
    else out[key] = typeof value === 'string' ? redactText(value) : value;
  }
  return out;
}
