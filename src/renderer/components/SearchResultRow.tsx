import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { StudentSummary } from '../../shared/domain/entities';
import { OrderStatusBadge } from './OrderStatusBadge';

interface Props {
  id: string;
  student: StudentSummary;
  selected: boolean;
  onOpen: (student: StudentSummary) => void;
}

/** An option of the result listbox; focus stays in the search field, selection is aria-activedescendant. */
export function SearchResultRow({ id, student, selected, onOpen }: Props) {
  const { t } = useTranslation();
  const row = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (selected) row.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  return (
    <li
      id={id}
      ref={row}
      role="option"
      aria-selected={selected}
      className={`result-row ${selected ? 'result-row-selected' : ''}`}
      onClick={() => onOpen(student)}
      data-testid="search-result"
    >
      <span className="result-name">{student.name}</span>
      <span className="result-id">{student.idMasked ?? t('fields.empty')}</span>
      <span className="result-facts">
        <span>
          <span className="fact-label">{t('fields.studentNo')}</span> {student.studentNo ?? t('fields.empty')}
        </span>
        <span>
          <span className="fact-label">{t('fields.department')}</span> {student.department ?? t('fields.empty')}
        </span>
        <span>
          <span className="fact-label">{t('fields.eduLevel')}</span> {student.eduLevel ? t(`eduLevel.${student.eduLevel}`) : t('fields.empty')}
        </span>
      </span>
      <OrderStatusBadge status={student.orderStatus} />
    </li>
  );
}
