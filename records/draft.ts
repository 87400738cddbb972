// The draft this suite targets. Every report names it, so that a verdict can be read against the
// text it was judged by; change it only together with the tests that follow a new draft.

export interface DraftRef {
  /** The draft's repository on GitHub. */
  repository: string;
  /** The commit of that repository the tests are derived from (abbreviated). */
  commit: string;
  /** The commit's date, for people reading a report. */
  date: string;
  /** Where the rendered draft lives; every section anchor the tests cite is an anchor there. */
  url: string;
}

export const DRAFT: DraftRef = {
  repository: 'WinterTC55/proposal-sockets-api',
  commit: '3ab96d5',
  date: '2025-06-11',
  url: 'https://sockets-api.proposal.wintertc.org/',
};
