import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { needsIdentityConfirmation, type FaceIssue, type FaceMatchDecision, type FaceMatchView, type SidedIssue } from '../../shared/faceMatch/decision';
import { useHoldScans } from '../navigation/scanGuard';

/** What the screen knows of the student's admission photo: undefined while loading. */
export interface AdmissionPhotoState {
  present: boolean;
  photoUrl: string | null;
  issues: FaceIssue[];
}

interface Props {
  admission: AdmissionPhotoState | undefined;
  /** The shot being judged (finished photo), when there is one. */
  capturedUrl: string | null;
  /** undefined: being computed; null: nothing to compare (no admission photo, or no shot yet). */
  match: FaceMatchView | null | undefined;
  /** Given on the capture screen: the reason field appears when the decision needs a person. */
  reason?: string;
  onReason?: (reason: string) => void;
}

const DECISION_COLOURS: Record<FaceMatchDecision, string> = {
  比对通过: '#1b7f3b',
  比对不通过: '#b3261e',
  需人工确认: '#9a6700',
  未比对: '#555555',
};

const photoImg: CSSProperties = { width: '100%', height: '100%', objectFit: 'contain' };

function ReasonField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  // A barcode scanner's burst must not land in the reason.
  useHoldScans();
  return (
    <label className="student-field" style={{ display: 'block', marginTop: '0.5rem' }}>
      <span>{t('faceMatch.reasonLabel')}</span>
      <input value={value} onChange={(e) => onChange(e.target.value)} maxLength={200} placeholder={t('faceMatch.reasonPlaceholder')} data-testid="face-match-reason" />
    </label>
  );
}

/**
 * The admission photo and the shot side by side, with the similarity and the decision
 * (比对通过 / 比对不通过 / 需人工确认 / 未比对). A decision that needs a person asks for a reason.
 */
export function FaceMatchPanel({ admission, capturedUrl, match, reason, onReason }: Props) {
  const { t } = useTranslation();
  const decision: FaceMatchDecision | null = admission && !admission.present ? '未比对' : (match?.decision ?? null);
  const issueText = (i: SidedIssue) => t(`faceMatch.issues.${i.code}`, { side: t(`faceMatch.side.${i.side}`) });
  const admissionIssues: SidedIssue[] = match ? match.issues : (admission?.issues ?? []).map((code) => ({ side: 'admission', code }));
  return (
    <section className="face-match" data-testid="face-match" data-decision={decision ?? 'pending'}>
      <h2>{t('faceMatch.title')}</h2>
      <div style={{ display: 'flex', gap: '0.75rem', alignItems: 'flex-start', flexWrap: 'wrap' }}>
        <figure style={{ margin: 0 }}>
          <div className="face-match-photo" data-testid="face-match-admission-photo">
            {admission === undefined ? null : admission.photoUrl ? (
              <img src={admission.photoUrl} alt={t('faceMatch.admission')} style={photoImg} />
            ) : (
              <span className="muted">{admission.present ? t('faceMatch.noAdmissionPhotoFile') : t('student.noAdmissionPhoto')}</span>
            )}
          </div>
          <figcaption className="muted">{t('faceMatch.admission')}</figcaption>
        </figure>
        {capturedUrl !== null && (
          <figure style={{ margin: 0 }}>
            <div className="face-match-photo">
              <img src={capturedUrl} alt={t('faceMatch.captured')} style={photoImg} />
            </div>
            <figcaption className="muted">{t('faceMatch.captured')}</figcaption>
          </figure>
        )}
        <div style={{ minWidth: 120, flex: 1 }}>
          {decision !== null ? (
            <p className="face-match-decision" style={{ color: DECISION_COLOURS[decision] }} data-testid="face-match-decision">
              {t(`faceMatch.decision.${decision}`)}
            </p>
          ) : (
            capturedUrl !== null && <p className="muted">{t('faceMatch.comparing')}</p>
          )}
          {admission && !admission.present && <p className="muted">{t('faceMatch.noAdmission')}</p>}
          {match && (
            <p data-testid="face-match-score">
              {match.score === null ? t('faceMatch.noScore') : t('faceMatch.score', { score: match.score.toFixed(2), threshold: match.threshold.toFixed(2) })}
            </p>
          )}
          {admissionIssues.length > 0 && (
            <ul style={{ margin: '0.25rem 0', paddingLeft: '1.2rem' }} data-testid="face-match-issues">
              {admissionIssues.map((i) => (
                <li key={`${i.side}:${i.code}`} data-issue={i.code}>
                  {issueText(i)}
                </li>
              ))}
            </ul>
          )}
          {match && needsIdentityConfirmation(match.decision) && onReason && (
            <div className="message message-warn" data-testid="face-match-confirm">
              <p className="message-primary">{t('faceMatch.confirmNeeded')}</p>
              <ReasonField value={reason ?? ''} onChange={onReason} />
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
