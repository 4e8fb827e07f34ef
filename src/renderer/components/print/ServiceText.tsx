import { inLanguage } from '../../format/bilingual';
import { useLanguage } from '../../hooks/useLanguage';

interface Props {
  text: { zh: string; en: string };
  className?: string;
  testId?: string;
}

/** A message the service wrote in both languages: the current one large, the other small below. */
export function ServiceText({ text, className, testId }: Props) {
  const { language, other } = useLanguage();
  const { primary, secondary } = inLanguage(language, text);
  return (
    <span className={`bilingual ${className ?? ''}`} data-testid={testId}>
      <span className="bilingual-primary">{primary}</span>
      <span className="bilingual-secondary" lang={other}>
        {secondary}
      </span>
    </span>
  );
}
