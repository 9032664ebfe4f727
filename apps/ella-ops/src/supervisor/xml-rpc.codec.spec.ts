import { describe, expect, it } from '@jest/globals';
import { decodeResponse, encodeCall, XmlRpcFault, XmlRpcFormatError } from './xml-rpc.codec.js';

const response = (value: string) =>
  `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n${value}\n</param>\n</params>\n</methodResponse>\n`;

describe('XML-RPC codec', () => {
  it('encodes a call, escaping text', () => {
    expect(encodeCall('supervisor.startProcess', ['a<b&"c"', true, 3, null, [1], { k: 'v' }])).toBe(
      '<?xml version="1.0"?><methodCall><methodName>supervisor.startProcess</methodName><params>' +
        '<param><value><string>a&lt;b&amp;&quot;c&quot;</string></value></param>' +
        '<param><value><boolean>1</boolean></value></param>' +
        '<param><value><int>3</int></value></param>' +
        '<param><value><nil/></value></param>' +
        '<param><value><array><data><value><int>1</int></value></data></array></value></param>' +
        '<param><value><struct><member><name>k</name><value><string>v</string></value></member></struct></value></param>' +
        '</params></methodCall>',
    );
  });

  it('decodes structs with one member or many, arrays, untyped strings and whitespace as sent', async () => {
    const xml = response(
      '<value><array><data>\n<value><struct>\n<member>\n<name>name</name>\n<value><string>api</string></value>\n</member>\n</struct></value>\n' +
        '<value><struct><member><name>pid</name><value><int>42</int></value></member><member><name>ok</name><value><boolean>0</boolean></value></member>' +
        '<member><name>text</name><value>  leading &amp; trailing\n</value></member><member><name>empty</name><value><string></string></value></member></struct></value>\n' +
        '</data></array></value>',
    );
    await expect(decodeResponse(xml)).resolves.toEqual([
      { name: 'api' },
      { pid: 42, ok: false, text: '  leading & trailing\n', empty: '' },
    ]);
  });

  it('throws a fault with its code and text', async () => {
    const xml =
      "<?xml version='1.0'?><methodResponse><fault><value><struct>" +
      '<member><name>faultCode</name><value><int>10</int></value></member>' +
      '<member><name>faultString</name><value><string>BAD_NAME: foo</string></value></member>' +
      '</struct></value></fault></methodResponse>';
    await expect(decodeResponse(xml)).rejects.toThrow(XmlRpcFault);
    await expect(decodeResponse(xml)).rejects.toThrow('XML-RPC fault 10: BAD_NAME: foo');
  });

  it.each([
    ['not XML at all', 'hello'],
    ['no methodResponse', '<html><body>proxy error</body></html>'],
    ['an unknown type', response('<value><blob>1</blob></value>')],
    ['a number that is not', response('<value><int>x</int></value>')],
  ])('refuses %s', async (_case, xml) => {
    await expect(decodeResponse(xml)).rejects.toThrow(XmlRpcFormatError);
  });
});
