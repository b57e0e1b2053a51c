export { startFakeDataServices } from './fake-data-services.js';
export type { FakeDataServices, FakeDataServicesOptions, FakeModel } from './fake-data-services.js';
export { appointmentDocument, appointmentModel, appointmentSettingsInput } from './appointment-model.js';
