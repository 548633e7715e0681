// Upload by file picker or drag and drop. Parsing happens in the worker; the limit is stated up
// front so nobody waits on a file that will be refused.

import { useRef, useState } from 'react';
import { MAX_FILE_LABEL } from '../../data/limits';
import { loadFile } from '../engine';

export function FileDrop() {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const take = (files: FileList | null) => {
    const file = files?.[0];
    if (file) void loadFile(file);
  };
  return (
    <div
      className={`drop${over ? ' over' : ''}`}
      data-testid="file-drop"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        take(e.dataTransfer.files);
      }}
    >
      <button type="button" onClick={() => input.current?.click()}>
        Upload a file…
      </button>
      <span className="muted"> or drop it here</span>
      <p className="hint">CSV, TSV, JSON or plain text, up to {MAX_FILE_LABEL}.</p>
      <input
        ref={input}
        type="file"
        hidden
        data-testid="file-input"
        accept=".csv,.tsv,.txt,.json,.dat,.mid,.midi,text/*,application/json,audio/midi"
        onChange={(e) => {
          take(e.target.files);
          e.target.value = '';
        }}
      />
    </div>
  );
}
