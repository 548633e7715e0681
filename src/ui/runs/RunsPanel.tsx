// The runs this browser keeps (src/worker/persist.ts): each with its name, date, data, models and
// best validation loss, to open, rename, duplicate, delete or export as one file (and import such a
// file from another browser); whether the run in place is saved; and how much
// of the browser's storage they take.

import { useEffect, useState } from 'react';
import { formatBytes } from '../../data/limits';
import type { RunMeta } from '../../worker/protocol';
import { deleteRun, duplicateRun, exportRun, importRun, openRun, renameRun } from '../engine';
import { Panel } from '../Panel';
import { useStore } from '../store';

export function RunsPanel() {
  const runs = useStore((s) => s.savedRuns);
  const available = useStore((s) => s.storageAvailable);
  return (
    <Panel title="Saved runs" id="runs-panel">
      <SaveStatus />
      {available && runs.length === 0 && <p className="muted small">None yet: a run is saved as it trains.</p>}
      <ul className="runs-list" data-testid="runs-list">
        {runs.map((run) => (
          <RunRow key={run.id} run={run} />
        ))}
      </ul>
      {available && <ImportRun />}
      {available && <StorageUsed runs={runs} />}
    </Panel>
  );
}

function SaveStatus() {
  const state = useStore((s) => s.saveState);
  const step = useStore((s) => s.savedStep);
  const available = useStore((s) => s.storageAvailable);
  const saved = useStore((s) => s.currentRunId !== null);
  const text = !available
    ? 'This browser offers no storage: runs are not saved.'
    : state === 'saved' && saved
      ? `Saved at step ${step.toLocaleString()}.`
      : state === 'unsaved'
        ? 'Unsaved: saved every few seconds while training, and on pause.'
        : state === 'failed'
          ? 'The last save failed: the run goes on unsaved.'
          : 'Nothing to save yet: a run is saved once it has trained.';
  return (
    <p className="small muted" data-testid="save-status" data-state={state ?? 'none'}>
      {text}
    </p>
  );
}

function RunRow({ run }: { run: RunMeta }) {
  const current = useStore((s) => s.currentRunId === run.id);
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(run.name);
  const data = run.source.kind === 'builtin' ? run.source.id : run.source.name;
  const commit = () => {
    setEditing(false);
    const trimmed = name.trim();
    if (trimmed && trimmed !== run.name) renameRun(run.id, trimmed);
    else setName(run.name);
  };
  return (
    <li className="runs-row" data-testid="saved-run">
      {editing ? (
        <input
          aria-label="Run name"
          value={name}
          autoFocus
          onChange={(e) => setName(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') {
              setName(run.name);
              setEditing(false);
            }
          }}
        />
      ) : (
        <strong className="runs-name">
          {run.name}
          {current && <span className="muted"> (this run)</span>}
        </strong>
      )}
      <span className="small muted">
        {new Date(run.saved).toLocaleString()} · {data} · {run.models.join(', ')} · step {run.step.toLocaleString()}
        {run.bestValidation !== null && <> · best val {run.bestValidation.toPrecision(4)}</>}
      </span>
      <span className="runs-actions">
        <button type="button" className="link" disabled={current} onClick={() => openRun(run)}>
          Open
        </button>
        <button
          type="button"
          className="link"
          onClick={() => {
            setName(run.name);
            setEditing(true);
          }}
        >
          Rename
        </button>
        <button type="button" className="link" onClick={() => duplicateRun(run.id)}>
          Duplicate
        </button>
        <button type="button" className="link" onClick={() => deleteRun(run.id)}>
          Delete
        </button>
        <button type="button" className="link" data-testid="export-run" title="Download this run as one file, to import in another browser" onClick={() => exportRun(run.id)}>
          Export
        </button>
      </span>
    </li>
  );
}

/** Picks a run file (exported from a runs list) and adds it to the saved runs. */
function ImportRun() {
  return (
    <label className="small import-run">
      <span className="link">Import run…</span>
      <input
        type="file"
        data-testid="import-run"
        accept=".timestep-run"
        hidden
        onChange={async (e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) importRun(file.name, await file.arrayBuffer());
        }}
      />
    </label>
  );
}

/** What the browser says this site stores (saved runs, mostly) and allows. */
function StorageUsed({ runs }: { runs: RunMeta[] }) {
  const [estimate, setEstimate] = useState<{ usage: number; quota: number } | null>(null);
  useEffect(() => {
    let live = true;
    navigator.storage
      ?.estimate()
      .then((e) => live && setEstimate({ usage: e.usage ?? 0, quota: e.quota ?? 0 }))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [runs]);
  if (!estimate) return null;
  return (
    <p className="small muted" data-testid="storage-used">
      Storage used: {formatBytes(estimate.usage)} of {formatBytes(estimate.quota)}.
    </p>
  );
}
