import { useTranslation } from 'react-i18next';

/** A few dates are listed; a long run collapses to "first to last (n days)" so a card stays one line. */
export function useSessionDatesLabel(dates: readonly string[]): string {
  const { t } = useTranslation();
  const first = dates[0];
  const last = dates[dates.length - 1];
  if (first === undefined || last === undefined) return t('fields.empty');
  if (dates.length <= 3) return dates.join(' / ');
  return t('tasks.dateRange', { first, last, count: dates.length });
}
