import { describe, expect, it } from 'vitest';
import { socketOptions } from '../../client/live/connect.js';

describe('socket options', () => {
  it('passes a ?token= from the page URL on as auth.token', () => {
    expect(socketOptions('?token=abc%20d&x=1')).toEqual({
      transports: ['websocket', 'polling'],
      auth: { token: 'abc d' },
    });
  });

  it('sends no auth when the page has no token', () => {
    expect(socketOptions('')).toEqual({ transports: ['websocket', 'polling'] });
    expect(socketOptions('?token=')).toEqual({ transports: ['websocket', 'polling'] });
  });
});
