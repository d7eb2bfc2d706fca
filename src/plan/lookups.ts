import type { GitHubEvent } from '../action/event.js';
import { apiUrl, octokit, statusOf } from '../common/github.js';

/** What the GitHub API told the plan that the event payload did not. */
export interface Facts {
  defaultBranch?: string;
  commitDate?: Date;
  /** Why a look-up fell back, for the run's warnings. */
  warnings: string[];
}

// One answer per question for the whole run, whichever part of it asks.
const answers = new Map<string, Promise<string>>();

function ask(question: string, fetch: () => Promise<string>): Promise<string> {
  const key = `${apiUrl()} ${question}`;
  let answer = answers.get(key);
  if (!answer) answers.set(key, (answer = fetch()));
  return answer;
}

/** Why a look-up failed, without echoing what the server sent. */
const why = (error: unknown): string => {
  const status = statusOf(error);
  if (status === 401 || status === 403 || status === 404) return `the token cannot read it (HTTP ${status})`;
  return status ? `HTTP ${status}` : (error as Error).message;
};

/**
 * Asks the GitHub API for the repository's default branch and the built commit's date, as
 * metadata-action does when the payload lacks them (schedules; pull requests and releases).
 * A failed look-up never fails the run: it falls back and says so.
 */
export async function lookUp(
  needs: { defaultBranch: boolean; commitDate: boolean },
  event: GitHubEvent,
  token: string
): Promise<Facts> {
  const facts: Facts = { warnings: [] };
  const [owner = '', repo = ''] = event.repository.split('/');
  const fallback = (what: string, reason: string, effect: string): void =>
    void facts.warnings.push(`Could not read ${what} from the GitHub API (${reason}): ${effect}`);
  const noToken = !token || !owner || !repo;
  const kit = noToken ? undefined : octokit(token);
  const jobs: Promise<void>[] = [];
  if (needs.defaultBranch) {
    const effect = 'type=edge without branch= and {{is_default_branch}} see no default branch';
    if (!kit) fallback(`the default branch of ${event.repository}`, 'no github-token', effect);
    else {
      const fetch = async () => (await kit.rest.repos.get({ owner, repo })).data.default_branch;
      jobs.push(
        ask(`repo ${event.repository}`, fetch).then(
          branch => void (facts.defaultBranch = branch),
          error => fallback(`the default branch of ${event.repository}`, why(error), effect)
        )
      );
    }
  }
  if (needs.commitDate) {
    const effect = '{{commit_date}} uses the current time';
    const what = `the date of commit ${event.sha.slice(0, 12)}`;
    if (!kit) fallback(what, 'no github-token', effect);
    else {
      const fetch = async () => {
        const { data } = await kit.rest.repos.getCommit({ owner, repo, ref: event.sha });
        const date = data.commit.committer?.date;
        if (!date) throw new Error('the commit has no committer date');
        return date;
      };
      jobs.push(
        ask(`commit ${event.repository}@${event.sha}`, fetch).then(
          date => void (facts.commitDate = new Date(date)),
          error => fallback(what, why(error), effect)
        )
      );
    }
  }
  await Promise.all(jobs);
  return facts;
}
