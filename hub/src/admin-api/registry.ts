import type { Endpoint } from '@vc/conference-core';

import { deleteConnector } from './delete-connector.js';
import type { AdminDeps } from './deps.js';
import { getConnectorAudit } from './get-connector-audit.js';
import { getConnectorRun } from './get-connector-run.js';
import { getConnectorRuns } from './get-connector-runs.js';
import { getConnectorTypes } from './get-connector-types.js';
import { getConnector } from './get-connector.js';
import { getConnectors } from './get-connectors.js';
import { patchConnector } from './patch-connector.js';
import { postConnectorCheck } from './post-connector-check.js';
import { postConnectorRunApprove } from './post-connector-run-approve.js';
import { postConnectorRunReject } from './post-connector-run-reject.js';
import { postConnectorRuns } from './post-connector-runs.js';
import { postConnectors } from './post-connectors.js';

/** The connector admin API (tenant administrators only), mounted as an extension of API v1. */
export const adminEndpoints: readonly Endpoint<AdminDeps>[] = [
  getConnectorTypes,
  getConnectorAudit,
  getConnectors,
  postConnectors,
  getConnector,
  patchConnector,
  deleteConnector,
  postConnectorCheck,
  getConnectorRuns,
  postConnectorRuns,
  getConnectorRun,
  postConnectorRunApprove,
  postConnectorRunReject,
];
