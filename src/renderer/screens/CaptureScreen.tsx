import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CheckId } from '../../shared/spec/specProfile';
import { bestShot, processShot, warmShot, type ShotResult } from '../capture/processShot';
import { FinishedPhotoView } from '../capture/FinishedPhotoView';
import { grabStill } from '../capture/grabStill';
import { mediaObjectUrl, uploadStill } from '../capture/stillMedia';
import { useCameraStream } from '../capture/useCameraStream';
import { useDslrLiveView } from '../capture/useDslrLiveView';
import { HeldShotsPanel } from '../components/HeldShotsPanel';
import { DslrSettingsPanel } from '../components/camera/DslrSettingsPanel';
import { inLanguage } from '../format/bilingual';
import { useLanguage } from '../hooks/useLanguage';
import { ErrorMessage } from '../components/ErrorMessage';
import { FaceMatchPanel } from '../components/FaceMatchPanel';
import { useAdmissionPhoto } from '../capture/useAdmissionPhoto';
import { needsIdentityConfirmation, type FaceMatchView } from '../../shared/faceMatch/decision';
import { LocalError } from '../format/describeError';
import { DeferredKey } from '../input/deferredKey';
import { GuideOverlay } from '../components/GuideOverlay';
import { LiveFeedbackPanel } from '../components/LiveFeedbackPanel';
import { OverrideForm } from '../components/OverrideForm';
import { VerdictList } from '../components/VerdictList';
import { useLoader } from '../hooks/useLoader';
import { useRpc } from '../hooks/useRpc';
import { useRpcEvent } from '../hooks/useRpcEvent';
import { SCAN_BURST_EVENT } from '../hooks/useScannerWedge';
import { useWindowKeydown } from '../hooks/useWindowKeydown';
import type { CheckinOutcome } from '../navigation/screens';
import { useLiveVision } from '../vision/useLiveVision';
import { playCue } from '../sound/soundCues';
import { orderedHints } from '../vision/liveHintOrder';
import { findElectronBridge } from '../rpc/electronBridge';
import { usePublishStudentView } from '../capture/usePublishStudentView';

interface Props {
  studentName: string;
  outcome: CheckinOutcome;
  onBack: () => void;
}

/** Keys a photographer's shutter may send: Space and Enter on the keyboard, and what USB foot
 * pedals usually emit (PageDown, F9, B) when set up as a keyboard. */
const SHUTTER_KEYS = new Set([' ', 'Enter', 'PageDown', 'F9', 'b', 'B']);

function isTextField(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && target.closest('input:not([type="checkbox"]), textarea, select') !== null;
}

const inElectron = findElectronBridge(window) !== null;

const AUTO_KEY = 'campus-capture.autoCapture';
function rememberedAutoCapture(): boolean {
  try {
    return localStorage.getItem(AUTO_KEY) === 'on';
  } catch {
    return false;
  }
}
function rememberAutoCapture(on: boolean): void {
  try {
    localStorage.setItem(AUTO_KEY, on ? 'on' : 'off');
  } catch {
    // A profile without storage forgets; auto-capture then starts off, the safe side.
  }
}

type Phase = { kind: 'live' } | { kind: 'working' } | { kind: 'accepting'; failed: CheckId[] } | { kind: 'accepted' };

/**
 * Shoot, see the finished photo and its verdict, shoot again or accept. Several shots per student;
 * the best verdict is pre-selected; a failed check is accepted only with a reason.
 */
export function CaptureScreen({ studentName, outcome, onBack }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const video = useRef<HTMLVideoElement>(null);
  const begin = useLoader(() => client.call('capture.begin', { orderId: outcome.orderId }), [client, outcome.orderId]);
  const camera = useLoader(() => client.call('camera.get', {}), [client]);
  const kind = camera.data?.kind ?? null;
  const spec = begin.data?.spec ?? null;
  const { stream: webcam, failure } = useCameraStream(kind === 'uvc');
  // A tethered DSLR's live view (gphoto2 on the main side) arrives as a stream too: the same
  // preview, guide overlay and live-vision loop run on it.
  const dslrLive = useDslrLiveView(kind === 'gphoto2');
  const stream = kind === 'gphoto2' ? dslrLive.stream : webcam;
  const dslr = kind === 'gphoto2' ? (camera.data?.dslr ?? null) : null;
  const { language } = useLanguage();
  const [triggering, setTriggering] = useState(false);
  // Shots from a main-side camera stop being filed to this student once the screen is left.
  useEffect(() => () => void client.call('capture.end', { orderId: outcome.orderId }).catch(() => undefined), [client, outcome.orderId]);
  const [frame, setFrame] = useState({ width: 1280, height: 720 });
  const [shots, setShots] = useState<ShotResult[]>([]);
  const [selected, setSelected] = useState(-1);
  const [phase, setPhase] = useState<Phase>({ kind: 'live' });
  const [error, setError] = useState<unknown>(null);
  const [autoCapture, setAutoCapture] = useState(rememberedAutoCapture);
  // The live loop pauses while a still is measured, so the two do not compete for the CPU.
  const live = useLiveVision(stream ? video.current : null, spec, (kind === 'uvc' || kind === 'gphoto2') && phase.kind === 'live');

  // The still engine loads its models while the live view starts, not on the first shot.
  useEffect(() => warmShot(), []);
  useEffect(() => {
    const v = video.current;
    if (!v) return;
    v.srcObject = stream;
    const onSize = () => v.videoWidth > 0 && setFrame({ width: v.videoWidth, height: v.videoHeight });
    v.addEventListener('loadedmetadata', onSize);
    // A DSLR's frames may change size (another body, a restarted live view): the canvas stream resizes.
    v.addEventListener('resize', onSize);
    return () => {
      v.removeEventListener('loadedmetadata', onSize);
      v.removeEventListener('resize', onSize);
    };
  }, [stream]);

  // Finished photos are object URLs; they are released when the student's screen goes.
  const objectUrls = useRef<string[]>([]);
  useEffect(() => () => objectUrls.current.forEach((u) => URL.revokeObjectURL(u)), []);
  // The deferred shortcuts run after a pause; they must see the phase of that moment.
  const phaseRef = useRef<Phase['kind']>('live');
  useEffect(() => {
    phaseRef.current = phase.kind;
  }, [phase.kind]);

  const addShot = useCallback(
    async (captureId: string) => {
      if (!spec) return;
      setPhase({ kind: 'working' });
      setError(null);
      try {
        const shot = await processShot(client, spec, captureId);
        if (shot.finishedUrl) objectUrls.current.push(shot.finishedUrl);
        playCue(shot.finishedUrl && shot.verdict.status !== 'fail' ? 'shot-passed' : 'shot-failed');
        setShots((prev) => {
          const next = [...prev, shot];
          // The photographer judges the shot just taken: it is shown at once, the best stays marked.
          setSelected(next.length - 1);
          return next;
        });
      } catch (caught) {
        setError(caught);
      } finally {
        setPhase((p) => (p.kind === 'working' ? { kind: 'live' } : p));
      }
    },
    [client, spec],
  );

  // Coming back to a student (Esc, a reload, a crash) shows the shots already taken as they were
  // judged; a shot whose finishing never completed is finished now.
  const restoredFor = useRef<string | null>(null);
  useEffect(() => {
    const stored = begin.data?.captures;
    if (!stored || !spec || restoredFor.current === outcome.orderId) return;
    restoredFor.current = outcome.orderId;
    let current = true;
    const restore = async () => {
      const restored: ShotResult[] = [];
      for (const c of stored) {
        if (c.verdict) {
          let finishedUrl: string | null = null;
          if (c.finished) {
            const { url } = await client.call('capture.photoUrl', { captureId: c.id, which: 'finished' });
            finishedUrl = await mediaObjectUrl(client, url);
            objectUrls.current.push(finishedUrl);
          }
          restored.push({ captureId: c.id, finishedUrl, verdict: c.verdict, bytes: null, ...(c.beforeRejection ? { barred: { reason: c.rejectedReason } } : {}) });
        } else {
          const shot = await processShot(client, spec, c.id).catch(() => null);
          if (shot?.finishedUrl) objectUrls.current.push(shot.finishedUrl);
          if (shot) restored.push(shot);
        }
      }
      if (!current || restored.length === 0) return;
      setShots((prev) => {
        const next = [...restored, ...prev.filter((p) => !restored.some((r) => r.captureId === p.captureId))];
        setSelected(bestShot(next));
        return next;
      });
    };
    restore().catch((caught: unknown) => current && setError(caught));
    return () => {
      current = false;
    };
  }, [begin.data, spec, client, outcome.orderId]);

  useRpcEvent('camera.changed', () => camera.reload());
  // The hot folder and the simulated camera store shots on the main side and say so.
  useRpcEvent('capture.added', ({ orderId, captureId }) => {
    if (orderId === outcome.orderId && phase.kind !== 'accepted') void addShot(captureId);
  });

  const shoot = useCallback(async () => {
    if (phase.kind === 'working' || phase.kind === 'accepted') return;
    // A pedal pressed before the camera is up is said, not silently dropped.
    if (!spec || kind === null || (kind === 'uvc' && (!stream || !video.current))) {
      setError(new LocalError('errors.cameraNotReady'));
      return;
    }
    if (kind === 'simulated') {
      await client.call('camera.trigger', { orderId: outcome.orderId }).catch(setError);
      return;
    }
    if (kind === 'gphoto2') {
      // The DSLR shoots and the full-resolution file is stored on the main side; capture.added brings it here.
      if (triggering) return;
      setTriggering(true);
      setError(null);
      await client.call('camera.trigger', { orderId: outcome.orderId }).catch(setError);
      setTriggering(false);
      return;
    }
    if (kind !== 'uvc' || !video.current) return; // the hot folder shoots by itself
    setPhase({ kind: 'working' });
    setError(null);
    let captureId: string;
    try {
      const still = await grabStill(video.current);
      captureId = (await uploadStill(client, outcome.orderId, still)).captureId;
    } catch (caught) {
      setError(caught);
      setPhase({ kind: 'live' });
      return;
    }
    await addShot(captureId);
  }, [addShot, client, kind, outcome.orderId, phase.kind, spec, stream, triggering]);

  // Auto-capture: once every live check has been green for a moment, for the first shot only (a
  // retake is the photographer's call).
  useEffect(() => {
    if (autoCapture && live.feedback?.steady && shots.length === 0 && phase.kind === 'live') void shoot();
  }, [live.feedback?.steady]);

  const current = selected >= 0 ? shots[selected] : undefined;
  const best = bestShot(shots);

  // 录取照片比对: each finished shot is compared with the admission photo (on the main side, once).
  const { admission } = useAdmissionPhoto(begin.data?.studentId ?? null);
  const [matches, setMatches] = useState<Record<string, FaceMatchView | null>>({});
  const [faceReason, setFaceReason] = useState('');
  const currentId = current?.finishedUrl ? current.captureId : null;
  useEffect(() => {
    if (!currentId || !admission || currentId in matches) return;
    if (!admission.present) {
      setMatches((m) => ({ ...m, [currentId]: null }));
      return;
    }
    let live = true;
    client.call('faceMatch.capture', { captureId: currentId }).then(
      (r) => live && setMatches((m) => ({ ...m, [currentId]: r.match })),
      (caught: unknown) => live && setError(caught),
    );
    return () => {
      live = false;
    };
  }, [client, currentId, admission, matches]);
  const currentMatch = currentId ? matches[currentId] : undefined;
  const identityBlocked =
    currentId !== null && (currentMatch === undefined || (currentMatch !== null && needsIdentityConfirmation(currentMatch.decision) && faceReason.trim().length < 2));

  const accept = async (overrides: { checkId: CheckId; reason: string }[]) => {
    if (!current) return;
    setError(null);
    try {
      const match = matches[current.captureId];
      const faceMatchReason = match && needsIdentityConfirmation(match.decision) ? { faceMatchReason: faceReason.trim() } : {};
      await client.call('capture.accept', { orderId: outcome.orderId, captureId: current.captureId, overrides, ...faceMatchReason });
      setPhase({ kind: 'accepted' });
    } catch (caught) {
      setError(caught);
    }
  };

  const startAccept = () => {
    // Never while a retake is still being processed: the photographer would accept the old shot.
    if (!current || !current.finishedUrl || current.barred || phaseRef.current !== 'live') return;
    // A comparison still running, or one that did not pass without the photographer's reason, blocks.
    if (identityBlocked) {
      document.querySelector<HTMLInputElement>('[data-testid="face-match-reason"]')?.focus();
      return;
    }
    const failed = current.verdict.checks.filter((c) => c.status === 'fail').map((c) => c.id);
    if (failed.length === 0) void accept([]);
    else setPhase({ kind: 'accepting', failed });
  };

  // A scanner's burst must not shoot or accept: shortcuts wait for a moment of quiet.
  const deferred = useRef(new DeferredKey());
  useEffect(() => {
    const cancel = () => deferred.current.cancel();
    window.addEventListener(SCAN_BURST_EVENT, cancel);
    return () => {
      window.removeEventListener(SCAN_BURST_EVENT, cancel);
      cancel();
    };
  }, []);
  useWindowKeydown((event) => {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
    if (phase.kind === 'accepted') {
      if (event.key === 'Enter' || event.key === 'Escape') {
        event.preventDefault();
        onBack();
      }
      return;
    }
    if (phase.kind === 'accepting') return;
    const typing = isTextField(event.target);
    if (event.key === 'Escape') {
      event.preventDefault();
      onBack();
    } else if (SHUTTER_KEYS.has(event.key) && !typing) {
      // Whatever button has focus, a pedal press is the shutter, never "back" or "accept".
      event.preventDefault();
      if (!event.repeat) deferred.current.press(() => void shoot());
    } else if ((event.key === 'a' || event.key === 'A') && !typing) {
      event.preventDefault();
      if (!event.repeat) deferred.current.press(startAccept);
    } else if (event.key.length === 1) {
      deferred.current.press(null);
    } else if (event.key === 'ArrowLeft' && shots.length > 0) {
      setSelected((s) => Math.max(0, s - 1));
    } else if (event.key === 'ArrowRight' && shots.length > 0) {
      setSelected((s) => Math.min(shots.length - 1, s + 1));
    }
  });

  // The student's screen: one instruction at a time while guiding, then the photo to confirm; a
  // failed shot tells the student the first thing to fix for the next one.
  const firstHint = live.feedback && !live.feedback.allGood ? (orderedHints(live.feedback)[0] ?? null) : null;
  const firstFailure = current?.verdict.checks.find((c) => c.status === 'fail') ?? null;
  usePublishStudentView({
    phase: phase.kind === 'accepted' ? 'done' : phase.kind === 'working' ? 'working' : current?.finishedUrl ? 'confirm' : 'live',
    hint: current?.finishedUrl
      ? firstFailure && { id: firstFailure.id, zh: firstFailure.zh, en: firstFailure.en }
      : firstHint && { id: firstHint.id, zh: firstHint.zh, en: firstHint.en },
    allGood: current?.finishedUrl ? current.verdict.status !== 'fail' : (live.feedback?.allGood ?? false),
    camera: kind === 'uvc' ? 'webcam' : kind === 'gphoto2' && dslr?.liveView === 'on' ? 'dslr' : 'none',
    spec,
    captureId: current?.finishedUrl ? current.captureId : null,
    orderId: outcome.orderId,
  });
  // The student's confirmation of a shot, from their screen (recorded on the order by the station).
  const [studentConfirmed, setStudentConfirmed] = useState<ReadonlySet<string>>(new Set());
  useRpcEvent('studentView.changed', (view) => {
    const id = view.captureId;
    if (view.confirmed && id !== null) setStudentConfirmed((s) => (s.has(id) ? s : new Set(s).add(id)));
  });

  const shutterDisabled =
    (kind === 'uvc' && !stream) || (kind === 'gphoto2' && (triggering || dslr?.phase === 'absent' || dslr?.phase === 'searching')) || kind === 'hotfolder' || kind === null || !spec || phase.kind !== 'live';

  // One fixed frame: the live view and its feedback with the shutter on the left, the shot just
  // taken with its verdict and the accept button on the right. Only the verdict side scrolls.
  return (
    <main className="screen screen-kiosk capture-screen" data-testid="capture-screen" data-order-id={outcome.orderId} data-phase={phase.kind}>
      <div className="capture-heading">
        <h1 className="student-name" data-testid="capture-student-name">
          {studentName}
        </h1>
        <p className="muted">{t('capture.keys')}</p>
        {!inElectron && (
          // The web shell's student screen: the same page in a second window (it inherits this tab's
          // session storage, so the secret never appears in an address bar). Electron opens its own
          // on the second display.
          <button type="button" className="button button-quiet capture-student-screen" onClick={() => window.open('./#view=student', 'cc-student-screen', 'popup')} data-testid="open-student-screen">
            {t('capture.studentScreen')}
          </button>
        )}
      </div>
      {begin.error !== null && <ErrorMessage error={begin.error} />}
      <div className="capture-layout">
        <section className="capture-live">
          {dslr && (
            <div className={`message message-${dslr.fault?.severity === 'error' ? 'error' : dslr.fault ? 'warn' : 'info'} dslr-status`} data-testid="dslr-status" data-phase={dslr.phase} data-live-view={dslr.liveView} data-fault={dslr.fault?.code ?? ''}>
              <p className="message-primary">
                {t(`dslr.phase.${dslr.phase}`)}
                {dslr.model && ` · ${t('dslr.camera', { model: dslr.model, port: dslr.port ?? '' })}`}
                {dslr.phase !== 'absent' && ` · ${t(`dslr.liveView.${dslr.liveView}`)}`}
                {dslr.freeImages !== null && dslr.freeImages < 50 && ` · ${t('dslr.freeImages', { n: dslr.freeImages })}`}
              </p>
              {dslr.fault && (
                <>
                  <p data-testid="dslr-fault">{inLanguage(language, dslr.fault).primary}</p>
                  <p className="message-secondary">{inLanguage(language, dslr.fault).secondary}</p>
                </>
              )}
            </div>
          )}
          {kind === 'uvc' || (kind === 'gphoto2' && dslr?.liveView !== 'unsupported') ? (
            <div className="capture-preview" data-testid="capture-preview">
              <video ref={video} autoPlay muted playsInline data-testid="capture-video" data-source={kind} />
              {kind === 'gphoto2' && dslrLive.size === null && <p className="muted capture-waiting">{t('dslr.waitingFrames')}</p>}
              {spec && stream && (
                <GuideOverlay spec={spec} frameWidth={frame.width} frameHeight={frame.height} state={!live.feedback ? 'idle' : live.feedback.allGood ? 'good' : 'bad'} />
              )}
            </div>
          ) : (
            <p className="message message-info capture-remote" data-testid="capture-remote-camera">
              {kind === 'hotfolder'
                ? t(camera.data?.state === 'absent' ? 'capture.hotFolderAbsent' : 'capture.hotFolderWaiting', { folder: camera.data?.hotFolder ?? '' })
                : kind === 'gphoto2'
                  ? t('dslr.noLiveView')
                  : t('capture.simulated')}
            </p>
          )}
          {failure && (
            <p className="message message-warn" data-testid="capture-camera-failed" data-failure={failure}>
              {t('scan.cameraFailed', { reason: t(`scan.cameraErrors.${failure}`) })}
            </p>
          )}
          {live.error && (
            <p className="message message-warn" data-testid="live-error">
              {t('capture.liveFailed')}
            </p>
          )}
          <div className="capture-live-bar">
            <div className="capture-feedback">{spec && stream && phase.kind === 'live' && <LiveFeedbackPanel feedback={live.feedback} />}</div>
            <div className="capture-shutter">
              <button type="button" className="button button-primary button-large" onClick={() => void shoot()} disabled={shutterDisabled} data-testid="shutter">
                {phase.kind === 'working' ? t('capture.working') : triggering ? t('dslr.phase.capturing') : t('capture.shutter')}
              </button>
              {(kind === 'uvc' || (kind === 'gphoto2' && dslr?.liveView === 'on')) && (
                <label className="auto-capture">
                  <input
                    type="checkbox"
                    checked={autoCapture}
                    onChange={(e) => {
                      setAutoCapture(e.target.checked);
                      rememberAutoCapture(e.target.checked);
                    }}
                    data-testid="auto-capture"
                  />
                  {t('capture.autoCapture')}
                </label>
              )}
            </div>
          </div>
          {kind === 'gphoto2' && <HeldShotsPanel orderId={outcome.orderId} />}
          {kind === 'gphoto2' && <DslrSettingsPanel orderId={outcome.orderId} />}
        </section>
        <section className="capture-result">
          <div className="capture-result-body" data-testid="capture-result-body">
            {current ? (
              <div className="capture-shot">
                <div className="capture-shot-photo">
                  {current.finishedUrl ? (
                    <FinishedPhotoView url={current.finishedUrl} verdict={current.verdict} captureId={current.captureId} alt={t('capture.finishedAlt')} />
                  ) : (
                    <p className="message message-error" data-testid="no-face">
                      {t('capture.noFace')}
                    </p>
                  )}
                  <p className="capture-shot-which" data-testid="shot-which" data-newest={selected === shots.length - 1 ? 'true' : 'false'} data-best={selected === best ? 'true' : 'false'}>
                    {t('capture.shotOf', { n: selected + 1, count: shots.length })}
                    {selected === best && shots.length > 1 && <span className="badge badge-done">{t('capture.bestShot')}</span>}
                    {current.barred && (
                      <span className="badge badge-bad" data-testid="shot-barred">
                        {current.barred.reason ? t('order.rejectedShot', { reason: current.barred.reason }) : t('order.beforeRejection')}
                      </span>
                    )}
                    {studentConfirmed.has(current.captureId) && (
                      <span className="badge badge-info" data-testid="student-confirmed">
                        {t('capture.studentConfirmed')}
                      </span>
                    )}
                  </p>
                </div>
                <div className="capture-shot-facts">
                  {current.finishedUrl && <FaceMatchPanel admission={admission} capturedUrl={current.finishedUrl} match={currentMatch} reason={faceReason} onReason={setFaceReason} />}
                  <VerdictList verdict={current.verdict} />
                </div>
              </div>
            ) : (
              <p className="muted capture-no-shot">{t('capture.noShotYet')}</p>
            )}
            {shots.length > 1 && (
              <ol className="shot-strip" data-testid="shot-strip">
                {shots.map((s, i) => (
                  <li key={s.captureId}>
                    <button
                      type="button"
                      className={`shot ${i === selected ? 'shot-selected' : ''} shot-${s.verdict.status} ${i === best ? 'shot-best' : ''} ${s.barred ? 'shot-rejected' : ''}`}
                      onClick={() => setSelected(i)}
                      aria-pressed={i === selected}
                      aria-label={i === best ? `${i + 1} · ${t('capture.bestShot')}` : String(i + 1)}
                      data-best={i === best ? 'true' : 'false'}
                    >
                      {s.finishedUrl ? <img src={s.finishedUrl} alt="" /> : <span>{i + 1}</span>}
                      {i === best && <span className="shot-best-mark" aria-hidden>★</span>}
                    </button>
                  </li>
                ))}
              </ol>
            )}
            {error !== null && <ErrorMessage error={error} testId="capture-error" />}
            {phase.kind === 'accepting' && current && (
              <OverrideForm failed={phase.failed} verdict={current.verdict} onCancel={() => setPhase({ kind: 'live' })} onSubmit={(o) => void accept(o)} />
            )}
          </div>
          {phase.kind === 'accepted' ? (
            <div className="message message-info capture-footer" role="status" data-testid="capture-accepted">
              <p className="message-primary">{t('capture.accepted')}</p>
              <button type="button" className="button button-primary button-large" autoFocus onClick={onBack} data-testid="capture-next">
                {t('capture.next')}
              </button>
            </div>
          ) : (
            <div className="action-row capture-footer">
              <button type="button" className="button button-primary button-large" onClick={startAccept} disabled={!current?.finishedUrl || Boolean(current?.barred) || phase.kind !== 'live' || identityBlocked} data-testid="capture-accept">
                {t('capture.accept')}
              </button>
              <button type="button" className="button button-secondary button-large" onClick={onBack} data-testid="capture-back">
                {t('capture.back')}
              </button>
            </div>
          )}
        </section>
      </div>
    </main>
  );
}
