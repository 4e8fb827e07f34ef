import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface Props {
  label: string;
  children: ReactNode;
  testId?: string;
}

/** One labelled value in a fact grid; null-ish values show a dash rather than an empty hole. */
export function Fact({ label, children, testId }: Props) {
  const { t } = useTranslation();
  const empty = children === null || children === undefined || children === '';
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd data-testid={testId}>{empty ? t('fields.empty') : children}</dd>
    </div>
  );
}
