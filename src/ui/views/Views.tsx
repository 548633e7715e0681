// The main area's live views, each its own small component.

import { ActionAlert } from './ActionAlert';
import { BpttView } from './BpttView';
import { ComparisonView } from './ComparisonView';
import { ConfigAlert } from './ConfigAlert';
import { DecodeView } from './DecodeView';
import { ForecastView } from './ForecastView';
import { GpuAlert } from './GpuAlert';
import { GradientTimeView } from './GradientTimeView';
import { HeatmapView } from './HeatmapView';
import { LessonNote } from '../lessons/LessonsPanel';
import { LossView } from './LossView';
import { NonFiniteAlert } from './NonFiniteAlert';
import { ParamNormView } from './ParamNormView';
import { PredictionView } from './PredictionView';
import { SaveAlert } from '../runs/SaveAlert';
import { ScanView } from './ScanView';
import { StatusLine } from './StatusLine';
import { TextSampleView } from './TextSampleView';
import { MusicView } from '../music/MusicView';

export function Views() {
  return (
    <>
      <StatusLine />
      <LessonNote />
      <GpuAlert />
      <ConfigAlert />
      <ActionAlert />
      <NonFiniteAlert />
      <SaveAlert />
      <div className="view-grid">
        <ComparisonView />
        <LossView />
        <PredictionView />
        <DecodeView />
        <TextSampleView />
        <MusicView />
        <ForecastView />
        <GradientTimeView />
        <HeatmapView />
        <ScanView />
        <ParamNormView />
        <BpttView />
      </div>
    </>
  );
}
