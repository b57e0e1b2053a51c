import { Center, Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';

import { AppShellLayout } from './layout/app-shell-layout.js';
import { AuthCallbackPage } from './pages/auth-callback-page.js';
import { GuestJoinPage } from './pages/guest-join-page.js';
import { HomePage } from './pages/home-page.js';
import { MeetingEditPage } from './pages/meeting-edit-page.js';
import { MemberJoinPage } from './pages/member-join-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { RequireSignIn } from './pages/require-sign-in.js';

// The admin dashboard is a chunk of its own, fetched when `/admin/` is opened (decision 0030).
const AdminRoutes = lazy(() => import('./admin/admin-routes.js'));

/** Every page of the app; the links in our mails are `/rooms/<id>` and `/invite/<code>`. */
export function AppRoutes() {
  return (
    <Routes>
      <Route path="/auth/callback" element={<AuthCallbackPage />} />
      <Route path="/invite/:code" element={<GuestJoinPage />} />
      <Route
        path="/admin/*"
        element={
          <Suspense
            fallback={
              <Center mih="50vh">
                <Loader />
              </Center>
            }
          >
            <AdminRoutes />
          </Suspense>
        }
      />
      <Route
        path="/rooms/:roomId"
        element={
          <RequireSignIn>
            <MemberJoinPage />
          </RequireSignIn>
        }
      />
      <Route element={<AppShellLayout />}>
        <Route path="/" element={<HomePage />} />
        <Route
          path="/meetings/new"
          element={
            <RequireSignIn>
              <MeetingEditPage />
            </RequireSignIn>
          }
        />
        <Route
          path="/meetings/:eventId"
          element={
            <RequireSignIn>
              <MeetingEditPage />
            </RequireSignIn>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
