import { useEffect, useRef, useState } from 'react';
import { IDLE_STUDENT_VIEW, type StudentViewState } from '../../shared/studentView';
import { mediaObjectUrl } from '../capture/stillMedia';
import { useCameraStream } from '../capture/useCameraStream';
import { useDslrLiveView } from '../capture/useDslrLiveView';
import { GuideOverlay } from '../components/GuideOverlay';
import { useConnectionState } from '../hooks/useConnectionState';
import { useRpc } from '../hooks/useRpc';
import { useRpcEvent } from '../hooks/useRpcEvent';
import { useWindowKeydown } from '../hooks/useWindowKeydown';

/** Live view for the student: the station camera again, at a size a second screen needs. */
const STUDENT_RESOLUTION = { width: 1280, height: 720 };

/**
 * The student's screen (issue 15), a second window facing the student: the live view mirrored (as
 * in a mirror, which is how people correct their pose) with the guide overlay and one large
 * instruction at a time, then the finished photo with 请确认照片. It shows nobody's name and holds
 * nothing but what the capture screen publishes; always in both languages, Chinese first, sized to
 * be read from the chair.
 */
export function StudentScreen() {
  const client = useRpc();
  const { openCount } = useConnectionState();
  const [view, setView] = useState<StudentViewState>(IDLE_STUDENT_VIEW);
  const [photo, setPhoto] = useState<{ captureId: string; url: string } | null>(null);

  // Attach on every (re)connection: the station treats each socket as a new display.
  useEffect(() => {
    let current = true;
    client.call('studentView.attach', {}).then(
      (state) => current && setView(state),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [client, openCount]);
  useRpcEvent('studentView.changed', setView);

  const wantPhoto = view.phase === 'confirm' ? view.captureId : null;
  useEffect(() => {
    if (wantPhoto === null || photo?.captureId === wantPhoto) return;
    let current = true;
    client
      .call('studentView.photoUrl', {})
      .then(({ url }) => (current && url !== null ? mediaObjectUrl(client, url) : null))
      .then(
        (objectUrl) => {
          if (objectUrl === null) return;
          if (!current) return URL.revokeObjectURL(objectUrl);
          setPhoto((old) => {
            if (old) URL.revokeObjectURL(old.url);
            return { captureId: wantPhoto, url: objectUrl };
          });
        },
        () => undefined,
      );
    return () => {
      current = false;
    };
  }, [client, wantPhoto, photo?.captureId]);

  // The student confirms with a click on this screen or Enter / Space on its keyboard.
  const confirm = () => {
    if (view.phase !== 'confirm' || view.captureId === null || view.confirmed) return;
    client.call('studentView.confirm', { captureId: view.captureId }).then(setView, () => undefined);
  };
  useWindowKeydown((event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      confirm();
    }
  });

  const showLive = view.phase === 'live' || view.phase === 'working';
  const webcam = useCameraStream(showLive && view.camera === 'webcam', STUDENT_RESOLUTION).stream;
  // A DSLR's live view comes as the frames the photographer's screen asked for, relayed here.
  const dslr = useDslrLiveView(showLive && view.camera === 'dslr', { ask: false }).stream;
  const stream = view.camera === 'dslr' ? dslr : view.camera === 'webcam' ? webcam : null;
  const video = useRef<HTMLVideoElement>(null);
  const [frame, setFrame] = useState({ width: 1280, height: 720 });
  useEffect(() => {
    const v = video.current;
    if (!v) return;
    v.srcObject = stream;
    const onSize = () => v.videoWidth > 0 && setFrame({ width: v.videoWidth, height: v.videoHeight });
    v.addEventListener('loadedmetadata', onSize);
    v.addEventListener('resize', onSize);
    return () => {
      v.removeEventListener('loadedmetadata', onSize);
      v.removeEventListener('resize', onSize);
    };
  }, [stream, showLive]);

  return (
    <main className="student-screen-view" data-testid="student-screen" data-phase={view.phase}>
      {showLive && (
        <div className="student-live">
          <div className="student-mirror">
            <video ref={video} autoPlay muted playsInline data-testid="student-video" />
            {view.spec && stream && <GuideOverlay spec={view.spec} frameWidth={frame.width} frameHeight={frame.height} state={view.allGood ? 'good' : 'bad'} />}
          </div>
          <Instruction view={view} />
        </div>
      )}
      {view.phase === 'confirm' && (
        <div className="student-confirm">
          {photo && photo.captureId === view.captureId && <img className="student-photo" src={photo.url} alt="" data-testid="student-photo" />}
          <div className="student-confirm-words">
            {view.confirmed ? (
              <Big zh="已确认，谢谢" en="Confirmed, thank you" testId="student-confirm-text" tone="good" />
            ) : (
              <>
                <Big zh="请确认照片" en="Please check your photo" testId="student-confirm-text" tone="info" />
                <button type="button" className="student-confirm-button" onClick={confirm} data-testid="student-confirm">
                  <span lang="zh-CN">确认无误（回车）</span>
                  <span lang="en">It is fine (Enter)</span>
                </button>
              </>
            )}
            {view.hint && <Big zh={`如需重拍，请注意：${view.hint.zh}`} en={`If we retake: ${view.hint.en}`} testId="student-instruction" check={view.hint.id} tone="fix" small />}
          </div>
        </div>
      )}
      {view.phase === 'done' && <Big zh="拍摄完成，谢谢！" en="All done, thank you!" testId="student-done" tone="good" />}
      {view.phase === 'idle' && <Big zh="请稍候，马上为您拍摄" en="Please wait, you are next" testId="student-idle" tone="info" />}
    </main>
  );
}

function Instruction({ view }: { view: StudentViewState }) {
  if (view.phase === 'working') return <Big zh="请保持不动，正在检查照片" en="Hold still, checking the photo" testId="student-working" tone="info" />;
  if (view.hint) return <Big zh={view.hint.zh} en={view.hint.en} testId="student-instruction" check={view.hint.id} tone="fix" />;
  if (view.allGood) return <Big zh="很好，保持不动" en="Good, hold still" testId="student-instruction" tone="good" />;
  return <Big zh="请看镜头，对准框线" en="Look at the camera, inside the frame" testId="student-instruction" tone="info" />;
}

function Big({ zh, en, testId, check, tone, small }: { zh: string; en: string; testId: string; check?: string; tone: 'fix' | 'good' | 'info'; small?: boolean }) {
  return (
    <p className={`student-words student-words-${tone} ${small ? 'student-words-small' : ''}`} data-testid={testId} data-check={check} role="status" aria-live="polite">
      <span lang="zh-CN" className="student-words-zh">
        {zh}
      </span>
      <span lang="en" className="student-words-en">
        {en}
      </span>
    </p>
  );
}
