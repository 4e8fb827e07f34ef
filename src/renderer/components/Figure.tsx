type Tone = 'plain' | 'good' | 'warn' | 'bad';

interface Props {
  value: number;
  label: string;
  tone?: Tone;
  testId?: string;
}

/** A key number, sized to be read from across the room. */
export function Figure({ value, label, tone = 'plain', testId }: Props) {
  return (
    <span className={`figure figure-${tone}`}>
      <span className="figure-value" data-testid={testId}>
        {value}
      </span>
      <span className="figure-label">{label}</span>
    </span>
  );
}
