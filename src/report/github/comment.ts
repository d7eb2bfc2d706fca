import { statusOf, type Octokit, type Repo } from '../../common/github.js';

/** The Actions bot: who the workflow's GITHUB_TOKEN (an installation token) writes as. */
export const ACTIONS_BOT = 'github-actions[bot]';

/** Who the token writes as: a user token's login; an installation token cannot ask, and is the bot. */
export async function tokenLogin(kit: Octokit): Promise<string> {
  try {
    return (await kit.rest.users.getAuthenticated()).data.login;
  } catch (error) {
    if (statusOf(error) === 403 || statusOf(error) === 401) return ACTIONS_BOT;
    throw error;
  }
}

/**
 * Creates the comment whose first line is `marker`, or updates it in place. Only a comment this
 * token wrote counts (anyone can write the marker in a comment of their own), and only by its
 * exact first line (a comment that quotes another's marker is not that comment). Returns its URL.
 */
export async function upsertComment(
  kit: Octokit,
  repo: Repo,
  issue: number,
  marker: string,
  body: string
): Promise<string> {
  const [login, comments] = await Promise.all([
    tokenLogin(kit),
    kit.paginate(kit.rest.issues.listComments, { ...repo, issue_number: issue, per_page: 100 })
  ]);
  const existing = comments.find(c => c.user?.login === login && c.body?.split(/\r?\n/, 1)[0] === marker);
  if (existing) {
    const { data } = await kit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body });
    return data.html_url;
  }
  const { data } = await kit.rest.issues.createComment({ ...repo, issue_number: issue, body });
  return data.html_url;
}
