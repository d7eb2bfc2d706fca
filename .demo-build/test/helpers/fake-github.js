import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
/** OpenAPI 3.0 allows `nullable` beside `allOf`/`$ref`; JSON Schema (ajv) needs a type there. */
function dropTypelessNullable(node) {
  if (Array.isArray(node)) node.forEach(dropTypelessNullable);
  else if (node && typeof node === 'object') {
    const record = node;
    if ('nullable' in record && !('type' in record)) delete record.nullable;
    Object.values(record).forEach(dropTypelessNullable);
  }
}
const require = createRequire(import.meta.url);
let operations;
function loadOperations() {
  if (operations) return operations;
  const doc = JSON.parse(
    readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')
  );
  dropTypelessNullable(doc);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(doc, 'gh');
  const found = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'patch', 'put', 'delete'].includes(method)) continue;
      const pointer = `gh#/paths/${encodeURIComponent(template.replace(/~/g, '~0').replace(/\//g, '~1'))}/${method}/requestBody/content/application~1json/schema`;
      const hasBody = Boolean(op.requestBody?.content?.['application/json']);
      let compiled;
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
export async function startFakeGitHub() {
  const ops = loadOperations();
  const faults = [];
  let nextId = 1000;
  const state = {
    requests: [],
    comments: [],
    checkRuns: [],
    statuses: [],
    readOnly: false,
    noChecks: false
  };
  const send = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };
  const handle = (req, res, raw) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const method = req.method ?? 'GET';
    const record = { method, path: url.pathname, body: undefined, status: 200 };
    state.requests.push(record);
    const reply = (status, body, headers) => {
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
    const body = record.body ?? {};
    const m = re => re.exec(url.pathname);
    let match;
    if ((match = m(/^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/))) {
      const issue = Number(match[1]);
      if (method === 'GET') {
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        const all = state.comments.filter(c => c.issue === issue);
        const slice = all.slice((page - 1) * perPage, page * perPage);
        const headers =
          page * perPage < all.length
            ? { link: `<${url.origin}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next"` }
            : {};
        return reply(
          200,
          slice.map(c => ({
            id: c.id,
            body: c.body,
            html_url: c.html_url,
            user: { login: 'github-actions[bot]' }
          })),
          headers
        );
      }
      const comment = { id: nextId++, body: String(body.body), issue, html_url: '' };
      comment.html_url = `https://github.com/fake/pull/${issue}#issuecomment-${comment.id}`;
      state.comments.push(comment);
      return reply(201, { id: comment.id, body: comment.body, html_url: comment.html_url });
    }
    if ((match = m(/^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/))) {
      const comment = state.comments.find(c => c.id === Number(match?.[1]));
      if (!comment) return reply(404, { message: 'Not Found' });
      comment.body = String(body.body);
      return reply(200, { id: comment.id, body: comment.body, html_url: comment.html_url });
    }
    if (m(/^\/repos\/[^/]+\/[^/]+\/check-runs$/) && method === 'POST') {
      const output = body.output;
      const run = {
        id: nextId++,
        name: String(body.name),
        head_sha: String(body.head_sha),
        conclusion: body.conclusion,
        output,
        annotations: [...(output?.annotations ?? [])]
      };
      state.checkRuns.push(run);
      return reply(201, { id: run.id, html_url: `https://github.com/fake/runs/${run.id}` });
    }
    if ((match = m(/^\/repos\/[^/]+\/[^/]+\/check-runs\/(\d+)$/)) && method === 'PATCH') {
      const run = state.checkRuns.find(r => r.id === Number(match?.[1]));
      if (!run) return reply(404, { message: 'Not Found' });
      const output = body.output;
      run.annotations.push(...(output?.annotations ?? []));
      return reply(200, { id: run.id });
    }
    if ((match = m(/^\/repos\/[^/]+\/[^/]+\/statuses\/([0-9a-f]+)$/)) && method === 'POST') {
      state.statuses.push({
        sha: match[1],
        state: String(body.state),
        context: String(body.context),
        description: body.description
      });
      return reply(201, { id: nextId++, state: body.state });
    }
    return reply(404, { message: 'Not Found (not modelled by the fake)' });
  };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', chunk => (raw += chunk.toString()));
    req.on('end', () => handle(req, res, raw));
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    rejected: () => state.requests.filter(r => r.rejected),
    fail: fault => void faults.push(fault),
    close: () => new Promise(resolve => server.close(() => resolve()))
  });
}
