import { Ajv, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { listenLocally } from './listen.js';

/**
 * A stateful fake of the GitHub REST API on 127.0.0.1. Every request is checked against
 * GitHub's published OpenAPI description (@octokit/openapi): an unknown method/path or a body
 * that does not match the operation's schema is rejected with 422 and recorded.
 */

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  /** Compiled on first use: most of the description's operations are never called. */
  validator?: () => ValidateFunction;
}

/** OpenAPI 3.0 allows `nullable` beside `allOf`/`$ref`; JSON Schema (ajv) needs a type there. */
function dropTypelessNullable(node: unknown): void {
  if (Array.isArray(node)) node.forEach(dropTypelessNullable);
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if ('nullable' in record && !('type' in record)) delete record.nullable;
    Object.values(record).forEach(dropTypelessNullable);
  }
}

const require = createRequire(import.meta.url);
let operations: Operation[] | undefined;

function loadOperations(): Operation[] {
  if (operations) return operations;
  const doc = JSON.parse(
    readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')
  ) as {
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
  };
  dropTypelessNullable(doc);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(doc, 'gh');
  const found: Operation[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'patch', 'put', 'delete'].includes(method)) continue;
      const pointer = `gh#/paths/${encodeURIComponent(template.replace(/~/g, '~0').replace(/\//g, '~1'))}/${method}/requestBody/content/application~1json/schema`;
      const hasBody = Boolean(op.requestBody?.content?.['application/json']);
      let compiled: ValidateFunction | undefined;
      found.push({
        method: method.toUpperCase(),
        template,
        pattern,
        validator: hasBody
          ? () => {
              compiled ??= ajv.getSchema(pointer);
              if (!compiled) throw new Error(`no schema at ${pointer}`);
              return compiled;
            }
          : undefined
      });
    }
  }
  operations = found;
  return operations;
}

export interface RecordedRequest {
  method: string;
  path: string;
  operation?: string;
  body: unknown;
  status: number;
  rejected?: string;
}

export interface Comment {
  id: number;
  body: string;
  html_url: string;
  issue: number;
  /** Its author's login; comments planted by a test without one are a stranger's. */
  user?: string;
}

/** Installation tokens (the workflow's GITHUB_TOKEN, `ghs_…`) write as the Actions bot and cannot call GET /user. */
const BOT = 'github-actions[bot]';
const loginOf = (token: string): string => (token.startsWith('ghs_') ? BOT : `user-${token.slice(0, 8)}`);

export interface Fault {
  method: string;
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  message?: string;
  times: number;
}

export interface FakeGitHub {
  url: string;
  requests: RecordedRequest[];
  comments: Comment[];
  checkRuns: {
    id: number;
    name: string;
    head_sha: string;
    conclusion?: string;
    details_url?: string;
    output?: { title?: string; summary?: string; annotations?: unknown[] };
    annotations: unknown[];
  }[];
  statuses: { sha: string; state: string; context: string; description?: string }[];
  /** Repositories by full name, as GET /repos/{owner}/{repo} answers. */
  repos: Record<string, { default_branch: string }>;
  /** Committer dates by commit SHA, as GET /repos/{owner}/{repo}/commits/{ref} answers. */
  commits: Record<string, string>;
  /** Open pull requests, as GET /repos/{owner}/{repo}/pulls?head=owner:branch lists them. */
  pulls: { number: number; head: { sha: string; ref: string; owner: string } }[];
  /** Every request the OpenAPI check turned down. */
  rejected: () => RecordedRequest[];
  /** Answer the next `times` matching requests with an error. */
  fail: (fault: Fault) => void;
  /** A fork's token: every write is 403 "Resource not accessible by integration". */
  readOnly: boolean;
  /** A token without `checks: write`. */
  noChecks: boolean;
  close: () => Promise<void>;
}

export async function startFakeGitHub(): Promise<FakeGitHub> {
  const ops = loadOperations();
  const faults: Fault[] = [];
  let nextId = 1000;
  const state: Omit<FakeGitHub, 'url' | 'close' | 'rejected' | 'fail'> = {
    requests: [],
    comments: [],
    checkRuns: [],
    statuses: [],
    repos: {},
    commits: {},
    pulls: [],
    readOnly: false,
    noChecks: false
  };
  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {}
  ): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const method = req.method ?? 'GET';
    const record: RecordedRequest = { method, path: url.pathname, body: undefined, status: 200 };
    state.requests.push(record);
    const reply = (status: number, body: unknown, headers?: Record<string, string>): void => {
      record.status = status;
      send(res, status, body, headers);
    };
    const op = ops.find(o => o.method === method && o.pattern.test(url.pathname));
    if (!op) {
      record.rejected = 'no such operation';
      return reply(422, {
        message: `no operation ${method} ${url.pathname} in GitHub's OpenAPI description`
      });
    }
    record.operation = `${method} ${op.template}`;
    if (raw) {
      try {
        record.body = JSON.parse(raw);
      } catch {
        record.rejected = 'body is not JSON';
        return reply(400, { message: 'Problems parsing JSON' });
      }
    }
    const validate = op.validator?.();
    if (validate && !validate(record.body ?? {})) {
      record.rejected = JSON.stringify(validate.errors);
      return reply(422, { message: 'Invalid request', errors: validate.errors });
    }
    const fault = faults.find(f => f.times > 0 && f.method === method && f.path.test(url.pathname));
    if (fault) {
      fault.times--;
      return reply(fault.status, { message: fault.message ?? 'Server Error' }, fault.headers);
    }
    if (method !== 'GET' && (state.readOnly || (state.noChecks && url.pathname.includes('/check-runs')))) {
      return reply(403, { message: 'Resource not accessible by integration' });
    }
    const body = (record.body ?? {}) as Record<string, unknown>;
    const m = (re: RegExp) => re.exec(url.pathname);
    const token = (req.headers.authorization ?? '').replace(/^(token|bearer) /i, '');
    const login = loginOf(token);
    let match: RegExpExecArray | null;
    if (m(/^\/user$/) && method === 'GET') {
      if (login === BOT) return reply(403, { message: 'Resource not accessible by integration' });
      return reply(200, { login, id: 1, type: 'User' });
    }
    if ((match = m(/^\/repos\/([^/]+\/[^/]+)$/)) && method === 'GET') {
      const repo = state.repos[match[1]];
      if (!repo) return reply(404, { message: 'Not Found' });
      return reply(200, { id: 1, name: match[1].split('/')[1], full_name: match[1], ...repo });
    }
    if (m(/^\/repos\/[^/]+\/[^/]+\/pulls$/) && method === 'GET') {
      const head = url.searchParams.get('head') ?? '';
      const listed = state.pulls.filter(p => !head || `${p.head.owner}:${p.head.ref}` === head);
      return reply(
        200,
        listed.map(p => ({
          number: p.number,
          head: { sha: p.head.sha, ref: p.head.ref, label: `${p.head.owner}:${p.head.ref}` }
        }))
      );
    }
    if ((match = m(/^\/repos\/[^/]+\/[^/]+\/commits\/([^/]+)$/)) && method === 'GET') {
      const date = state.commits[match[1]];
      if (!date) return reply(422, { message: `No commit found for SHA: ${match[1]}` });
      return reply(200, { sha: match[1], commit: { committer: { name: 'Octocat', date } } });
    }
    if ((match = m(/^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/))) {
      const issue = Number(match[1]);
      if (method === 'GET') {
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        const all = state.comments.filter(c => c.issue === issue);
        const slice = all.slice((page - 1) * perPage, page * perPage);
        const headers: Record<string, string> =
          page * perPage < all.length
            ? { link: `<${url.origin}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next"` }
            : {};
        return reply(
          200,
          slice.map(c => ({
            id: c.id,
            body: c.body,
            html_url: c.html_url,
            user: { login: c.user ?? 'a-stranger', type: c.user === BOT ? 'Bot' : 'User' }
          })),
          headers
        );
      }
      const comment = { id: nextId++, body: String(body.body), issue, html_url: '', user: login };
      comment.html_url = `https://github.com/fake/pull/${issue}#issuecomment-${comment.id}`;
      state.comments.push(comment);
      return reply(201, { id: comment.id, body: comment.body, html_url: comment.html_url });
    }
    if ((match = m(/^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/))) {
      const comment = state.comments.find(c => c.id === Number(match?.[1]));
      if (!comment) return reply(404, { message: 'Not Found' });
      if (comment.user !== login) return reply(403, { message: 'Resource not accessible by integration' });
      comment.body = String(body.body);
      return reply(200, { id: comment.id, body: comment.body, html_url: comment.html_url });
    }
    if (m(/^\/repos\/[^/]+\/[^/]+\/check-runs$/) && method === 'POST') {
      const output = body.output as FakeGitHub['checkRuns'][number]['output'];
      const run = {
        id: nextId++,
        name: String(body.name),
        head_sha: String(body.head_sha),
        conclusion: body.conclusion as string,
        details_url: body.details_url as string | undefined,
        output,
        annotations: [...(output?.annotations ?? [])]
      };
      state.checkRuns.push(run);
      return reply(201, { id: run.id, html_url: `https://github.com/fake/runs/${run.id}` });
    }
    if ((match = m(/^\/repos\/[^/]+\/[^/]+\/check-runs\/(\d+)$/)) && method === 'PATCH') {
      const run = state.checkRuns.find(r => r.id === Number(match?.[1]));
      if (!run) return reply(404, { message: 'Not Found' });
      const output = body.output as FakeGitHub['checkRuns'][number]['output'];
      run.annotations.push(...(output?.annotations ?? []));
      return reply(200, { id: run.id });
    }
    if ((match = m(/^\/repos\/[^/]+\/[^/]+\/statuses\/([0-9a-f]+)$/)) && method === 'POST') {
      state.statuses.push({
        sha: match[1],
        state: String(body.state),
        context: String(body.context),
        description: body.description as string
      });
      return reply(201, { id: nextId++, state: body.state });
    }
    return reply(404, { message: 'Not Found (not modelled by the fake)' });
  };

  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => handle(req, res, raw));
  });
  const port = await listenLocally(server);
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    rejected: () => state.requests.filter(r => r.rejected),
    fail: (fault: Fault) => void faults.push(fault),
    close: () => new Promise<void>(resolve => server.close(() => resolve()))
  });
}
