import { afterEach, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { RegistryAuth } from '../../src/registry/auth.js';
import { RegistryClient } from '../../src/registry/client.js';
import { listenLocally } from '../helpers/listen.js';

interface Server {
  url: string;
  port: number;
  seen: { path: string; authorization?: string }[];
  close: () => Promise<void>;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(s => s.close()));
});

/** An HTTP server on 127.0.0.1 that records what it was sent and answers with `handle`. */
async function serve(
  handle: (req: IncomingMessage, res: ServerResponse, self: Server) => void
): Promise<Server> {
  const seen: Server['seen'] = [];
  const self = { seen } as Server;
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    handle(req, res, self);
  });
  self.port = await listenLocally(server);
  self.url = `http://127.0.0.1:${self.port}`;
  self.close = () => new Promise(resolve => server.close(() => resolve()));
  servers.push(self);
  return self;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
const BASIC = `Basic ${Buffer.from('shipper:pw').toString('base64')}`;
const creds = { username: 'shipper', password: 'pw' };

describe('credentials go only where they belong', () => {
  test('a Link to another origin is followed without the Authorization header', async () => {
    const elsewhere = await serve((_req, res) => json(res, 200, { tags: ['b'] }));
    const registry = await serve((req, res) => {
      if (req.headers.authorization !== BASIC) {
        json(res, 401, {}, { 'www-authenticate': 'Basic realm="r"' });
        return;
      }
      json(res, 200, { tags: ['a'] }, { link: `<${elsewhere.url}/v2/app/tags/list?last=a>; rel="next"` });
    });
    const client = new RegistryClient({ registry: `127.0.0.1:${registry.port}`, repository: 'app' }, creds);
    expect(await client.tags()).toEqual(['a', 'b']);
    expect(registry.seen.at(-1)?.authorization).toBe(BASIC);
    expect(elsewhere.seen).toEqual([{ path: '/v2/app/tags/list?last=a', authorization: undefined }]);
  });

  test("the token server gets the user's credentials, never the registry's token", async () => {
    const realm = await serve((_req, res) => json(res, 200, { token: 'registry-token' }));
    const registry = await serve((req, res) => {
      if (req.headers.authorization !== 'Bearer registry-token') {
        json(
          res,
          401,
          {},
          {
            'www-authenticate': `Bearer realm="${realm.url}/token",service="reg",scope="repository:app:pull"`
          }
        );
        return;
      }
      json(res, 200, { tags: ['1.0.0'] });
    });
    const client = new RegistryClient({ registry: `127.0.0.1:${registry.port}`, repository: 'app' }, creds);
    expect(await client.tags()).toEqual(['1.0.0']);
    expect(realm.seen.map(s => s.authorization)).toEqual([BASIC]);
    expect(realm.seen[0].path).toBe('/token?service=reg&scope=repository%3Aapp%3Apull');
  });

  test('a token server over plain HTTP off loopback is refused before anything is sent', async () => {
    const auth = new RegistryAuth('https://registry.example.com', 'app', creds);
    await expect(auth.answer('Bearer realm="http://auth.example.com/token",service="reg"')).rejects.toThrow(
      "the registry's token server http://auth.example.com is not HTTPS: refusing to send credentials"
    );
  });

  test('an expired token is replaced on the next 401, and the request goes through', async () => {
    let issued = 0;
    const realm = await serve((_req, res) => json(res, 200, { token: `token-${++issued}` }));
    const registry = await serve((req, res) => {
      // The first token has expired by the time it is used.
      if (req.headers.authorization !== 'Bearer token-2') {
        json(res, 401, {}, { 'www-authenticate': `Bearer realm="${realm.url}/token",service="reg"` });
        return;
      }
      json(res, 200, { tags: ['x'] });
    });
    const client = new RegistryClient({ registry: `127.0.0.1:${registry.port}`, repository: 'app' }, creds);
    expect(await client.tags()).toEqual(['x']);
    expect(issued).toBe(2);
  });
});
