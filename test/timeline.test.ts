import { describe, expect, test } from '@jest/globals';
import { startTimeline } from '../src/timeline.js';

describe('the run timeline', () => {
  test('each step from its start to when it settled, failed ones too, in ms since the run started', async () => {
    let clock = 1000;
    const timeline = startTimeline(() => clock);
    clock = 1010;
    const build = timeline.time('build', () => {
      clock = 1500;
      return Promise.resolve('image');
    });
    await expect(build).resolves.toBe('image');
    await expect(
      timeline.time('scan', () => {
        clock = 1900;
        return Promise.reject(new Error('no DB'));
      })
    ).rejects.toThrow('no DB');
    expect(timeline.steps).toEqual([
      { step: 'build', startMs: 10, endMs: 500 },
      { step: 'scan', startMs: 500, endMs: 900 }
    ]);
  });

  test('overlapping steps are both recorded with their own spans', async () => {
    const timeline = startTimeline();
    const slow = timeline.time('scanner ready', () => new Promise(resolve => setTimeout(resolve, 40)));
    await timeline.time('build', () => new Promise(resolve => setTimeout(resolve, 10)));
    await slow;
    const [build, ready] = timeline.steps;
    expect(build.step).toBe('build');
    expect(ready.startMs).toBeLessThanOrEqual(build.startMs);
    expect(ready.endMs).toBeGreaterThan(build.endMs);
    for (const s of timeline.steps) expect(s.endMs).toBeGreaterThanOrEqual(s.startMs);
  });

  test('work started with later is timed, and settled waits for all of it, failed or not', async () => {
    const timeline = startTimeline();
    let saved = false;
    timeline.later('cache saved', async () => {
      await new Promise(resolve => setTimeout(resolve, 30));
      saved = true;
    });
    timeline.later('sarif', () => Promise.reject(new Error('disk full')));
    expect(saved).toBe(false);
    await timeline.settled();
    expect(saved).toBe(true);
    expect(timeline.steps.map(s => s.step).sort()).toEqual(['cache saved', 'sarif']);
  });
});
