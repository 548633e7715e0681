import { Panel } from '../Panel';
import { SettingError } from '../SettingError';
import { useStore } from '../store';
import { BuiltinPicker } from './BuiltinPicker';
import { DataPreview } from './DataPreview';
import { FileDrop } from './FileDrop';
import { LoadStatus } from './LoadStatus';

export function DataPanel() {
  return (
    <Panel title="Data" id="data-panel">
      <BuiltinPicker />
      <FileDrop />
      <LoadStatus />
      <SettingError scope="data" />
      <RunWarnings />
      <DataPreview />
    </Panel>
  );
}

/** What preparing the data for the run worked around (e.g. a validation split too short to use). */
function RunWarnings() {
  const warnings = useStore((s) => s.runWarnings);
  if (warnings.length === 0) return null;
  return (
    <div className="hint warn" data-testid="run-warnings">
      {warnings.map((w) => (
        <p key={w}>{w}</p>
      ))}
    </div>
  );
}
