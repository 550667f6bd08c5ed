import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  alertBody,
  alertId,
  backoffMs,
  feedAlertId,
  dingtalkSignedUrl,
  groupCny,
  judge,
  showTime,
  signatureHeader,
  type AlertEvent,
} from '../../server/alerts/payloads.js';
import { ConfigError, loadConfig } from '../../server/config.js';

const dir = mkdtempSync(join(tmpdir(), 'gmv-webhooks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hooksFile(content: unknown): string {
  const file = join(dir, 'hooks.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** The one line loadConfig refuses a WEBHOOKS_FILE with, after its prefix. */
function refusal(content: unknown): string {
  const file = hooksFile(content);
  try {
    loadConfig({ WEBHOOKS_FILE: file });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message.startsWith(`WEBHOOKS_FILE ${file}: `)).toBe(true);
    return message.slice(`WEBHOOKS_FILE ${file}: `.length);
  }
  throw new Error('loadConfig accepted the file');
}

const T = Date.parse('2015-11-11T00:00:30.200+08:00');
const EVENT: AlertEvent = {
  id: alertId('milestone', '2015', 100_000_000_000, T),
  type: 'milestone',
  show: { id: '2015', name: '11.11 2015', timeZone: 'Asia/Shanghai' },
  milestone: '1000000000.00',
  crossedAtMs: T,
  previousCrossedAtMs: null,
  gmv: '1000000012.34',
  orders: 1234567,
};
const STALE: AlertEvent = {
  id: feedAlertId('stale', '2015', T),
  type: 'stale',
  show: EVENT.show,
  lastDataAtMs: T,
  resumedAtMs: null,
  gmv: EVENT.gmv,
  orders: EVENT.orders,
};
const FRESH: AlertEvent = {
  ...STALE,
  id: feedAlertId('fresh', '2015', T + 42_400),
  type: 'fresh',
  resumedAtMs: T + 42_400,
};
const REVISED: AlertEvent = {
  ...EVENT,
  id: alertId('milestone-revised', '2015', 100_000_000_000, T - 100),
  type: 'milestone-revised',
  crossedAtMs: T - 100,
  previousCrossedAtMs: T,
};

describe('WEBHOOKS_FILE', () => {
  it('has no hooks without a file, and fills in the defaults of a bare hook', () => {
    expect(loadConfig({}).webhooks).toEqual([]);
    const file = hooksFile([{ name: 'ops', url: 'https://hooks.example.com/x' }]);
    expect(loadConfig({ WEBHOOKS_FILE: file }).webhooks).toEqual([
      {
        name: 'ops',
        url: 'https://hooks.example.com/x',
        format: 'json',
        events: ['milestone', 'milestone-revised'],
        timeoutMs: 5000,
        retry: { attempts: 8, firstDelayMs: 1000, maxDelayMs: 60_000 },
      },
    ]);
  });

  it('refuses a bad file with a line naming the hook and the field', () => {
    expect(refusal('{')).toMatch(/JSON/);
    expect(refusal({})).toBe('must be a JSON array of hooks');
    expect(refusal([{ url: 'https://a.example' }])).toBe('hook #1: name missing');
    expect(refusal([{ name: 'a', url: 'ftp://a.example/x' }])).toBe('hook "a": url must be an http:// or https:// URL');
    expect(refusal([{ name: 'a', url: 'not a url' }])).toBe('hook "a": url must be an http:// or https:// URL');
    expect(refusal([{ name: 'a', url: 'https://u:p@a.example' }])).toBe(
      'hook "a": url must not hold a user or password',
    );
    expect(refusal([{ name: 'a', url: 'https://a.example', format: 'teams' }])).toBe(
      'hook "a": format must be "json", "slack", "dingtalk", "wecom"',
    );
    expect(refusal([{ name: 'a', url: 'https://a.example', events: ['milestone', 'lunch'] }])).toBe(
      'hook "a": events.1 must be "milestone", "milestone-revised", "stale", "fresh"',
    );
    expect(refusal([{ name: 'a', url: 'https://a.example', events: [] }])).toMatch(/^hook "a": events must be/);
    expect(refusal([{ name: 'a', url: 'https://a.example', retry: { attempts: 0 } }])).toBe(
      'hook "a": retry.attempts must be an integer in 1..20',
    );
    expect(refusal([{ name: 'a', url: 'https://a.example', retry: { tries: 3 } }])).toBe(
      'hook "a": unknown field "retry.tries"',
    );
    expect(refusal([{ name: 'a', url: 'https://a.example', secrets: 'x' }])).toBe('hook "a": unknown field "secrets"');
    expect(refusal([{ name: 'a', url: 'https://a.example', secret: 'short' }])).toBe(
      'hook "a": secret must be at least 16 characters',
    );
    expect(refusal([{ name: 'a', url: 'https://a.example', format: 'slack', secret: '0123456789abcdef' }])).toMatch(
      /^hook "a": secret signs only "json" and "dingtalk" hooks/,
    );
    expect(
      refusal([
        { name: 'a', url: 'https://a.example' },
        { name: 'a', url: 'https://b.example' },
      ]),
    ).toBe('hook "a": name is used twice');
  });
});

describe('alert payloads', () => {
  it("alertBody('json') carries the exact milestone, crossing time and totals, and the id", () => {
    expect(alertBody('json', EVENT, T + 1500)).toEqual({
      id: '2015:milestone:100000000000:1447171230200',
      type: 'milestone',
      show: '2015',
      showName: '11.11 2015',
      milestone: '1000000000.00',
      crossedAt: '2015-11-10T16:00:30.200Z',
      gmv: '1000000012.34',
      orders: 1234567,
      sentAt: '2015-11-10T16:00:31.700Z',
    });
    expect(alertBody('json', REVISED, T)).toMatchObject({
      type: 'milestone-revised',
      crossedAt: '2015-11-10T16:00:30.100Z',
      previousCrossedAt: '2015-11-10T16:00:30.200Z',
    });
  });

  it('the chat formats say the milestone and the time in the show time zone', () => {
    const line = '*11.11 2015* crossed *¥1,000,000,000.00* at 2015-11-11 00:00:30.200 (Asia/Shanghai)';
    expect(alertBody('slack', EVENT, T)).toEqual({
      text: '11.11 2015: ¥1,000,000,000.00 crossed',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: `${line}\nGMV ¥1,000,000,012.34 from 1,234,567 orders` },
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `event ${EVENT.id}` }] },
      ],
    });
    const bold = line.replaceAll('*', '**');
    expect(alertBody('dingtalk', EVENT, T)).toEqual({
      msgtype: 'markdown',
      markdown: {
        title: '11.11 2015: ¥1,000,000,000.00 crossed',
        text: `### 11.11 2015: ¥1,000,000,000.00 crossed\n\n${bold}\n\nGMV ¥1,000,000,012.34 from 1,234,567 orders`,
      },
    });
    expect(alertBody('wecom', EVENT, T)).toEqual({
      msgtype: 'markdown',
      markdown: { content: `${bold}\nGMV ¥1,000,000,012.34 from 1,234,567 orders` },
    });
    expect((alertBody('wecom', REVISED, T) as { markdown: { content: string } }).markdown.content).toContain(
      'moved the **¥1,000,000,000.00** crossing to 2015-11-11 00:00:30.100 (Asia/Shanghai) (was 2015-11-11 00:00:30.200 (Asia/Shanghai))',
    );
  });

  it('stale and fresh say when the data stopped and when it came back', () => {
    expect(alertBody('json', STALE, T + 15_000)).toEqual({
      id: '2015:stale:1447171230200',
      type: 'stale',
      show: '2015',
      showName: '11.11 2015',
      lastDataAt: '2015-11-10T16:00:30.200Z',
      gmv: '1000000012.34',
      orders: 1234567,
      sentAt: '2015-11-10T16:00:45.200Z',
    });
    expect(alertBody('json', FRESH, T + 42_400)).toMatchObject({
      type: 'fresh',
      lastDataAt: '2015-11-10T16:00:30.200Z',
      resumedAt: '2015-11-10T16:01:12.600Z',
    });
    expect(alertBody('wecom', STALE, T)).toEqual({
      msgtype: 'markdown',
      markdown: {
        content:
          '**11.11 2015**: **no new orders** since 2015-11-11 00:00:30.200 (Asia/Shanghai)\nGMV ¥1,000,000,012.34 from 1,234,567 orders',
      },
    });
    expect(
      (alertBody('slack', FRESH, T) as { text: string; blocks: { text?: { text: string } }[] }).blocks[0]!.text!.text,
    ).toBe('*11.11 2015*: orders are arriving again after 42 s\nGMV ¥1,000,000,012.34 from 1,234,567 orders');
  });

  it('groupCny groups the digits of the string, exactly at any size', () => {
    expect(groupCny('0.05')).toBe('0.05');
    expect(groupCny('999.99')).toBe('999.99');
    expect(groupCny('1000.00')).toBe('1,000.00');
    expect(groupCny('90071992547409931.07')).toBe('90,071,992,547,409,931.07');
    expect(groupCny('-1234.50')).toBe('-1,234.50');
  });

  it('showTime is the wall time of the show time zone, not the process one', () => {
    expect(showTime(Date.parse('2015-11-10T16:00:00.007Z'), 'Asia/Shanghai')).toBe('2015-11-11 00:00:00.007');
    expect(showTime(Date.parse('2015-11-10T16:00:00.007Z'), 'UTC')).toBe('2015-11-10 16:00:00.007');
  });
});

describe('signatures', () => {
  it('signatureHeader is HMAC-SHA256 of `<t>.<body>` (vector computed with Python hmac)', () => {
    expect(signatureHeader('whsec-0123456789abcdef', '{"id":"x"}', 1447171230200)).toBe(
      't=1447171230200,v1=1b3968ed3209139ffa3ecfad96067cd2a832e60c248b71c81993baa9861bd216',
    );
  });

  it('dingtalkSignedUrl adds timestamp and the URL-encoded base64 sign (vector computed with Python hmac)', () => {
    const secret = 'SEC175ff0376a2551f1e785fab47fe2bb4264247724657f85f622bded53565e95ff';
    const url = dingtalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', secret, 1447171230200);
    expect(url).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1447171230200' +
        '&sign=GiB97qzSksGBY9eiBKX6DIxpBTPKES4dG83HPMVBlA4%3D',
    );
  });
});

describe('retries', () => {
  const policy = { attempts: 8, firstDelayMs: 1000, maxDelayMs: 60_000 };

  it('backoffMs doubles from the first delay up to the cap, spread 80-120%', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffMs(n, policy, 0.5))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect(backoffMs(1, policy, 0)).toBe(800);
    expect(backoffMs(1, policy, 0.999999)).toBe(1200);
    // Never past the cap, however far the jitter or the attempt.
    expect(backoffMs(7, policy, 0.999999)).toBe(60_000);
    expect(backoffMs(100, policy, 0.999999)).toBe(60_000);
  });

  it('judge retries network-side failures, 5xx and 429, not other 4xx', () => {
    expect(judge('json', 200, '')).toEqual({ outcome: 'ok' });
    expect(judge('slack', 204, '')).toEqual({ outcome: 'ok' });
    expect(judge('json', 500, '').outcome).toBe('retry');
    expect(judge('json', 503, '').outcome).toBe('retry');
    expect(judge('json', 429, '').outcome).toBe('retry');
    expect(judge('json', 400, '')).toEqual({ outcome: 'fail', reason: 'HTTP 400' });
    expect(judge('json', 404, '').outcome).toBe('fail');
    expect(judge('json', 301, '').outcome).toBe('fail');
  });

  it('judge reads the errcode of DingTalk and WeCom answers', () => {
    expect(judge('dingtalk', 200, '{"errcode":0,"errmsg":"ok"}')).toEqual({ outcome: 'ok' });
    expect(judge('dingtalk', 200, '{"errcode":130101,"errmsg":"send too fast"}').outcome).toBe('retry');
    expect(judge('dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}')).toEqual({
      outcome: 'fail',
      reason: 'errcode 310000',
    });
    expect(judge('wecom', 200, '{"errcode":45009}').outcome).toBe('retry');
    expect(judge('wecom', 200, '{"errcode":93000}').outcome).toBe('fail');
    expect(judge('wecom', 200, 'ok').outcome).toBe('fail');
  });
});
