// The "⤓ CSV · PNG" control in a chart's header: the CSV from the data the chart is drawn from
// (./chartCsv.ts), the PNG from the view as it is on screen (./download.ts).

import { useRef, useState } from 'react';
import type { Table } from './csv';
import { downloadBlob, downloadCsv, viewPng } from './download';

export interface ChartExportProps {
  /** File name stem: "loss" gives timestep-loss.csv and timestep-loss.png. */
  name: string;
  /** The table to download; null while there is nothing to export. Absent for a diagram (PNG only). */
  csv?: () => Table | null;
  /** False for a table view (the comparison), which downloads only as CSV. */
  png?: boolean;
}

export function ChartExport({ name, csv, png = true }: ChartExportProps) {
  const ref = useRef<HTMLSpanElement>(null);
  const [busy, setBusy] = useState(false);
  const saveCsv = () => {
    const table = csv?.();
    if (table) downloadCsv(`timestep-${name}.csv`, table);
  };
  const savePng = async () => {
    const view = ref.current?.closest<HTMLElement>('section.view');
    if (!view) return;
    setBusy(true);
    try {
      const blob = await viewPng(view);
      if (blob) downloadBlob(`timestep-${name}.png`, blob);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="chart-export small" ref={ref}>
      ⤓{' '}
      {csv && (
        <button type="button" className="link" data-testid={`export-csv-${name}`} title={`Download the data behind this ${png ? 'chart' : 'table'} as CSV`} onClick={saveCsv}>
          CSV
        </button>
      )}
      {png && (
        <>
          {csv && ' · '}
          <button type="button" className="link" data-testid={`export-png-${name}`} title="Download this chart as a PNG image" disabled={busy} onClick={() => void savePng()}>
            PNG
          </button>
        </>
      )}
    </span>
  );
}
