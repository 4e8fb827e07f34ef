import { useEffect } from 'react';
import { Bilingual } from '../components/Bilingual';
import { LanguageSwitch } from '../components/LanguageSwitch';

export function MissingSecretScreen() {
  // Pasting the printed URL into this same tab only changes the fragment, which does not reload.
  useEffect(() => {
    const reloadWithSecret = () => {
      if (location.hash.includes('secret=')) location.reload();
    };
    window.addEventListener('hashchange', reloadWithSecret);
    return () => window.removeEventListener('hashchange', reloadWithSecret);
  }, []);
  return (
    <main className="fullscreen-message" data-testid="missing-secret">
      <div className="fullscreen-message-tools">
        <LanguageSwitch />
      </div>
      <h1>
        <Bilingual i18nKey="missingSecret.title" />
      </h1>
      <p>
        <Bilingual i18nKey="missingSecret.body" />
      </p>
      <p className="muted">
        <Bilingual i18nKey="missingSecret.why" />
      </p>
      <pre className="command-sample">npm start</pre>
    </main>
  );
}
