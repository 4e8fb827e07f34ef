import type { SpecProfile } from '../../shared/spec/specProfile';
import { guideTarget } from '../../shared/vision/liveGuidance';

interface Props {
  spec: SpecProfile;
  /** The camera frame's size; the overlay is laid out in its pixels, like the video under it. */
  frameWidth: number;
  frameHeight: number;
  /** Live feedback colours the oval: green when every live check is green. */
  state: 'idle' | 'good' | 'bad';
}

/**
 * Where the student's head should be, drawn over the preview: the spec's output window (3:4) as large
 * as the frame allows, and inside it, in the spec's own pixels, the head oval from crown to chin, the
 * band the eyes must fall in, the centre line and the shoulder line.
 */
export function GuideOverlay({ spec, frameWidth, frameHeight, state }: Props) {
  const { widthPx: W, heightPx: H } = spec.output;
  const g = spec.geometry;
  // The same window the live guidance measures against, so the drawing and the words agree.
  const target = guideTarget(spec, { width: frameWidth, height: frameHeight });
  const scale = target.scale;
  const ox = target.window.left;
  const oy = target.window.top;
  const crown = (g.crownFromTopPx[0] + g.crownFromTopPx[1]) / 2;
  const eyes = (g.eyesFromTopPx[0] + g.eyesFromTopPx[1]) / 2;
  // A face is about as long below the eyes as the head is above them.
  const chin = eyes + (eyes - crown) * 0.95;
  const faceW = (g.faceWidthPx[0] + g.faceWidthPx[1]) / 2 + (g.faceWidthPx[1] - g.faceWidthPx[0]) * 0.1;
  const shoulders = chin + (chin - crown) * 0.3;
  const colour = state === 'good' ? '#2ecc71' : state === 'bad' ? '#ffb000' : '#ffffff';
  return (
    <svg className="guide-overlay" viewBox={`0 0 ${frameWidth} ${frameHeight}`} preserveAspectRatio="xMidYMid meet" data-testid="guide-overlay" aria-hidden>
      <g transform={`translate(${ox} ${oy}) scale(${scale})`} fill="none" stroke={colour} strokeWidth={3 / scale + 2}>
        <rect x={0} y={0} width={W} height={H} strokeDasharray="12 8" opacity={0.7} />
        <rect x={0} y={g.eyesFromTopPx[0]} width={W} height={g.eyesFromTopPx[1] - g.eyesFromTopPx[0]} fill={colour} fillOpacity={0.08} stroke="none" />
        <ellipse cx={W / 2} cy={(crown + chin) / 2} rx={faceW / 2 + 14} ry={(chin - crown) / 2} data-testid="guide-oval" />
        <line x1={W * 0.2} x2={W * 0.8} y1={eyes} y2={eyes} data-testid="guide-eye-line" />
        <line x1={W / 2} x2={W / 2} y1={0} y2={H} strokeDasharray="6 10" opacity={0.8} />
        <line x1={W * 0.05} x2={W * 0.95} y1={shoulders} y2={shoulders} strokeDasharray="18 10" />
      </g>
    </svg>
  );
}
