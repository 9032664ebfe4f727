import type { XMLParser } from 'fast-xml-parser';

/** A value XML-RPC carries. */
export type XmlRpcValue = string | number | boolean | null | XmlRpcValue[] | { [key: string]: XmlRpcValue };

/** A `<fault>` answer: supervisord's `faultCode` and `faultString` (`BAD_NAME: foo`). */
export class XmlRpcFault extends Error {
  constructor(
    readonly faultCode: number,
    readonly faultString: string,
  ) {
    super(`XML-RPC fault ${faultCode}: ${faultString}`);
    this.name = 'XmlRpcFault';
  }
}

/** An answer that is not a well-formed XML-RPC response. */
export class XmlRpcFormatError extends Error {
  constructor(message: string) {
    super(`not an XML-RPC response: ${message}`);
    this.name = 'XmlRpcFormatError';
  }
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function encodeValue(value: XmlRpcValue): string {
  if (value === null) return '<value><nil/></value>';
  if (typeof value === 'string') return `<value><string>${escapeXml(value)}</string></value>`;
  if (typeof value === 'boolean') return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
  if (typeof value === 'number') {
    return Number.isInteger(value)
      ? `<value><int>${value}</int></value>`
      : `<value><double>${value}</double></value>`;
  }
  if (Array.isArray(value))
    return `<value><array><data>${value.map(encodeValue).join('')}</data></array></value>`;
  const members = Object.entries(value)
    .map(([name, member]) => `<member><name>${escapeXml(name)}</name>${encodeValue(member)}</member>`)
    .join('');
  return `<value><struct>${members}</struct></value>`;
}

/** The body of a `methodCall`. */
export function encodeCall(method: string, params: readonly XmlRpcValue[]): string {
  const encoded = params.map((param) => `<param>${encodeValue(param)}</param>`).join('');
  return `<?xml version="1.0"?><methodCall><methodName>${escapeXml(method)}</methodName><params>${encoded}</params></methodCall>`;
}

// preserveOrder keeps every element as { tag: children[] } and text as { '#text': ... }: one shape
// whether a struct has one member or many.
type Node = { [tag: string]: Node[] } & { '#text'?: string };

let parser: Promise<XMLParser> | undefined;

/** fast-xml-parser, loaded on the first response rather than at boot (tens of milliseconds of every start). */
function xmlParser(): Promise<XMLParser> {
  parser ??= import('fast-xml-parser').then(
    ({ XMLParser: Parser }) =>
      new Parser({
        preserveOrder: true,
        ignoreAttributes: true,
        parseTagValue: false,
        trimValues: false,
        processEntities: true,
        ignoreDeclaration: true,
      }),
    (error: unknown) => {
      parser = undefined;
      throw error;
    },
  );
  return parser;
}

const tagOf = (node: Node): string | undefined =>
  Object.keys(node).find((key) => key !== '#text' && key !== ':@');
const elements = (nodes: Node[]): Node[] => nodes.filter((node) => tagOf(node) !== undefined);
const textOf = (nodes: Node[]): string =>
  nodes.map((node) => (typeof node['#text'] === 'string' ? node['#text'] : '')).join('');

function child(nodes: Node[], tag: string, where: string): Node[] {
  const found = nodes.find((node) => tagOf(node) === tag);
  if (found === undefined) throw new XmlRpcFormatError(`no <${tag}> in <${where}>`);
  return found[tag] ?? [];
}

function decodeValue(valueChildren: Node[]): XmlRpcValue {
  const [typed] = elements(valueChildren);
  if (typed === undefined) return textOf(valueChildren); // <value>text</value> is a string
  const tag = tagOf(typed) as string;
  const inner = typed[tag] ?? [];
  switch (tag) {
    case 'string':
    case 'dateTime.iso8601':
    case 'base64':
      return textOf(inner);
    case 'int':
    case 'i4':
    case 'i8':
    case 'double': {
      const number = Number(textOf(inner).trim());
      if (!Number.isFinite(number)) throw new XmlRpcFormatError(`<${tag}> is not a number`);
      return number;
    }
    case 'boolean':
      return textOf(inner).trim() === '1';
    case 'nil':
      return null;
    case 'array':
      return elements(child(inner, 'data', 'array')).map((value) => decodeValue(value.value ?? []));
    case 'struct': {
      const result: Record<string, XmlRpcValue> = {};
      for (const member of elements(inner)) {
        const parts = member.member ?? [];
        result[textOf(child(parts, 'name', 'member'))] = decodeValue(child(parts, 'value', 'member'));
      }
      return result;
    }
    default:
      throw new XmlRpcFormatError(`unknown type <${tag}>`);
  }
}

/** The one value of a `methodResponse`; a `<fault>` is thrown as {@link XmlRpcFault}. */
export async function decodeResponse(xml: string): Promise<XmlRpcValue> {
  const xmlRpcParser = await xmlParser();
  let document: Node[];
  try {
    document = xmlRpcParser.parse(xml) as Node[];
  } catch {
    throw new XmlRpcFormatError('malformed XML');
  }
  const response = child(document, 'methodResponse', 'document');
  const fault = response.find((node) => tagOf(node) === 'fault');
  if (fault !== undefined) {
    const value = decodeValue(child(fault.fault ?? [], 'value', 'fault'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new XmlRpcFormatError('a fault that is not a struct');
    }
    const code = typeof value.faultCode === 'number' ? value.faultCode : 0;
    const text = typeof value.faultString === 'string' ? value.faultString : '';
    throw new XmlRpcFault(code, text);
  }
  const params = elements(child(response, 'params', 'methodResponse'));
  const [param] = params;
  if (param === undefined) throw new XmlRpcFormatError('no <param> in <params>');
  return decodeValue(child(param.param ?? [], 'value', 'param'));
}
