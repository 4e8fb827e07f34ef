import { useState } from 'react';
import type { Verdict } from '../../shared/vision/verdict';

interface Props {
  url: string;
  verdict: Verdict;
  captureId: string;
  alt: string;
}

/**
 * The finished photo with what a finish check found on it outlined (a leftover of the old background,
 * filler where the still did not reach), so the photographer sees where before deciding to retake.
 * The outline is drawn over the picture on screen only; the file is never marked.
 */
export function FinishedPhotoView({ url, verdict, captureId, alt }: Props) {
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const regions = verdict.checks.flatMap((c) => (c.status === 'pass' ? [] : (c.regions ?? [])));
  return (
    <span style={{ position: 'relative', display: 'inline-block' }}>
      <img
        className="finished-photo"
        src={url}
        alt={alt}
        data-testid="finished-photo"
        data-capture-id={captureId}
        onLoad={(e) => setSize({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })}
      />
      {size && regions.length > 0 && (
        // Inset by the photo's 2 px border; the photo fills its box (3:4 in a 3:4 box).
        <svg
          data-testid="finish-regions"
          viewBox={`0 0 ${size.width} ${size.height}`}
          preserveAspectRatio="xMidYMid meet"
          style={{ position: 'absolute', left: 2, top: 2, width: 'calc(100% - 4px)', height: 'calc(100% - 4px)', pointerEvents: 'none' }}
          aria-hidden="true"
        >
          {regions.map((r, i) => (
            <rect key={i} x={r.x - 3} y={r.y - 3} width={r.width + 6} height={r.height + 6} fill="none" stroke={r.kind === 'uncovered' ? '#ff9800' : '#e53935'} strokeWidth={4} strokeDasharray="10 6" />
          ))}
        </svg>
      )}
    </span>
  );
}
