import { Alert, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { useErrorText } from '../api/error-text.js';

/** Under a settings form: why the last save was refused, or that it was saved. */
export function SaveFeedback({ save }: { save: { readonly error: unknown; readonly isSuccess: boolean } }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  return (
    <>
      {save.error !== null && (
        <Alert color="red" role="alert">
          {errorText(save.error)}
        </Alert>
      )}
      {save.isSuccess && (
        <Text size="sm" role="status" c="teal.9">
          {t('admin.saved')}
        </Text>
      )}
    </>
  );
}
