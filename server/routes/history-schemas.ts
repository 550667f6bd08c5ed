/**
 * Response schemas of the history routes (shared/history.ts in JSON Schema): they
 * document the answers in /openapi.json and let fastify serialize them.
 */
const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const money = { type: 'string', pattern: '^-?\\d+\\.\\d{2}$' } as const;
const time = { type: 'string', format: 'date-time' } as const;
const nullableTime = { type: 'string', format: 'date-time', nullable: true } as const;

/** An object with every property required: no history answer has optional fields. */
function object(properties: Record<string, unknown>, options: { nullable?: true } = {}) {
  return { type: 'object', ...options, properties, required: Object.keys(properties) };
}

/** The answer for a range of a show: what it is by (`step` or `dimension`), the range, and its rows. */
function rangeAnswer(by: 'step' | 'dimension', row: Record<string, unknown>) {
  return object({ show: str, [by]: str, from: time, to: time, rows: { type: 'array', items: object(row) } });
}

const part = object({ gmv: money, orders: int });

const showSummary = object({
  id: str,
  name: str,
  start: time,
  end: time,
  timeZone: str,
  live: { type: 'boolean' },
  orders: int,
  firstEvent: nullableTime,
  lastEvent: nullableTime,
});

const series = rangeAnswer('step', { t: time, orders: int, gmv: money, refunds: int, refundGmv: money, netGmv: money });

const breakdowns = rangeAnswer('dimension', { key: str, orders: int, gmv: money });

const onAir = object({
  show: str,
  at: time,
  onAir: object(
    {
      seq: int,
      kind: { type: 'string', enum: ['tick', 'snapshot'] },
      sentAt: time,
      asOf: time,
      gross: part,
      net: part,
    },
    { nullable: true },
  ),
  truth: object({ gross: part, net: part }),
});

export const historySchemas = { showSummary, series, breakdowns, onAir };
