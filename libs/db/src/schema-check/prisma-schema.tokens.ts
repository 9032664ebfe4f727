import { PrismaSchemaError, type SourceLocation } from './prisma-schema.types.js';

/** Tokens and generic attribute/value syntax of one logical Prisma schema line. */

export type Punct = '@' | '@@' | '(' | ')' | '[' | ']' | ',' | ':' | '?' | '=' | '{' | '}';

export type Token =
  | { kind: 'punct'; text: Punct }
  | { kind: 'ident'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'number'; text: string };

export type Value =
  | { kind: 'string'; value: string }
  | { kind: 'number'; raw: string }
  | { kind: 'ident'; name: string }
  | { kind: 'call'; name: string; args: Arg[] }
  | { kind: 'list'; items: Value[] };

export interface Arg {
  name: string | null;
  value: Value;
}

export interface RawAttribute {
  name: string;
  block: boolean;
  args: Arg[];
}

const PUNCT = new Set<string>(['(', ')', '[', ']', ',', ':', '?', '=', '{', '}']);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/;
const NUMBER = /^-?\d+(?:\.\d+)?/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r' };

/** Splits a line into tokens; `//` and `///` comments end the line. */
export function tokenizeLine(source: string, location: SourceLocation): Token[] {
  const tokens: Token[] = [];
  let rest = source;
  while (true) {
    rest = rest.trimStart();
    if (rest === '' || rest.startsWith('//')) return tokens;
    if (rest.startsWith('@@') || rest.startsWith('@')) {
      const text = rest.startsWith('@@') ? '@@' : '@';
      tokens.push({ kind: 'punct', text });
      rest = rest.slice(text.length);
      continue;
    }
    const first = rest[0];
    if (PUNCT.has(first)) {
      tokens.push({ kind: 'punct', text: first as Punct });
      rest = rest.slice(1);
    } else if (first === '"') {
      let value = '';
      let i = 1;
      for (; i < rest.length && rest[i] !== '"'; i++) {
        if (rest[i] === '\\') {
          const escaped = ESCAPES[rest[i + 1] ?? ''];
          if (escaped === undefined)
            throw new PrismaSchemaError(location, `unsupported escape in string: ${source}`);
          value += escaped;
          i++;
        } else {
          value += rest[i];
        }
      }
      if (i >= rest.length) throw new PrismaSchemaError(location, `unterminated string: ${source}`);
      tokens.push({ kind: 'string', text: value });
      rest = rest.slice(i + 1);
    } else {
      const number = NUMBER.exec(rest);
      const ident = number ? null : IDENT.exec(rest);
      const match = number ?? ident;
      if (!match) throw new PrismaSchemaError(location, `unexpected "${rest}"`);
      tokens.push({ kind: number ? 'number' : 'ident', text: match[0] });
      rest = rest.slice(match[0].length);
    }
  }
}

/** Open minus closed brackets and parentheses: a positive depth means the line continues. */
export function bracketDepth(tokens: Token[]): number {
  let depth = 0;
  for (const t of tokens) {
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[') depth++;
    if (t.text === ')' || t.text === ']') depth--;
  }
  return depth;
}

export class TokenCursor {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    readonly location: SourceLocation,
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  atEnd(): boolean {
    return this.index >= this.tokens.length;
  }

  isPunct(text: Punct, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.kind === 'punct' && t.text === text;
  }

  fail(reason: string): never {
    const near = this.tokens
      .slice(this.index, this.index + 4)
      .map((t) => (t.kind === 'string' ? JSON.stringify(t.text) : t.text))
      .join(' ');
    throw new PrismaSchemaError(this.location, near ? `${reason} (near "${near}")` : reason);
  }

  punct(text: Punct): void {
    if (!this.isPunct(text)) this.fail(`expected "${text}"`);
    this.index++;
  }

  ident(): string {
    const t = this.peek();
    if (t?.kind !== 'ident') this.fail('expected a name');
    this.index++;
    return t.text;
  }

  value(): Value {
    const t = this.peek();
    if (t === undefined) return this.fail('expected a value');
    if (t.kind === 'string') {
      this.index++;
      return { kind: 'string', value: t.text };
    }
    if (t.kind === 'number') {
      this.index++;
      return { kind: 'number', raw: t.text };
    }
    if (t.kind === 'ident') {
      this.index++;
      return this.isPunct('(')
        ? { kind: 'call', name: t.text, args: this.args() }
        : { kind: 'ident', name: t.text };
    }
    if (t.text !== '[') return this.fail('expected a value');
    this.index++;
    const items: Value[] = [];
    while (!this.isPunct(']')) {
      items.push(this.value());
      if (!this.isPunct(']')) this.punct(',');
    }
    this.index++;
    return { kind: 'list', items };
  }

  /** `( [name:] value, ... )` */
  args(): Arg[] {
    this.punct('(');
    const args: Arg[] = [];
    while (!this.isPunct(')')) {
      const named = this.peek()?.kind === 'ident' && this.isPunct(':', 1);
      const name = named ? this.ident() : null;
      if (named) this.punct(':');
      args.push({ name, value: this.value() });
      if (!this.isPunct(')')) this.punct(',');
    }
    this.index++;
    return args;
  }

  /** `@name(args)` or `@@name(args)`. */
  attribute(): RawAttribute {
    const block = this.isPunct('@@');
    if (!block && !this.isPunct('@')) this.fail('expected an attribute');
    this.index++;
    const name = this.ident();
    return { name, block, args: this.isPunct('(') ? this.args() : [] };
  }
}
