import { describe, expect, test } from '@jest/globals';
import {
  annotationLevels,
  parseCacheSpec,
  port,
  provenance,
  sbomFormats,
  severities,
  shortShaLength
} from '../../../src/action/inputs/input-values.js';
import type { CacheSpec } from '../../../src/builder/contract.js';

const one = (name: string, value: string) => (asked: string) => (asked === name ? value : '');

describe('severity', () => {
  test('absent: every severity, least severe first', () => {
    expect(severities(one('severity', ''))).toEqual(['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
  });
  test('an unknown one is refused, naming it and the five', () => {
    expect(() => severities(one('severity', 'HIGH,SEVERE'))).toThrow(
      'input "severity": unknown severity "SEVERE" (use UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL)'
    );
  });
});

describe("cache-from / cache-to in build-push-action's grammar", () => {
  test.each<[string, 'cache-from' | 'cache-to', CacheSpec]>([
    ['acme/app:cache', 'cache-from', { type: 'registry', attrs: { ref: 'acme/app:cache' } }],
    ['ref=acme/app:cache', 'cache-from', { type: 'registry', attrs: { ref: 'acme/app:cache' } }],
    [
      'type=registry,ref=acme/app:c,mode=max',
      'cache-to',
      { type: 'registry', attrs: { ref: 'acme/app:c', mode: 'max' } }
    ],
    ['type=local,src=/tmp/c', 'cache-from', { type: 'local', attrs: { src: '/tmp/c' } }],
    [
      'type=local,dest=/tmp/c,mode=min',
      'cache-to',
      { type: 'local', attrs: { dest: '/tmp/c', mode: 'min' } }
    ],
    ['type=gha,scope=main', 'cache-to', { type: 'gha', attrs: { scope: 'main' } }],
    ['type=inline', 'cache-to', { type: 'inline', attrs: {} }],
    ['type=s3,region=eu,bucket=b', 'cache-from', { type: 's3', attrs: { region: 'eu', bucket: 'b' } }],
    ['type=azblob,name=n', 'cache-from', { type: 'azblob', attrs: { name: 'n' } }]
  ])('%s (%s)', (line, input, spec) => {
    expect(parseCacheSpec(line, input)).toEqual(spec);
  });

  test.each<[string, 'cache-from' | 'cache-to', string]>([
    [
      'type=registry,oops',
      'cache-from',
      'input "cache-from": "type=registry,…" has a field that is not key=value'
    ],
    [
      'type=redis,ref=x',
      'cache-from',
      'input "cache-from": "type=redis,ref=x" needs type= one of registry, local, inline, gha, s3, azblob'
    ],
    ['mode=max', 'cache-to', 'input "cache-to": "mode=max" needs type= one of'],
    [
      'type=registry,mode=max',
      'cache-to',
      'input "cache-to": "type=registry,mode=max" needs ref= (the cache image)'
    ],
    ['type=local,dest=/c', 'cache-from', 'input "cache-from": "type=local,dest=/c" needs src= (a directory)'],
    ['type=local,src=/c', 'cache-to', 'input "cache-to": "type=local,src=/c" needs dest= (a directory)'],
    ['type=gha,mode=all', 'cache-to', 'input "cache-to": "type=gha,mode=all" has mode= other than min or max']
  ])('%s (%s) is refused', (line, input, message) => {
    expect(() => parseCacheSpec(line, input)).toThrow(message);
  });
});

describe('cache credentials', () => {
  test('an S3 secret and session token leave the attributes for the environment buildx reads them from', () => {
    expect(
      parseCacheSpec(
        'type=s3,region=eu,bucket=b,access_key_id=AKID,secret_access_key=s3cr3t,session_token=t0k3n',
        'cache-to'
      )
    ).toEqual({
      type: 's3',
      attrs: { region: 'eu', bucket: 'b', access_key_id: 'AKID' },
      env: { AWS_SECRET_ACCESS_KEY: 's3cr3t', AWS_SESSION_TOKEN: 't0k3n' }
    });
  });

  test("the GitHub cache's token goes to ACTIONS_RUNTIME_TOKEN", () => {
    expect(parseCacheSpec('type=gha,scope=main,token=ghs_x', 'cache-to')).toEqual({
      type: 'gha',
      attrs: { scope: 'main' },
      env: { ACTIONS_RUNTIME_TOKEN: 'ghs_x' }
    });
  });

  test('a credential buildx cannot take from its environment is refused, its value not quoted', () => {
    const line = 'type=azblob,name=n,account_url=https://a.example,secret_access_key=azur3-s3cr3t';
    expect(() => parseCacheSpec(line, 'cache-to')).toThrow(
      'input "cache-to": "type=azblob,name=n,account_url=https://a.example,secret_access_key=***" has secret_access_key=, a credential buildx can only take on its command line'
    );
  });

  test('a refused line never quotes a credential, nor a field without its key', () => {
    const attempt = () =>
      parseCacheSpec('type=s3,secret_access_key=s3cr3t,mode=all,pasted-s3cr3t', 'cache-to');
    expect(attempt).toThrow('"type=s3,secret_access_key=***,mode=all,…"');
  });
});

describe('provenance', () => {
  test.each([
    ['', 'auto'],
    ['false', 'false'],
    [' TRUE ', 'min'],
    ['mode=min', 'min'],
    ['Mode=Max', 'max']
  ])('%j → %s', (value, mode) => {
    expect(provenance(one('provenance', value))).toBe(mode);
  });
  test('anything else is refused, naming what it got', () => {
    expect(() => provenance(one('provenance', 'mode=full'))).toThrow(
      'input "provenance" must be false, true, mode=min or mode=max; got "mode=full"'
    );
  });
});

describe('smoke-port', () => {
  test.each([
    ['', undefined],
    [' 1 ', 1],
    ['8080', 8080],
    ['65535', 65535]
  ])('%j → %s', (value, expected) => {
    expect(port(one('smoke-port', value))).toBe(expected);
  });
  test.each(['0', '65536', '80.5', 'http', '-1'])('%s is refused', value => {
    expect(() => port(one('smoke-port', value))).toThrow(
      `input "smoke-port" must be a port number 1-65535; got "${value}"`
    );
  });
});

describe('sbom-format', () => {
  test('absent: both; each named once', () => {
    expect(sbomFormats(one('sbom-format', ''))).toEqual(['cyclonedx', 'spdx']);
    expect(sbomFormats(one('sbom-format', 'spdx, spdx'))).toEqual(['spdx']);
  });
  test('an unknown one is refused', () => {
    expect(() => sbomFormats(one('sbom-format', 'swid'))).toThrow(
      'input "sbom-format": unknown format "swid" (use cyclonedx, spdx)'
    );
  });
});

describe("docker/metadata-action's variables", () => {
  test('annotation levels: manifest by default, every level named', () => {
    expect(annotationLevels()).toEqual(['manifest']);
    expect(annotationLevels('index,manifest-descriptor,index-descriptor,manifest[linux/amd64]')).toEqual([
      'index',
      'manifest-descriptor',
      'index-descriptor',
      'manifest[linux/amd64]'
    ]);
  });
  test('the short SHA: 7 by default, any positive whole number', () => {
    expect(shortShaLength()).toBe(7);
    expect(shortShaLength('  ')).toBe(7);
    expect(shortShaLength('1')).toBe(1);
    expect(shortShaLength('40')).toBe(40);
    for (const bad of ['0', '-3', '7.5'])
      expect(() => shortShaLength(bad)).toThrow(
        `DOCKER_METADATA_SHORT_SHA_LENGTH must be a positive whole number; got "${bad}"`
      );
  });
});
