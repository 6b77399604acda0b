// The filter language's meaning: which runs a parsed filter keeps. See filter-syntax.ts for how it reads.
import { runStatuses } from '../run.js';
import { displayedCommand, type Field, type FieldSchema, fieldValue, resolveField, UnknownFieldError } from './fields.js';
import { FilterError, type FilterNode, type Literal, type Operator, parseFilter } from './filter-syntax.js';
import type { RunRecord } from './record.js';

export { FilterError } from './filter-syntax.js';

export type RunPredicate = (record: RunRecord) => boolean;

const ordering = new Set<Operator>(['>', '>=', '<', '<=']);
const numberPattern = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const specialNumbers: Record<string, number> = {
  nan: Number.NaN,
  inf: Infinity,
  infinity: Infinity,
  '-inf': -Infinity,
  '-infinity': -Infinity,
  '+inf': Infinity,
};

/** A typed value as a number (`0.01`, `1e-3`, `NaN`, `inf`), or undefined when it is not one. */
export function literalNumber(text: string): number | undefined {
  if (numberPattern.test(text)) return Number(text);
  return specialNumbers[text.toLowerCase()];
}

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function at(literal: Literal): string {
  return `at position ${literal.position + 1}`;
}

function fail(message: string, literal: Literal): never {
  throw new FilterError(message, literal.position, Math.max(1, literal.length));
}

/** Compares two numbers; `= NaN` finds runs whose value is NaN (a diverged loss). */
function compareNumbers(a: number, operator: Operator, b: number): boolean {
  if (Number.isNaN(b)) return operator === '=' ? Number.isNaN(a) : operator === '!=' ? !Number.isNaN(a) : false;
  switch (operator) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    default:
      return false;
  }
}

/** Text comparisons: equality ignores case, `~` looks for the value inside. */
function compareText(a: string, operator: Operator, b: string): boolean {
  const x = a.toLowerCase();
  if (operator === '=') return x === b;
  if (operator === '!=') return x !== b;
  if (operator === '~') return x.includes(b);
  return !x.includes(b);
}

/** The number a literal must be for an ordering operator, or a FilterError saying so. */
function requireNumber(value: Literal, operator: Operator, what: string): number {
  const n = value.quoted ? undefined : literalNumber(value.text);
  if (n === undefined) fail(`"${operator}" compares numbers, and ${what}; "${value.text}" ${at(value)} is not a number`, value);
  return n;
}

function compileCompare(node: Extract<FilterNode, { type: 'compare' }>, schema: FieldSchema): RunPredicate {
  let field: Field;
  try {
    field = resolveField(node.field.text, schema);
  } catch (error) {
    if (error instanceof UnknownFieldError) fail(`${error.message} ${at(node.field)}`, node.field);
    throw error;
  }
  const { operator, value } = node;
  const needle = value.text.toLowerCase();
  const operatorLiteral: Literal = { text: operator, quoted: false, position: node.operatorPosition, length: operator.length };
  const missingMatches = operator === '!=' || operator === '!~';

  if (field.kind === 'metric') {
    if (!ordering.has(operator) && operator !== '=' && operator !== '!=')
      fail(`${node.field.text} is a number: use =, !=, >, >=, < or <= (got "${operator}" ${at(operatorLiteral)})`, operatorLiteral);
    const b = requireNumber(value, operator, `${node.field.text} is a metric`);
    return (record) => {
      const a = fieldValue(record, field);
      return typeof a === 'number' ? compareNumbers(a, operator, b) : missingMatches;
    };
  }
  if (field.kind === 'param') {
    const b = value.quoted ? undefined : literalNumber(value.text);
    if (ordering.has(operator)) requireNumber(value, operator, `params are compared as numbers`);
    return (record) => {
      const a = fieldValue(record, field);
      if (a === undefined) return missingMatches;
      const asNumber = typeof a === 'number' ? a : typeof a === 'string' && numberPattern.test(a.trim()) ? Number(a) : undefined;
      if (ordering.has(operator)) return asNumber !== undefined && compareNumbers(asNumber, operator, b as number);
      if ((operator === '=' || operator === '!=') && b !== undefined && asNumber !== undefined) return compareNumbers(asNumber, operator, b);
      return compareText(String(a), operator, needle);
    };
  }
  switch (field.key) {
    case 'tags': {
      if (ordering.has(operator)) fail(`tags are words: use =, !=, ~ or !~ (got "${operator}" ${at(operatorLiteral)})`, operatorLiteral);
      return (record) => {
        const has =
          operator === '=' || operator === '!='
            ? record.tags.some((t) => t.toLowerCase() === needle)
            : record.tags.some((t) => t.toLowerCase().includes(needle));
        return operator === '=' || operator === '~' ? has : !has;
      };
    }
    case 'duration': {
      const match = /^(\d+\.?\d*|\.\d+)\s*(ms|s|m|h|d)?$/i.exec(value.text);
      if (!match) fail(`duration expects a length of time such as 90, 90s, 5m, 2h or 1d; got "${value.text}" ${at(value)}`, value);
      if (!ordering.has(operator) && operator !== '=' && operator !== '!=')
        fail(`duration is a number: use =, !=, >, >=, < or <= (got "${operator}" ${at(operatorLiteral)})`, operatorLiteral);
      const ms = Number(match[1]) * (durationUnits[(match[2] ?? 's').toLowerCase()] as number);
      return (record) => compareNumbers(record.durationMs, operator, ms);
    }
    case 'started': {
      const time = literalNumber(value.text) ?? Date.parse(value.text);
      if (Number.isNaN(time)) fail(`started expects a date such as 2024-05-01 or 2024-05-01T14:30; got "${value.text}" ${at(value)}`, value);
      if (!ordering.has(operator) && operator !== '=' && operator !== '!=')
        fail(`started is a time: use =, !=, >, >=, < or <= (got "${operator}" ${at(operatorLiteral)})`, operatorLiteral);
      return (record) => compareNumbers(record.startTime, operator, time);
    }
    default: {
      const key = field.key;
      if (ordering.has(operator)) fail(`${key} is text: use =, !=, ~ or !~ (got "${operator}" ${at(operatorLiteral)})`, operatorLiteral);
      if (key === 'status' && (operator === '=' || operator === '!=') && !(runStatuses as readonly string[]).includes(needle)) {
        fail(`status is one of ${runStatuses.join(', ')}; got "${value.text}" ${at(value)}`, value);
      }
      return (record) => {
        const a = fieldValue(record, field);
        return typeof a === 'string' ? compareText(a, operator, needle) : missingMatches;
      };
    }
  }
}

const searchTexts = new WeakMap<RunRecord, string>();

/** Everything free text searches, lower-cased once per record: id, name, host, project, the command as shown, tags, params. */
export function searchText(record: RunRecord): string {
  let text = searchTexts.get(record);
  if (text === undefined) {
    const params = Object.entries(record.params).map(([k, v]) => `${k}=${String(v)}`);
    text = [record.id, record.name, record.host, record.project ?? '', displayedCommand(record.command), ...record.tags, ...params].join('\n').toLowerCase();
    searchTexts.set(record, text);
  }
  return text;
}

function compileNode(node: FilterNode, schema: FieldSchema): RunPredicate {
  switch (node.type) {
    case 'and': {
      const [left, right] = [compileNode(node.left, schema), compileNode(node.right, schema)];
      return (r) => left(r) && right(r);
    }
    case 'or': {
      const [left, right] = [compileNode(node.left, schema), compileNode(node.right, schema)];
      return (r) => left(r) || right(r);
    }
    case 'not': {
      const operand = compileNode(node.operand, schema);
      return (r) => !operand(r);
    }
    case 'text': {
      const needle = node.value.text.toLowerCase();
      return (r) => searchText(r).includes(needle);
    }
    default:
      return compileCompare(node, schema);
  }
}

/**
 * Compiles a filter against the fields some runs have (names resolve to params, metrics or run fields once, so an
 * unknown name is an error naming its position). Throws FilterError.
 * @example compileFilter('lr > 0.01 and tag:sweep', schemaOf(records))
 */
export function compileFilter(source: string, schema: FieldSchema): RunPredicate {
  const tree = parseFilter(source);
  return tree === undefined ? () => true : compileNode(tree, schema);
}
