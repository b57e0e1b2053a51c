import { useTranslation } from 'react-i18next';

import { ApiError } from './client.js';

/**
 * A refusal as a sentence in the reader's language: by the problem's stable code, with the
 * server's detail for the cases one code covers several (a missing or a wrong room password).
 */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return (error) => {
    if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
    if (error.detail === 'wrong room password') return t('errors.wrongPassword');
    if (error.detail === 'room password required') return t('errors.passwordRequired');
    switch (error.code) {
      case 'network':
        return t('errors.network');
      case 'not_found':
        return t('errors.notFound');
      case 'unauthorized':
      case 'token_expired':
        return t('errors.unauthorized');
      case 'invalid_token':
        return t('errors.invalidToken');
      case 'forbidden':
        return error.detail === undefined
          ? t('errors.forbidden')
          : `${t('errors.forbidden')} ${error.detail}`;
      case 'validation_failed':
        return `${t('errors.validation')} ${error.detail ?? ''}`.trim();
      case 'rate_limited':
        return `${t('errors.rateLimited')} ${error.detail ?? ''}`.trim();
      case 'conflict':
      case 'precondition_failed':
        return t('errors.conflict');
      case 'service_unavailable':
        return t('errors.unavailable');
      default:
        return `${t('errors.generic')} (${error.code})`;
    }
  };
}
