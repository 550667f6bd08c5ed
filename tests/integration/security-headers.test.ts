import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../fixtures/app.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('security-headers');
let app: AllNode;
beforeAll(async () => {
  ({ app } = await startApp(dir.path));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: unknown): Map<string, string> {
  expect(typeof header).toBe('string');
  return new Map(
    (header as string)
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(' ')[0]!, d.slice(d.indexOf(' ') + 1)]),
  );
}

describe('security headers', () => {
  it('forbids plugins, framing and form posts, allows no inline script or style, and sends no HSTS', async () => {
    for (const url of ['/', '/healthz', '/api/v1/totals']) {
      const res = await app.inject({ url });
      const csp = directives(res.headers['content-security-policy']);
      expect([url, csp.get('object-src'), csp.get('frame-ancestors'), csp.get('form-action')]).toEqual([
        url,
        "'none'",
        "'none'",
        "'none'",
      ]);
      expect(csp.get('script-src')).toBe("'self'");
      expect(csp.get('style-src')).toBe("'self'");
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('gives /docs a policy of its own that still runs no inline or foreign script', async () => {
    const res = await app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    const csp = directives(res.headers['content-security-policy']);
    // Swagger UI's own policy (staticCSP), not the board's: it lets its styles and fonts come over https:.
    expect(csp.get('style-src')).toContain('https:');
    expect(csp.get('script-src')?.trim()).toBe("'self'");
    expect(csp.get('object-src')).toBe("'none'");
  });
});
