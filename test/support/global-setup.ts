import { BROWSER_SUITE_SELECTED, ensureChromium, LOCAL_HOST } from './chromium';

/**
 * Runs once per `npm test` (jest globalSetup), before any suite: when the portal's browser suite is
 * among the selected tests, Chromium must be there (installed once when running as root), or the
 * run stops here with the exact command instead of failing minutes later (issue 22, finding 12).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env[BROWSER_SUITE_SELECTED] !== '1') return;
  ensureChromium(LOCAL_HOST);
}
