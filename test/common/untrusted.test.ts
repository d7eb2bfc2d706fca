import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { addSecret, inertSpan, logUntrusted, redact, redactDeep } from '../../src/common/untrusted.js';
import { captureStdout, readRunnerLog } from '../helpers/runner-log.js';

/** Lines a pull request can put in container logs, build output or tool messages. */
const FORGED = [
  '::add-mask::forged-mask',
  '::error file=Dockerfile,line=1::forged error',
  '::set-output name=digest::forged-output',
  '##[error]forged old-style error',
  '::stop-commands::forged-token',
  '::forged-token::'
].join('\n');

let stdout: ReturnType<typeof captureStdout>;
beforeEach(() => {
  stdout = captureStdout();
});
afterEach(() => stdout.stop());

const forgedCommands = () => readRunnerLog(stdout.text()).commands.filter(c => /forged/.test(c.line));

describe('untrusted text in the step log', () => {
  test('the runner acts on none of its lines', () => {
    logUntrusted(`container log:\n${FORGED}`);
    expect(readRunnerLog(stdout.text()).shown.join('\n')).toContain(
      '::error file=Dockerfile,line=1::forged error'
    );
    expect(forgedCommands()).toEqual([]);
  });

  test('a span stays inert until end(), and our own commands work again after it', () => {
    const span = inertSpan();
    span.write(FORGED);
    span.write('#1 [2/3] RUN echo ::warning::forged from the build');
    span.end();
    process.stdout.write('::warning::ours\n');
    expect(readRunnerLog(stdout.text()).shown).toContain(
      '#1 [2/3] RUN echo ::warning::forged from the build'
    );
    expect(forgedCommands()).toEqual([]);
    expect(readRunnerLog(stdout.text()).commands.at(-1)).toMatchObject({ name: 'warning', data: 'ours' });
  });

  test('printed without the plain version of a registered secret', () => {
    addSecret('p4ss-w0rd-42');
    logUntrusted('DATABASE_URL=mysql://root:p4ss-w0rd-42@db/app');
    expect(readRunnerLog(stdout.text()).shown.join('\n')).not.toContain('p4ss-w0rd-42');
  });
});

describe('redaction', () => {
  test('a registered secret is masked for the runner and replaced everywhere, longest first', () => {
    addSecret('hunter2-long');
    addSecret('hunter2-long-and-longer');
    expect(readRunnerLog(stdout.text()).commands).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'add-mask', data: 'hunter2-long' }),
        expect.objectContaining({ name: 'add-mask', data: 'hunter2-long-and-longer' })
      ])
    );
    expect(redact('a hunter2-long-and-longer b hunter2-long c')).toBe('a *** b *** c');
  });

  test('a value of 4 characters is registered', () => {
    addSecret('k3y!');
    expect(redact('the k3y! here')).toBe('the *** here');
  });

  test('values shorter than 4 characters are not registered: they would blot out common text', () => {
    addSecret('on');
    expect(stdout.text()).toBe('');
    expect(redact('port is on')).toBe('port is on');
  });

  test.each([
    ['GitHub installation token', `token ghs_${'a1B2'.repeat(9)} used`, 'token *** used'],
    ['fine-grained PAT', `github_pat_${'A'.repeat(22)}_${'b'.repeat(59)}`, '***'],
    ['AWS access key id', 'key=AKIAIOSFODNN7EXAMPLE', 'key=***'],
    ['Slack token', 'xoxb-1234567890-abcdefghij', '***'],
    ['JWT', `Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${'s'.repeat(43)}`, 'Bearer ***'],
    [
      'private key',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n-----END OPENSSH PRIVATE KEY-----',
      '***'
    ],
    [
      'password in a URL',
      'postgres://app:s3cr3t@db.internal:5432/app',
      'postgres://app:***@db.internal:5432/app'
    ]
  ])('%s: redacted by its shape', (_, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  test('text without secrets is left as it is', () => {
    const plain = 'Server running on port 3000; see https://example.com/a:b@c is not a URL password';
    expect(redact(plain)).toBe(plain);
  });

  test('every string of a JSON value, keys kept', () => {
    addSecret('deep-secret-value');
    expect(redactDeep({ a: ['x deep-secret-value', 3, null], b: { c: 'https://u:pw@h/' }, d: true })).toEqual(
      { a: ['x ***', 3, null], b: { c: 'https://u:***@h/' }, d: true }
    );
  });
});

describe('redaction in linear time', () => {
  test.each([
    ['a.', 160_000],
    ['a:', 160_000],
    ['https://u:', 32_000],
    ['eyJyyyyyyy-', 30_000],
    ['-----BEGIN RSA PRIVATE KEY-----', 10_000],
    ['ghp_', 80_000]
  ])('%j × %d (%#): under a second', (unit, times) => {
    addSecret('linear-secret-value');
    const started = performance.now();
    redact(unit.repeat(times));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('a private key is redacted from its BEGIN to its END line, and a BEGIN without END is left', () => {
    const key = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----';
    expect(redact(`a ${key} b ${key} c`)).toBe('a *** b *** c');
    expect(redact('-----BEGIN RSA PRIVATE KEY----- only')).toBe('-----BEGIN RSA PRIVATE KEY----- only');
  });
});
