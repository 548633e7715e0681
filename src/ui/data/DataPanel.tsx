import { Panel } from '../Panel';
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
      <DataPreview />
    </Panel>
  );
}
