import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';

interface Props {
  onDigit: (digit: string) => void;
  onBackspace: () => void;
  onClear: () => void;
  disabled: boolean;
}

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** Pressing a key with the mouse or a finger must not pull focus off the PIN field, or Enter
 * would stop submitting; keyboard users can still Tab onto the keys. */
function keepFocus(event: MouseEvent) {
  event.preventDefault();
}

export function PinKeypad({ onDigit, onBackspace, onClear, disabled }: Props) {
  const { t } = useTranslation();
  const key = (digit: string) => (
    <button key={digit} type="button" className="keypad-key" onMouseDown={keepFocus} onClick={() => onDigit(digit)} disabled={disabled}>
      {digit}
    </button>
  );
  return (
    <div className="keypad" role="group" aria-label={t('login.keypad')}>
      {DIGITS.map(key)}
      <button type="button" className="keypad-key keypad-key-action" onMouseDown={keepFocus} onClick={onClear} disabled={disabled}>
        {t('login.clear')}
      </button>
      {key('0')}
      <button type="button" className="keypad-key keypad-key-action" onMouseDown={keepFocus} onClick={onBackspace} disabled={disabled} aria-label={t('login.backspace')}>
        ⌫
      </button>
    </div>
  );
}
