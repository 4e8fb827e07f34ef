import { useTranslation } from 'react-i18next';
import { useSoundsOn } from '../hooks/useSoundsOn';
import { setSoundsOn } from '../sound/soundCues';

/** The sound cues' switch in the top bar: on by default, remembered by this station's browser. */
export function SoundSwitch() {
  const { t } = useTranslation();
  const on = useSoundsOn();
  return (
    <button type="button" className="button button-quiet" onClick={() => setSoundsOn(!on)} aria-pressed={on} data-testid="sound-switch" data-on={on ? 'true' : 'false'}>
      {on ? t('nav.soundOn') : t('nav.soundOff')}
    </button>
  );
}
