import { useCallback, useEffect, useState, type FormEvent } from 'react';
import {
  MARK_KINDS,
  MAX_MARK_LABEL,
  MAX_MARKS_PER_SHOW,
  type DirectorMark,
  type DirectorMarkList,
  type MarkKind,
  type NewMark,
} from '../../shared/marks.js';
import { zonedClock } from '../format/zoned.js';
import { t, type StringKey } from '../i18n/t.js';
import { call } from './api.js';

/** How often the panel reads the marks again (another director may add some). */
const REFRESH_MS = 2000;

export const marksApi = {
  list: (token: string) => call<DirectorMarkList>(token, 'GET', 'marks'),
  create: (token: string, mark: NewMark) => call<DirectorMark>(token, 'POST', 'marks', mark),
  remove: (token: string, id: string) => call<DirectorMark>(token, 'DELETE', `marks/${encodeURIComponent(id)}`),
};

/**
 * The run-of-show panel of the console (docs/director.md): add a mark (kind, label, a time or
 * the show clock now) and list or remove the show's marks. Errors go to the console's `onError`
 * (a refused token signs the console out there).
 */
export function Marks({ token, onError }: { token: string; onError: (err: unknown) => void }) {
  const [list, setList] = useState<DirectorMarkList | null>(null);
  const [kind, setKind] = useState<MarkKind>('act');
  const [label, setLabel] = useState('');
  const [at, setAt] = useState('');

  const refresh = useCallback(async () => {
    try {
      setList(await marksApi.list(token));
    } catch (err) {
      onError(err);
    }
  }, [token, onError]);

  useEffect(() => {
    void refresh();
    const id = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(id);
  }, [refresh]);

  const add = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const text = label.trim();
    if (text === '') return;
    try {
      await marksApi.create(token, { kind, label: text, ...(at.trim() === '' ? {} : { at: at.trim() }) });
      setLabel('');
      setAt('');
      await refresh();
    } catch (err) {
      onError(err);
    }
  };
  const remove = async (id: string) => {
    try {
      await marksApi.remove(token, id);
      await refresh();
    } catch (err) {
      onError(err);
    }
  };

  return (
    <section className="director-marks" aria-label={t('marks.title')} data-testid="marks">
      <h2>
        {t('marks.title')}
        {list !== null && <small> · {t('marks.count', { count: list.marks.length, max: MAX_MARKS_PER_SHOW })}</small>}
      </h2>
      <form className="director-marks-form" onSubmit={(e) => void add(e)}>
        <label>
          {t('marks.kind')}
          <select value={kind} onChange={(e) => setKind(e.target.value as MarkKind)} data-testid="mark-kind">
            {MARK_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`marks.kind.${k}` as StringKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="director-marks-label">
          {t('marks.label')}
          <input
            value={label}
            maxLength={MAX_MARK_LABEL}
            onChange={(e) => setLabel(e.target.value)}
            data-testid="mark-label"
          />
        </label>
        <label>
          {t('marks.at')}
          <input
            value={at}
            placeholder="2015-11-11T20:30:00+08:00"
            onChange={(e) => setAt(e.target.value)}
            data-testid="mark-at"
          />
        </label>
        <button type="submit" disabled={label.trim() === ''} data-testid="mark-add">
          {t('marks.add')}
        </button>
      </form>
      {list !== null && list.marks.length === 0 ? (
        <p>{t('marks.empty')}</p>
      ) : (
        <ol data-testid="mark-list">
          {list?.marks.map((m) => (
            <li key={m.id} data-kind={m.kind} data-id={m.id}>
              <time dateTime={m.at}>{zonedClock(Date.parse(m.at), list.timeZone)}</time>{' '}
              <span className="director-mark-kind">{t(`marks.kind.${m.kind}` as StringKey)}</span>{' '}
              <strong>{m.label}</strong> <span>{m.who}</span>{' '}
              <button type="button" onClick={() => void remove(m.id)} data-testid="mark-remove">
                {t('marks.remove')}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
