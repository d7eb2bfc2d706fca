import type { Octokit, Repo } from './github.js';

/** Creates the comment carrying `marker`, or updates it in place. Returns its URL. */
export async function upsertComment(
  kit: Octokit,
  repo: Repo,
  issue: number,
  marker: string,
  body: string
): Promise<string> {
  const comments = await kit.paginate(kit.rest.issues.listComments, {
    ...repo,
    issue_number: issue,
    per_page: 100
  });
  const existing = comments.find(c => c.body?.includes(marker));
  if (existing) {
    const { data } = await kit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body });
    return data.html_url;
  }
  const { data } = await kit.rest.issues.createComment({ ...repo, issue_number: issue, body });
  return data.html_url;
}
