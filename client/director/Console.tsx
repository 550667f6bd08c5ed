import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { AuditEntry, DirectorState } from '../../shared/director.js';
import { SCENES, type Scene, type SceneKind } from '../../shared/protocol.js';
import { t, type StringKey } from '../i18n/t.js';
import { milestoneAmount } from './amount.js';
import { DirectorError, directorApi, directorToken } from './api.js';
import { Cue } from './Cue.js';
import { Screens } from './Screens.js';
import { Marks } from './Marks.js';
import { FeedWatch } from './FeedWatch.js';

/** How often the console reads the program and the audit again (another director may act too). */
const REFRESH_MS = 2000;

function sceneName(scene: Scene): string {
  const name = t(`scene.${scene.kind}` as StringKey);
  return scene.milestone === undefined ? name : `${name} · ¥${scene.milestone}`;
}

function Monitor({
  label,
  scene,
  held,
  testId,
}: {
  label: string;
  scene: Scene;
  held?: number | null;
  testId: string;
}) {
  return (
    <section className={`director-monitor director-${testId}`} aria-label={label}>
      <div className="director-monitor-label">{label}</div>
      <div className="director-monitor-scene" data-testid={testId} data-scene={scene.kind} data-map={scene.map}>
        {sceneName(scene)}
        {scene.map === undefined
          ? ''
          : ` · ${t(scene.map === 'china' ? 'director.mapView.china' : 'director.mapView.world')}`}
      </div>
      {held !== undefined && (
        <div className={`director-monitor-hold${held !== null ? ' is-held' : ''}`} data-testid={`${testId}-hold`}>
          {held !== null ? t('director.held', { seq: held }) : t('director.live')}
        </div>
      )}
    </section>
  );
}

/** The director's console (/director): program and preview side by side, scenes, TAKE, HOLD/RELEASE, the audit. */
export function Console() {
  const [token, setToken] = useState<string | null>(() => directorToken.get());
  const [state, setState] = useState<DirectorState | null>(null);
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [milestone, setMilestone] = useState('');
  const [mapView, setMapView] = useState<'' | 'china' | 'world'>('');

  const fail = useCallback((err: unknown) => {
    if (err instanceof DirectorError && err.unauthorized) {
      directorToken.set(null);
      setToken(null);
      setState(null);
      setError(t('director.refused'));
    } else setError(t('director.failed', { message: err instanceof Error ? err.message : String(err) }));
  }, []);

  const refresh = useCallback(
    async (tk: string) => {
      try {
        const [s, a] = await Promise.all([directorApi.state(tk), directorApi.audit(tk)]);
        setState(s);
        setAudit(a.actions);
      } catch (err) {
        fail(err);
      }
    },
    [fail],
  );

  useEffect(() => {
    if (token === null) return;
    void refresh(token);
    const id = setInterval(() => void refresh(token), REFRESH_MS);
    return () => clearInterval(id);
  }, [token, refresh]);

  const run = async (action: (tk: string) => Promise<DirectorState>) => {
    if (token === null) return;
    try {
      setState(await action(token));
      setError(null);
      await refresh(token);
    } catch (err) {
      fail(err);
    }
  };

  if (token === null) {
    const signIn = (e: FormEvent<HTMLFormElement>) => {
      e.preventDefault();
      const value = String(new FormData(e.currentTarget).get('token') ?? '').trim();
      if (value === '') return;
      directorToken.set(value);
      setError(null);
      setToken(value);
    };
    return (
      <main className="director director-login" data-testid="director">
        <h1>{t('director.title')}</h1>
        <form onSubmit={signIn}>
          <label>
            {t('director.token')}
            <input name="token" type="password" autoComplete="off" data-testid="director-token" />
          </label>
          <button type="submit" data-testid="director-sign-in">
            {t('director.signIn')}
          </button>
        </form>
        {error && <p className="director-error">{error}</p>}
      </main>
    );
  }

  const amount = milestoneAmount(milestone);
  const choose = (kind: SceneKind) => {
    const scene: Scene =
      kind === 'milestone'
        ? { kind, milestone: amount! }
        : (kind === 'board' || kind === 'map') && mapView !== ''
          ? { kind, map: mapView }
          : { kind };
    void run((tk) => directorApi.preview(tk, scene));
  };
  const held = state?.program.held ?? false;

  return (
    <main className="director" data-testid="director">
      <header className="director-head">
        <h1>{t('director.title')}</h1>
        <button
          type="button"
          onClick={() => {
            directorToken.set(null);
            setToken(null);
            setState(null);
          }}
        >
          {t('director.signOut')}
        </button>
      </header>
      {error && <p className="director-error">{error}</p>}
      {state && (
        <div className="director-monitors">
          <Monitor
            label={t('director.program')}
            scene={state.program.scene}
            held={state.program.heldSeq}
            testId="program"
          />
          <Monitor label={t('director.preview')} scene={state.preview} testId="preview" />
        </div>
      )}
      <section className="director-scenes" aria-label={t('director.scenes')}>
        {SCENES.map((kind) => (
          <button
            key={kind}
            type="button"
            data-testid={`scene-${kind}`}
            className={state?.preview.kind === kind ? 'is-preview' : undefined}
            disabled={state === null || (kind === 'milestone' && amount === null)}
            onClick={() => choose(kind)}
          >
            {t(`scene.${kind}` as StringKey)}
          </button>
        ))}
        <label className="director-milestone">
          {t('director.milestone')}
          <input
            value={milestone}
            inputMode="decimal"
            placeholder="10000000000"
            onChange={(e) => setMilestone(e.target.value)}
            data-testid="milestone-amount"
          />
        </label>
        <label className="director-milestone">
          {t('director.mapView')}
          <select
            value={mapView}
            onChange={(e) => setMapView(e.target.value as '' | 'china' | 'world')}
            data-testid="map-view-choice"
          >
            <option value="">{t('director.mapView.screen')}</option>
            <option value="china">{t('director.mapView.china')}</option>
            <option value="world">{t('director.mapView.world')}</option>
          </select>
        </label>
      </section>
      <section className="director-actions">
        <button
          type="button"
          className="director-take"
          data-testid="take"
          disabled={state === null}
          onClick={() => void run((tk) => directorApi.act(tk, 'take'))}
        >
          {t('director.take')}
        </button>
        <button
          type="button"
          className={`director-hold${held ? ' is-held' : ''}`}
          data-testid={held ? 'release' : 'hold'}
          disabled={state === null}
          onClick={() => void run((tk) => directorApi.act(tk, held ? 'release' : 'hold'))}
        >
          {held ? t('director.release') : t('director.hold')}
        </button>
      </section>
      <Cue state={state} run={run} />
      <Screens token={token} onError={fail} />
      <Marks token={token} onError={fail} />
      <FeedWatch token={token} onRefused={fail} />
      <section className="director-audit" aria-label={t('director.audit')}>
        <h2>{t('director.audit')}</h2>
        {audit.length === 0 ? (
          <p>{t('director.auditEmpty')}</p>
        ) : (
          <ol data-testid="audit">
            {audit.map((a) => (
              <li key={`${a.at}-${a.rev}-${a.action}-${a.who}`} data-action={a.action}>
                <time dateTime={a.at}>{a.at.slice(11, 23)}</time> <span>{a.who}</span>{' '}
                <strong>{t(`director.action.${a.action}` as StringKey)}</strong> <span>{sceneName(a.scene)}</span>
                {a.heldSeq !== null && <span> · seq {a.heldSeq}</span>}
                {a.mode !== null && <span> · {a.mode}</span>}
                {a.crossedAt !== null && <span> · {t('director.crossedAt', { time: a.crossedAt.slice(11, 23) })}</span>}
              </li>
            ))}
          </ol>
        )}
      </section>
    </main>
  );
}
