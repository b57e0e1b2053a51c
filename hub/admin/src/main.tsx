import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './app.js';
import { completeSignIn } from './auth.js';

const root = createRoot(document.getElementById('root')!);

completeSignIn().then(
  () =>
    root.render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  (err: unknown) =>
    root.render(
      <StrictMode>
        <App signInError={err instanceof Error ? err.message : String(err)} />
      </StrictMode>,
    ),
);
