/**
 * Response schemas of the history routes (shared/history.ts in JSON Schema): they
 * document the answers in /openapi.json and let fastify serialize them.
 */
const money = { type: 'string', pattern: '^-?\\d+\\.\\d{2}$' } as const;
const time = { type: 'string', format: 'date-time' } as const;
const part = {
  type: 'object',
  properties: { gmv: money, orders: { type: 'integer' } },
  required: ['gmv', 'orders'],
} as const;
const nullableTime = { type: 'string', format: 'date-time', nullable: true } as const;

const showSummary = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    start: time,
    end: time,
    timeZone: { type: 'string' },
    live: { type: 'boolean' },
    orders: { type: 'integer' },
    firstEvent: nullableTime,
    lastEvent: nullableTime,
  },
  required: ['id', 'name', 'start', 'end', 'timeZone', 'live', 'orders', 'firstEvent', 'lastEvent'],
} as const;

const series = {
  type: 'object',
  properties: {
    show: { type: 'string' },
    step: { type: 'string' },
    from: time,
    to: time,
    rows: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          t: time,
          orders: { type: 'integer' },
          gmv: money,
          refunds: { type: 'integer' },
          refundGmv: money,
          netGmv: money,
        },
        required: ['t', 'orders', 'gmv', 'refunds', 'refundGmv', 'netGmv'],
      },
    },
  },
  required: ['show', 'step', 'from', 'to', 'rows'],
} as const;

const breakdowns = {
  type: 'object',
  properties: {
    show: { type: 'string' },
    dimension: { type: 'string' },
    from: time,
    to: time,
    rows: {
      type: 'array',
      items: {
        type: 'object',
        properties: { key: { type: 'string' }, orders: { type: 'integer' }, gmv: money },
        required: ['key', 'orders', 'gmv'],
      },
    },
  },
  required: ['show', 'dimension', 'from', 'to', 'rows'],
} as const;

const onAir = {
  type: 'object',
  properties: {
    show: { type: 'string' },
    at: time,
    onAir: {
      type: 'object',
      nullable: true,
      properties: {
        seq: { type: 'integer' },
        kind: { type: 'string', enum: ['tick', 'snapshot'] },
        sentAt: time,
        asOf: time,
        gross: part,
        net: part,
      },
      required: ['seq', 'kind', 'sentAt', 'asOf', 'gross', 'net'],
    },
    truth: {
      type: 'object',
      properties: { gross: part, net: part },
      required: ['gross', 'net'],
    },
  },
  required: ['show', 'at', 'onAir', 'truth'],
} as const;

export const historySchemas = { showSummary, series, breakdowns, onAir };
