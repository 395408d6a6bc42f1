// The portal talks to the API through its own /api/* route handler (app/api/[...path]/route.ts),
// so the browser never needs CORS and the API address is read at run time, not baked in at build.
import { realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Turbopack compiles only files under its root: the repository, or, where node_modules is a
// symlink out of it (git worktrees sharing one install), the directory holding both.
function workspaceRoot() {
  const modules = dirname(realpathSync(join(repoRoot, 'node_modules')));
  const a = repoRoot.split(sep);
  const b = modules.split(sep);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  return a.slice(0, i).join(sep) || sep;
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  turbopack: { root: workspaceRoot() },
  outputFileTracingRoot: workspaceRoot(),
};

export default nextConfig;
