import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, ApiError } from '../api/client.js';
import type { AuditEntry, Connector, ConnectorType, Run, RunDetail } from './admin-types.js';

const base = '/v1/admin';

/** Polls fast while a run is open, so progress and the guard show up without a reload. */
const liveInterval = (connectors: readonly Connector[] | undefined): number =>
  connectors?.some((c) => c.health.current_run !== null && c.health.status !== 'needs_approval') === true
    ? 1000
    : 5000;

/** A refusal (403: not an administrator) is an answer, not a fault: no retry, no polling. */
const refused = (error: unknown): boolean =>
  error instanceof ApiError && error.status >= 400 && error.status < 500;

export function useConnectors() {
  return useQuery({
    queryKey: ['admin', 'connectors'],
    queryFn: async () => (await api<{ items: Connector[] }>(`${base}/connectors`)).items,
    retry: (failures, error) => !refused(error) && failures < 1,
    refetchInterval: (query) => (refused(query.state.error) ? false : liveInterval(query.state.data)),
  });
}

export function useConnector(id: string) {
  return useQuery({
    queryKey: ['admin', 'connector', id],
    queryFn: () => api<Connector>(`${base}/connectors/${encodeURIComponent(id)}`),
    refetchInterval: (query) => liveInterval(query.state.data === undefined ? [] : [query.state.data]),
  });
}

export function useConnectorTypes() {
  return useQuery({
    queryKey: ['admin', 'types'],
    queryFn: () => api<ConnectorType[]>(`${base}/connector-types`),
    staleTime: Infinity,
  });
}

export function useRuns(connectorId: string, live: boolean) {
  return useQuery({
    queryKey: ['admin', 'runs', connectorId],
    queryFn: async () =>
      (await api<{ items: Run[] }>(`${base}/connectors/${encodeURIComponent(connectorId)}/runs?limit=100`))
        .items,
    refetchInterval: live ? 1000 : 5000,
  });
}

/** A run with its skipped entries; asked again whenever the run's state changes. */
export function useRunDetail(connectorId: string, runId: string | undefined, state?: string) {
  return useQuery({
    queryKey: ['admin', 'run', connectorId, runId, state],
    enabled: runId !== undefined,
    queryFn: () =>
      api<RunDetail>(`${base}/connectors/${encodeURIComponent(connectorId)}/runs/${runId ?? ''}`),
  });
}

export function useAudit(connectorId?: string) {
  return useQuery({
    queryKey: ['admin', 'audit', connectorId ?? 'all'],
    queryFn: async () =>
      (
        await api<{ items: AuditEntry[] }>(
          `${base}/connector-audit?limit=200${connectorId === undefined ? '' : `&connector_id=${connectorId}`}`,
        )
      ).items,
  });
}

/** A change through the admin API that refreshes everything the dashboard shows afterwards. */
export function useAdminMutation<TInput, TResult = unknown>(work: (input: TInput) => Promise<TResult>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: work,
    onSettled: () => client.invalidateQueries({ queryKey: ['admin'] }),
  });
}

export const adminPaths = {
  connectors: `${base}/connectors`,
  connector: (id: string) => `${base}/connectors/${encodeURIComponent(id)}`,
  runs: (id: string) => `${base}/connectors/${encodeURIComponent(id)}/runs`,
  check: (id: string) => `${base}/connectors/${encodeURIComponent(id)}/check`,
  decide: (id: string, runId: string, decision: 'approve' | 'reject') =>
    `${base}/connectors/${encodeURIComponent(id)}/runs/${runId}/${decision}`,
};
