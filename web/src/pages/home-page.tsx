import { currentToken } from '../auth/session.js';
import { DashboardPage } from '../schedule/dashboard-page.js';
import { SignInCard } from './require-sign-in.js';

/** `/`: the dashboard for a signed-in person, else the sign-in card. */
export function HomePage() {
  return currentToken() === undefined ? <SignInCard returnTo="/" /> : <DashboardPage />;
}
