// A dataset on its way (progress bar) or one that could not be loaded (a message that says why,
// while the previous dataset stays in use).

import { useStore } from '../store';
import { refName } from '../state/dataSlice';

export function LoadStatus() {
  const loading = useStore((s) => s.loading);
  const error = useStore((s) => s.dataError);
  const current = useStore((s) => (s.summary ? s.summary.name : refName(s.dataRef)));
  const dismiss = useStore((s) => s.dismissDataError);
  return (
    <>
      {loading && (
        <div className="load-progress" data-testid="data-progress">
          <span>
            Loading {loading.name}
            {loading.rows > 0 && ` · ${loading.rows.toLocaleString()} rows`}
          </span>
          <progress max={1} value={loading.fraction} />
        </div>
      )}
      {error && (
        <div className="error-box" role="alert" data-testid="data-error">
          <strong>{error.message}</strong>
          {error.detail && <p>{error.detail}</p>}
          <p className="muted">Still using: {current}.</p>
          <button type="button" className="link" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      )}
    </>
  );
}
