import { Alert, Button, Center, Loader, Stack } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { completeSignIn } from '../auth/oidc.js';

/** Where the issuer sends the browser back: trades the code, then goes where the person wanted. */
export function AuthCallbackPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [error, setError] = useState<string>();
  const started = useRef(false);
  useEffect(() => {
    // StrictMode runs effects twice; the code can be traded once only.
    if (started.current) return;
    started.current = true;
    completeSignIn(location.search).then(
      (returnTo) => void navigate(returnTo, { replace: true }),
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  }, [navigate]);
  return (
    <Center mih="60vh">
      {error === undefined ? (
        <Loader aria-label={t('auth.signingIn')} />
      ) : (
        <Stack>
          <Alert color="red" title={t('auth.signInFailed')} role="alert">
            {error}
          </Alert>
          <Button onClick={() => void navigate('/', { replace: true })}>{t('common.backHome')}</Button>
        </Stack>
      )}
    </Center>
  );
}
