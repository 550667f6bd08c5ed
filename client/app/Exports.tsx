import type { Dimension } from '../../shared/history.js';
import { t, type StringKey } from '../i18n/t.js';

/** Rows one series export may hold (the server's MAX_SERIES_ROWS): the finest step that fits is chosen. */
const MAX_ROWS = 100_000;

export type ExportFormat = 'csv' | 'parquet';

/** What to export: the series of the range, or one dimension's breakdown over it. */
export interface ExportWhat {
  show: string;
  fromMs: number;
  toMs: number;
  /** null: the series. */
  dimension: Dimension | null;
}

/** The finest series step whose rows over the range stay within the export's limit. */
export function exportStep(fromMs: number, toMs: number): '1s' | '1m' | '1h' {
  const seconds = Math.ceil((toMs - fromMs) / 1000);
  if (seconds <= MAX_ROWS) return '1s';
  if (seconds / 60 <= MAX_ROWS) return '1m';
  return '1h';
}

/**
 * The export's URL: the range in whole seconds (the end rounded up, so the second in view is in),
 * the page's viewer token along (a download cannot carry a header); null when the range holds
 * no whole second yet (before the show starts).
 */
export function exportUrl(what: ExportWhat, format: ExportFormat, search: string): string | null {
  const fromMs = Math.floor(what.fromMs / 1000) * 1000;
  const toMs = Math.ceil(what.toMs / 1000) * 1000;
  if (toMs - fromMs < 1000) return null;
  const q = new URLSearchParams({
    show: what.show,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
  });
  if (what.dimension === null) q.set('step', exportStep(fromMs, toMs));
  else {
    q.set('kind', 'breakdown');
    q.set('dimension', what.dimension);
  }
  const token = new URLSearchParams(search).get('token');
  if (token) q.set('token', token);
  return `/api/v1/export.${format}?${q.toString()}`;
}

/**
 * Download links for what the screen shows: the series and each breakdown over the range in
 * view, as CSV (a spreadsheet) or Parquet (an analyst's tools). ClickHouse formats the files.
 */
export function Exports({
  show,
  fromMs,
  toMs,
  dimensions,
  className,
}: {
  show: string;
  fromMs: number;
  toMs: number;
  dimensions: readonly Dimension[];
  className?: string;
}) {
  const search = window.location.search;
  const items: { key: string; label: string; dimension: Dimension | null }[] = [
    { key: 'series', label: t('export.series'), dimension: null },
    ...dimensions.map((d) => ({ key: d, label: t(`export.dim.${d}` as StringKey), dimension: d })),
  ];
  return (
    <section className={`exports ${className ?? ''}`} data-testid="exports" aria-label={t('export.title')}>
      <h2>{t('export.title')}</h2>
      <ul>
        {items.map((item) => {
          const what = { show, fromMs, toMs, dimension: item.dimension };
          return (
            <li key={item.key}>
              <span>{item.label}</span>
              {(['csv', 'parquet'] as const).map((format) => {
                const href = exportUrl(what, format, search);
                return href === null ? (
                  <span key={format} className="exports-none">
                    {format.toUpperCase()}
                  </span>
                ) : (
                  <a key={format} href={href} download data-testid={`export-${item.key}-${format}`}>
                    {format.toUpperCase()}
                  </a>
                );
              })}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
