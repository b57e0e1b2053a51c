export { ConnectorError, connectorErrorCodes, isConnectorError } from './connector-error.js';
export type { ConnectorErrorCode, ConnectorErrorOptions } from './connector-error.js';
export { defineConnector } from './connector.js';
export type {
  Clock,
  ConnectorCapabilities,
  ConnectorContext,
  ConnectorDefinition,
  ConnectorLogger,
  JsonValue,
  SyncBatch,
  SyncMode,
  SyncRequest,
  UsersCapability,
} from './connector.js';
export { directoryRecordSchema, groupRecordSchema, userRecordSchema } from './records.js';
export type {
  DirectoryDeletion,
  DirectoryRecord,
  GroupRecord,
  SkippedRecord,
  UserRecord,
} from './records.js';
export { isSecret, secret, secretFields, secretKeys } from './secret.js';
export { labelled, settingTexts, settingTextsOf } from './setting-text.js';
export type { LocalizedText, SettingText } from './setting-text.js';
export type {
  CalendarAppointment,
  AppointmentBatch,
  AppointmentsCapability,
  MeetingAccess,
  SkippedAppointment,
} from './appointments.js';
export type {
  CalendarAttendee,
  CalendarBatch,
  CalendarItem,
  CalendarLink,
  CalendarPush,
  CalendarRemoval,
  CalendarsCapability,
  CalendarSyncRequest,
  PushReceipt,
} from './calendars.js';
export { sleep } from './sleep.js';
