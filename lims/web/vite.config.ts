/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// `npm run dev` serves the sources on :5173 and hands /api, /healthz, /verify to a
// running `lims serve` (LIMS_API, default http://127.0.0.1:8080), so the page and the API
// share one origin as they do in production.
const api = process.env.LIMS_API ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    // lims serve sends a strict CSP: no inline script, and no data: module preloads.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    // dist/.vite/manifest.json: the chunk graph scripts/js-size.mjs measures (never served: lims
    // serve refuses dot folders).
    manifest: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      '/api': api,
      '/healthz': api,
      '/verify': api,
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
})
