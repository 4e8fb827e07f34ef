import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StudentCard, TaskSummary } from '../../shared/domain/entities';
import type { OrderStatus } from '../../shared/domain/status';
import { useAdmissionPhoto } from '../capture/useAdmissionPhoto';
import { CorrectionForm } from '../components/CorrectionForm';
import { ErrorMessage } from '../components/ErrorMessage';
import { Fact } from '../components/Fact';
import { OrderStatusBadge } from '../components/OrderStatusBadge';
import { OrderTakeBackPanel } from '../components/OrderTakeBackPanel';
import { OrderWarning } from '../components/OrderWarning';
import { ReservationSummary } from '../components/ReservationSummary';
import { isInteractiveTarget } from '../dom/rovingFocus';
import { useLoader } from '../hooks/useLoader';
import { useRpc } from '../hooks/useRpc';
import { useWindowKeydown } from '../hooks/useWindowKeydown';
import type { CheckinOutcome } from '../navigation/screens';

interface Props {
  task: TaskSummary;
  studentId: string;
  onBack: () => void;
  onCheckedIn: (student: StudentCard, outcome: CheckinOutcome) => void;
}

function joinPresent(...parts: (string | null)[]): string | null {
  const present = parts.filter((p): p is string => p !== null && p !== '');
  return present.length > 0 ? present.join(' / ') : null;
}

/** The main button says what pressing it will do for this student: a first check-in, going on
 * with a session already open, or a retake of a photo already taken (or rejected in review). */
function confirmLabel(status: OrderStatus | null): 'student.confirm' | 'student.continueCapture' | 'student.retake' {
  if (status === null || status === '已作废') return 'student.confirm';
  if (status === '已签到' || status === '采集中') return 'student.continueCapture';
  return 'student.retake';
}

export function StudentCardScreen({ task, studentId, onBack, onCheckedIn }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const card = useLoader(() => client.call('students.get', { taskCode: task.code, studentId }).then((r) => r.student), [client, task.code, studentId]);
  const [confirming, setConfirming] = useState(false);
  const [confirmError, setConfirmError] = useState<unknown>(null);
  const [correcting, setCorrecting] = useState(false);
  const [overrideReason, setOverrideReason] = useState('');
  const [corrected, setCorrected] = useState<string[] | null>(null);
  const student = card.data;
  const { admission } = useAdmissionPhoto(studentId);
  // A cancelled (perhaps refunded) reservation: the service refuses check-in without a reason.
  const needsOverride = student !== null && student.order === null && student.reservation?.state === 'cancelled';
  // The operator may leave (Esc, F2, F3) while the check-in is on its way; its answer must not
  // pull them back to the capture screen.
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const confirm = async () => {
    if (!student || confirming) return;
    setConfirming(true);
    setConfirmError(null);
    try {
      const outcome = await client.call('checkin.confirm', {
        taskCode: task.code,
        studentId: student.id,
        ...(needsOverride ? { overrideReason } : {}),
      });
      if (mounted.current) onCheckedIn(student, outcome);
    } catch (caught) {
      if (!mounted.current) return;
      setConfirmError(caught);
      setConfirming(false);
    }
  };

  useWindowKeydown((event) => {
    if (event.defaultPrevented || correcting) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      onBack();
    } else if (event.key === 'Enter' && !isInteractiveTarget(event.target)) {
      // A focused button handles Enter itself (it may be "back"); only a stray Enter confirms.
      event.preventDefault();
      void confirm();
    }
  });

  return (
    <main className="screen screen-kiosk student-screen" data-testid="student-card">
      <div className="kiosk-scroll student-body">
      {card.error !== null && <ErrorMessage error={card.error} />}
      {card.loading && !student && <p className="muted">{t('student.loading')}</p>}
      {student && (
        <>
          {student.order && <OrderWarning order={student.order} />}
          {student.pendingIdentification && (
            <p className="message message-info" data-testid="student-pending">
              {t('student.pending')}
            </p>
          )}
          {corrected && (
            <p className="message message-info" data-testid="correction-saved">
              {t('correction.saved', { fields: corrected.map((f) => t(`rosterField.${f}` as 'rosterField.name')).join('、') })}
            </p>
          )}
          <div className="student-identity">
            <div className="admission-photo" data-testid="admission-photo" data-present={admission === undefined ? 'loading' : String(admission.present)}>
              {admission?.photoUrl ? (
                <img src={admission.photoUrl} alt={t('student.admissionPhoto')} style={{ width: '100%', height: '100%', objectFit: 'contain' }} />
              ) : (
                <span className="muted">{student.hasAdmissionPhoto ? t('student.admissionPhoto') : `${t('student.noAdmissionPhoto')}（${t('faceMatch.decision.未比对')}）`}</span>
              )}
            </div>
            <h1 className="student-name">
              <span data-testid="student-name">{student.name}</span>
              {student.gender && <span className="student-gender">{t(`gender.${student.gender}`)}</span>}
            </h1>
            <p className="student-id" data-testid="student-id-masked">
              {student.idMasked ?? t('fields.empty')}
            </p>
          </div>
          <dl className="fact-grid">
            <Fact label={t('fields.studentNo')} testId="student-no">
              {student.studentNo}
            </Fact>
            <Fact label={t('fields.examNo')}>{student.examNo}</Fact>
            <Fact label={t('fields.school')}>{student.schoolName}</Fact>
            <Fact label={t('fields.departmentMajor')}>{joinPresent(student.department, student.major)}</Fact>
            <Fact label={t('fields.eduLevelCategory')}>{joinPresent(student.eduLevel ? t(`eduLevel.${student.eduLevel}`) : null, student.eduCategory)}</Fact>
            <Fact label={t('fields.className')}>{student.className}</Fact>
            <Fact label={t('fields.reservation')}>
              <ReservationSummary reservation={student.reservation} />
            </Fact>
            <Fact label={t('fields.payment')}>{student.reservation ? t(`paymentState.${student.reservation.paymentState}`) : null}</Fact>
            <Fact label={t('fields.orderStatus')}>
              <OrderStatusBadge status={student.order?.status ?? null} />
            </Fact>
            <Fact label={t('fields.source')}>{student.source === 'walkin' ? t('student.walkin') : t('student.roster')}</Fact>
          </dl>
          {student.order && (
            <OrderTakeBackPanel orderId={student.order.id} status={student.order.status} atThisStation={student.order.atThisStation} rights={task} onChanged={card.reload} />
          )}
          {correcting && (
            <CorrectionForm
              student={student}
              onCancel={() => setCorrecting(false)}
              onSaved={(_updated, changed) => {
                setCorrecting(false);
                setCorrected(changed);
                card.reload();
              }}
            />
          )}
        </>
      )}
      {needsOverride && (
        <div className="message message-warn override-box" data-testid="override-box">
          <p className="message-primary">{t('student.cancelledNeedsReason')}</p>
          <label className="student-field">
            <span>{t('student.overrideReason')}</span>
            <input value={overrideReason} onChange={(e) => setOverrideReason(e.target.value)} maxLength={200} data-testid="override-reason" />
          </label>
        </div>
      )}
      {confirmError !== null && <ErrorMessage error={confirmError} testId="checkin-error" />}
      </div>
      <div className="action-row">
        {student && (
          <button
            type="button"
            className="button button-primary button-large"
            autoFocus={!needsOverride}
            onClick={() => void confirm()}
            disabled={confirming || (needsOverride && overrideReason.trim().length < 2)}
            data-testid="checkin-confirm"
          >
            {confirming ? t('student.confirming') : t(confirmLabel(student.order?.status ?? null))}
          </button>
        )}
        {student && !correcting && (
          <button type="button" className="button button-secondary button-large" onClick={() => setCorrecting(true)} data-testid="correction-button">
            {t('correction.button')}
          </button>
        )}
        <button type="button" className="button button-secondary button-large" onClick={onBack} data-testid="student-back">
          {t('student.back')}
        </button>
      </div>
    </main>
  );
}
