import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The board is a static bundle served by the fastify server from dist/client.
export default defineConfig({
  root: 'client',
  plugins: [react()],
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
