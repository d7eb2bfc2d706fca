import bcrypt from 'bcryptjs';
import { execFile } from 'node:child_process';
import { createSign, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { listenLocally } from './listen.js';

export const USER = 'shipper';
export const PASSWORD = 's3cret-Pa55';

/** An htpasswd file (bcrypt, as the registry requires) and the `auth:` YAML for it. */
export async function htpasswdAuth(dir: string): Promise<string> {
  const file = path.join(dir, 'htpasswd');
  await writeFile(file, `${USER}:${bcrypt.hashSync(PASSWORD, 5)}\n`);
  return ['  htpasswd:', '    realm: shipshape-test', `    path: ${file}`].join('\n');
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export interface TokenServer {
  auth: string;
  issued: string[];
  close: () => Promise<void>;
}

/**
 * A Docker token server (the Bearer flow of Docker Hub and GHCR): checks Basic credentials and
 * issues RS256 JWTs whose x5c certificate the registry trusts through `rootcertbundle`.
 */
export interface TokenServerOptions {
  /**
   * Like Docker Hub: a pull-only token for a repository nobody has pushed to yet grants
   * nothing, so its tag list answers 401 although the credentials are good.
   */
  hubLike?: boolean;
  /** Like a public repository: a request without credentials gets a token to pull, never to push. */
  anonymousPull?: boolean;
}

/** On a port the server binds itself (0) and reads back, so no other process can take it first. */
export async function tokenServer(dir: string, options: TokenServerOptions = {}): Promise<TokenServer> {
  const key = path.join(dir, 'token.key');
  const cert = path.join(dir, 'token.crt');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    '/CN=shipshape-token'
  ]);
  const privateKey = await readFile(key, 'utf8');
  const der = (await readFile(cert, 'utf8')).replace(/-----[^-]+-----|\s/g, '');
  const issued: string[] = [];
  const pushedTo = new Set<string>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [user, pass] = basic ? Buffer.from(basic, 'base64').toString().split(/:(.*)/s) : [];
    const anonymous = !basic && options.anonymousPull;
    if (!anonymous && (user !== USER || pass !== PASSWORD)) {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"details":"incorrect username or password"}');
      return;
    }
    const access = url.searchParams.getAll('scope').map(scope => {
      const [type, name, actions] = scope.split(':');
      if (anonymous) return { type, name, actions: actions.split(',').filter(a => a === 'pull') };
      if (actions.includes('push')) pushedTo.add(name);
      const granted = options.hubLike && !pushedTo.has(name) ? [] : actions.split(',');
      return { type, name, actions: granted };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c: [der] }));
    const claims = b64url(
      JSON.stringify({
        iss: 'shipshape-issuer',
        sub: user ?? '',
        aud: url.searchParams.get('service'),
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomUUID(),
        access
      })
    );
    const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(privateKey);
    const token = `${header}.${claims}.${b64url(signature)}`;
    issued.push(url.searchParams.getAll('scope').join(' '));
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  });
  const port = await listenLocally(server);
  return {
    auth: [
      '  token:',
      `    realm: http://127.0.0.1:${port}/token`,
      '    service: shipshape-registry',
      '    issuer: shipshape-issuer',
      `    rootcertbundle: ${cert}`
    ].join('\n'),
    issued,
    close: () => new Promise(resolve => server.close(() => resolve()))
  };
}
