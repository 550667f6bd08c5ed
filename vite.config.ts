import react from '@vitejs/plugin-react';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

/** The build a board reports to the console (the screen fleet): the package version and the commit. */
function buildId(): string {
  const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: 'pipe' }).trim();
    return `${version}+${commit}`;
  } catch {
    return version;
  }
}

// The board is a static bundle served by the fastify server from dist/client.
export default defineConfig({
  root: 'client',
  plugins: [react()],
  define: { __GMV_BUILD__: JSON.stringify(buildId()) },
  // One bundle on purpose: the wall loads it once from its own server, world map data included
  // (about 110 kB), so the default 500 kB warning is only noise.
  build: { outDir: '../dist/client', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 800 },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'ws://localhost:3000', ws: true },
      // Replays have their own socket.io server (REPLAY_PATH in shared/history.ts).
      '/replay.io': { target: 'ws://localhost:3000', ws: true },
    },
  },
});
