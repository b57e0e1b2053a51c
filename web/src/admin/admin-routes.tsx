import { Route, Routes } from 'react-router';

import { RequireSignIn } from '../pages/require-sign-in.js';
import { AdminLayout } from './admin-layout.js';
import { AuditPage } from './audit-page.js';
import { ConnectorPage } from './connector-page.js';
import { ConnectorsPage } from './connectors-page.js';
import { NewConnectorPage } from './new-connector-page.js';
import { RequireAdmin } from './require-admin.js';
import { RoleMappingPage } from './role-mapping-page.js';

/**
 * The admin dashboard below `/admin/`, loaded only when someone opens it (its own chunk, so
 * the meeting client's first load does not carry it).
 */
export default function AdminRoutes() {
  return (
    <RequireSignIn>
      <RequireAdmin>
        <Routes>
          <Route element={<AdminLayout />}>
            <Route index element={<ConnectorsPage />} />
            <Route path="connectors/new" element={<NewConnectorPage />} />
            <Route path="connectors/:connectorId" element={<ConnectorPage />} />
            <Route path="audit" element={<AuditPage />} />
            <Route path="roles" element={<RoleMappingPage />} />
          </Route>
        </Routes>
      </RequireAdmin>
    </RequireSignIn>
  );
}
