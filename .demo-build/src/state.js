import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
/**
 * What the main step hands to the post step. Each value is saved by one setter and read back
 * by its getter here, so the two steps cannot drift apart.
 */
const KEYS = { isPost: 'isPost', runLabel: 'run-label', dockerConfig: 'docker-config' };
export const isPost = () => core.getState(KEYS.isPost) === 'true';
export function markMainStarted() {
  core.saveState(KEYS.isPost, 'true');
}
/** A label value unique to this job run, saved before any container exists. */
export function newRunLabel(env = process.env) {
  const label = [
    env.GITHUB_RUN_ID ?? 'local',
    env.GITHUB_RUN_ATTEMPT ?? '1',
    randomBytes(4).toString('hex')
  ].join('-');
  core.saveState(KEYS.runLabel, label);
  return label;
}
export const savedRunLabel = () => core.getState(KEYS.runLabel);
export function saveDockerConfig(dir) {
  core.saveState(KEYS.dockerConfig, dir);
}
export const savedDockerConfig = () => core.getState(KEYS.dockerConfig);
