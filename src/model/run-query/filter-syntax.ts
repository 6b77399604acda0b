// The filter language's syntax: `lr > 0.01 and status = failed`, `tag:sweep`, `name ~ resnet`, `loss.min < 0.2`,
// `not (a or b)`, and bare words, which search the text of a run. Words side by side mean "and".

/** A filter that cannot be read: the message names what was expected and where (0-based `position`). */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly position: number,
    readonly length = 1,
  ) {
    super(message);
    this.name = 'FilterError';
  }
}

export type Operator = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~' | '!~';

/** A value as typed, with where it was typed. */
export interface Literal {
  text: string;
  /** Written in quotes: never a number or keyword. */
  quoted: boolean;
  position: number;
  length: number;
}

export type FilterNode =
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; operand: FilterNode }
  | { type: 'compare'; field: Literal; operator: Operator; operatorPosition: number; value: Literal }
  | { type: 'text'; value: Literal };

interface Token {
  kind: 'word' | 'string' | 'operator' | '(' | ')' | 'end';
  text: string;
  position: number;
  length: number;
  /** Directly after the previous token, with no space between (`tag:"my tag"`). */
  glued: boolean;
}

const operators: readonly string[] = ['>=', '<=', '!=', '!~', '==', '=', '>', '<', '~'];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let glued = false;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i++;
      glued = false;
      continue;
    }
    const start = i;
    if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch, text: ch, position: i, length: 1, glued });
      i++;
    } else if (ch === '"' || ch === "'") {
      let text = '';
      i++;
      while (i < source.length && source[i] !== ch) {
        if (source[i] === '\\' && i + 1 < source.length) i++;
        text += source[i];
        i++;
      }
      if (i >= source.length) throw new FilterError(`the text in quotes starting at position ${start + 1} has no closing ${ch}`, start, source.length - start);
      i++;
      tokens.push({ kind: 'string', text, position: start, length: i - start, glued });
    } else {
      const operator = operators.find((op) => source.startsWith(op, i));
      if (operator !== undefined) {
        tokens.push({ kind: 'operator', text: operator === '==' ? '=' : operator, position: i, length: operator.length, glued });
        i += operator.length;
      } else {
        while (i < source.length && !/[\s()"'=<>~]/.test(source[i] as string) && !(source[i] === '!' && /[=~]/.test(source[i + 1] ?? ''))) i++;
        tokens.push({ kind: 'word', text: source.slice(start, i), position: start, length: i - start, glued });
      }
    }
    glued = true;
  }
  tokens.push({ kind: 'end', text: '', position: source.length, length: 0, glued: false });
  return tokens;
}

const keyword = (token: Token, word: string) => token.kind === 'word' && token.text.toLowerCase() === word;
const describe = (token: Token) => (token.kind === 'end' ? 'the end' : `"${token.text}"`);

/** Reads a filter into a tree; an empty filter is undefined (every run matches). Throws FilterError. */
export function parseFilter(source: string): FilterNode | undefined {
  const tokens = tokenize(source);
  let at = 0;
  const peek = () => tokens[at] as Token;
  const next = () => tokens[at++] as Token;

  function or(): FilterNode {
    let left = and();
    while (keyword(peek(), 'or')) {
      const op = next();
      if (startsCondition(peek()) === false)
        throw new FilterError(`expected a condition after "or" at position ${op.position + 1}, found ${describe(peek())}`, peek().position);
      left = { type: 'or', left, right: and() };
    }
    return left;
  }

  function and(): FilterNode {
    let left = unary();
    for (;;) {
      if (keyword(peek(), 'and')) {
        const op = next();
        if (!startsCondition(peek()))
          throw new FilterError(`expected a condition after "and" at position ${op.position + 1}, found ${describe(peek())}`, peek().position);
      } else if (!startsCondition(peek())) return left;
      left = { type: 'and', left, right: unary() };
    }
  }

  function startsCondition(token: Token): boolean {
    if (token.kind === 'string' || token.kind === '(') return true;
    return token.kind === 'word' && !keyword(token, 'and') && !keyword(token, 'or');
  }

  function unary(): FilterNode {
    const token = peek();
    if (keyword(token, 'not')) {
      next();
      if (!startsCondition(peek()))
        throw new FilterError(`expected a condition after "not" at position ${token.position + 1}, found ${describe(peek())}`, peek().position);
      return { type: 'not', operand: unary() };
    }
    return primary();
  }

  function primary(): FilterNode {
    const token = next();
    if (token.kind === '(') {
      const inner = or();
      const close = next();
      if (close.kind !== ')')
        throw new FilterError(`expected ")" to close the "(" at position ${token.position + 1}, found ${describe(close)}`, close.position);
      return inner;
    }
    if (token.kind === 'string' || (token.kind === 'word' && !keyword(token, 'and') && !keyword(token, 'or'))) {
      const literal: Literal = { text: token.text, quoted: token.kind === 'string', position: token.position, length: token.length };
      if (peek().kind === 'operator') {
        if (token.kind === 'string')
          throw new FilterError(
            `expected a field name before "${peek().text}" at position ${peek().position + 1}, found text in quotes`,
            token.position,
            token.length,
          );
        const op = next();
        const value = next();
        if (value.kind !== 'word' && value.kind !== 'string') {
          throw new FilterError(
            `expected a value after "${op.text}" at position ${op.position + 1}, found ${describe(value)}`,
            value.position,
            Math.max(1, value.length),
          );
        }
        return {
          type: 'compare',
          field: literal,
          operator: op.text as Operator,
          operatorPosition: op.position,
          value: { text: value.text, quoted: value.kind === 'string', position: value.position, length: value.length },
        };
      }
      // `tag:sweep`, `status:failed`, `tag:"two words"`: a field and a value joined by a colon.
      const qualified = token.kind === 'word' ? /^([A-Za-z_]+):(.*)$/.exec(token.text) : null;
      if (qualified && qualifiers.has((qualified[1] as string).toLowerCase())) {
        const name = qualified[1] as string;
        let value: Literal = {
          text: qualified[2] as string,
          quoted: false,
          position: token.position + name.length + 1,
          length: token.length - name.length - 1,
        };
        if (value.text === '' && peek().kind === 'string' && peek().glued) {
          const quoted = next();
          value = { text: quoted.text, quoted: true, position: quoted.position, length: quoted.length };
        }
        if (value.text === '' && !value.quoted)
          throw new FilterError(`expected a value after "${name}:" at position ${token.position + 1}`, token.position + token.length);
        const operator = containsQualifiers.has(name.toLowerCase()) ? '~' : '=';
        return { type: 'compare', field: { ...literal, text: name, length: name.length }, operator, operatorPosition: token.position + name.length, value };
      }
      return { type: 'text', value: literal };
    }
    throw new FilterError(`expected a condition at position ${token.position + 1}, found ${describe(token)}`, token.position, Math.max(1, token.length));
  }

  if (peek().kind === 'end') return undefined;
  const tree = or();
  const rest = peek();
  if (rest.kind !== 'end') throw new FilterError(`unexpected ${describe(rest)} at position ${rest.position + 1}`, rest.position, rest.length);
  return tree;
}

/** Words that take a value after a colon: `tag:sweep`, `status:failed`, `project:mnist`, `name:resnet`. */
const qualifiers = new Set(['tag', 'tags', 'status', 'project', 'name', 'host', 'user', 'id']);
/** Of those, the ones whose value is looked for inside the field (`name:resnet` finds `resnet50-lr0.1`). */
const containsQualifiers = new Set(['name', 'host', 'user']);
