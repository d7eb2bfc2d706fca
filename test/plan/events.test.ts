import { describe, expect, test } from '@jest/globals';
import { makePlan, type PlanSettings } from '../../src/plan/index.js';
import { eventOf, PLAN_DEFAULTS, scenario, LIBRARIES } from '../helpers/events.js';

const NOW = new Date('2026-11-22T10:11:12.000Z');
const plan = (kind: string, inputs: Partial<PlanSettings> = {}) =>
  makePlan({ ...PLAN_DEFAULTS, ...inputs }, eventOf(scenario(kind)), NOW, { libraries: LIBRARIES });

describe('default rules on real GitHub event payloads', () => {
  test.each([
    ['push-branch', 'master', ['master', 'sha-6113728']],
    ['push-feature-branch', 'feature-Login_v2', ['feature-Login_v2', 'sha-6113728']],
    ['tag-v1.2.3', '1.2.3', ['1.2.3', '1.2', '1', 'sha-6113728', 'latest']],
    ['tag-1.2.3', '1.2.3', ['1.2.3', '1.2', '1', 'sha-6113728', 'latest']],
    ['tag-v2.0.0-rc.1', '2.0.0-rc.1', ['2.0.0-rc.1', 'sha-6113728']],
    ['tag-simple', 'sha-6113728', ['sha-6113728']],
    ['pull_request-opened', 'pr-2', ['pr-2', 'sha-ec26c3e']],
    ['pull_request-synchronize', 'pr-2', ['pr-2', 'sha-ec26c3e']],
    ['release-published', '0.0.1', ['0.0.1', '0.0', '0', 'sha-6113728', 'latest']],
    ['workflow_dispatch', 'main', ['main', 'sha-6113728']],
    ['schedule', 'master', ['master', 'sha-6113728']]
  ])('%s → version %s, tags %j', (kind, version, tags) => {
    const p = plan(kind);
    expect(p.version).toBe(version);
    expect(p.tagNames).toEqual(tags);
  });

  test('full references: every tag on every image, default image from the repository', () => {
    expect(plan('tag-v1.2.3').tags).toEqual([
      'ghcr.io/codertocat/hello-world:1.2.3',
      'ghcr.io/codertocat/hello-world:1.2',
      'ghcr.io/codertocat/hello-world:1',
      'ghcr.io/codertocat/hello-world:sha-6113728',
      'ghcr.io/codertocat/hello-world:latest'
    ]);
    expect(plan('workflow_dispatch').images).toEqual(['ghcr.io/octo-org/octo-repo']);
  });

  test('two images get the same tags, in image order', () => {
    const p = plan('pull_request-opened', { images: ['ghcr.io/acme/app', 'docker.io/acme/app'] });
    expect(p.tags).toEqual([
      'ghcr.io/acme/app:pr-2',
      'ghcr.io/acme/app:sha-ec26c3e',
      'docker.io/acme/app:pr-2',
      'docker.io/acme/app:sha-ec26c3e'
    ]);
  });

  test('a non-semver tag warns once per semver rule and says which rule', () => {
    const warnings = plan('tag-simple').warnings;
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain('simple-tag is not a valid semver version');
    expect(warnings[0]).toContain('type=semver,pattern={{version}}');
  });

  test('the version input overrides the git ref for semver rules', () => {
    expect(plan('push-branch', { version: '1.4.0' }).tagNames).toEqual([
      '1.4.0',
      '1.4',
      '1',
      'master',
      'sha-6113728',
      'latest'
    ]);
    expect(plan('tag-v1.2.3', { version: '2.0.0-beta.2' }).tagNames).toEqual(['2.0.0-beta.2', 'sha-6113728']);
  });

  test('latest: false never adds latest; true adds it on any event', () => {
    expect(plan('tag-v1.2.3', { latest: 'false' }).tagNames).toEqual(['1.2.3', '1.2', '1', 'sha-6113728']);
    expect(plan('push-branch', { latest: 'true' }).tagNames).toEqual(['master', 'sha-6113728', 'latest']);
  });

  test('OCI labels come from the payload repository, sorted, user labels win', () => {
    const p = plan('tag-v1.2.3', {
      labels: { 'org.opencontainers.image.licenses': 'MIT', 'com.example.team': 'ships' }
    });
    expect(p.labels).toEqual([
      'com.example.team=ships',
      'org.opencontainers.image.created=2019-05-15T15:20:41.000Z',
      'org.opencontainers.image.description=',
      'org.opencontainers.image.licenses=MIT',
      'org.opencontainers.image.revision=6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      'org.opencontainers.image.source=https://github.com/Codertocat/Hello-World',
      'org.opencontainers.image.title=Hello-World',
      'org.opencontainers.image.url=https://github.com/Codertocat/Hello-World',
      'org.opencontainers.image.version=1.2.3'
    ]);
  });

  test('labels fall back to the environment when the payload has no repository (schedule)', () => {
    const p = plan('schedule');
    expect(p.labels).toContain('org.opencontainers.image.title=Hello-World');
    expect(p.labels).toContain('org.opencontainers.image.source=https://github.com/Codertocat/Hello-World');
  });

  test('pull requests are labelled with the head commit, not the merge commit', () => {
    expect(plan('pull_request-opened').labels).toContain(
      'org.opencontainers.image.revision=ec26c3e57ca3a959ca5aad62de7213c562f8c821'
    );
  });
});
