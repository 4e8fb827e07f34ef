import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { z } from 'zod';
import { App } from './App';
import { ScanGuardProvider } from './navigation/scanGuard';
import { MissingSecretScreen } from './screens/MissingSecretScreen';
import { StudentScreen } from './screens/StudentScreen';
import { setupI18n } from './i18n/setupI18n';
import { selectTransport } from './rpc/selectTransport';
import { StationContext } from './rpc/StationContext';
import './styles/global.css';

// Zod's JIT probes `new Function`, which our CSP (no 'unsafe-eval') reports as a violation.
z.config({ jitless: true });

const i18n = setupI18n();
const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

const selection = selectTransport(window);
// The student's screen is the same page opened with #view=student (after the secret, which
// selectTransport has already taken out of the address): same build, same authentication.
const studentView = new URLSearchParams(window.location.hash.replace(/^#/, '')).get('view') === 'student';

createRoot(container).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      {selection.kind === 'missing-secret' ? (
        <MissingSecretScreen />
      ) : (
        <StationContext value={selection.station}>
          {studentView ? (
            <StudentScreen />
          ) : (
            <ScanGuardProvider>
              <App />
            </ScanGuardProvider>
          )}
        </StationContext>
      )}
    </I18nextProvider>
  </StrictMode>,
);
