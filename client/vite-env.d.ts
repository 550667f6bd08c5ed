/// <reference types="vite/client" />

/** The build (package version and commit), set by vite.config.ts; undefined outside a Vite build. */
declare const __GMV_BUILD__: string | undefined;
