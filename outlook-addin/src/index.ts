/** What the hub and the tests use of the add-in workspace (the pages import their modules directly). */
export {
  addMeeting,
  eventIdProperty,
  showDialInProperty,
  type AddMeetingResult,
} from './meeting/add-meeting.js';
export { createMeetingApi, ApiError, type MeetingApi } from './api/meeting-api.js';
export { createFakeMailboxItem, FAKE_LIMITS, type FakeMailboxItem } from './meeting/fake-mailbox-item.js';
export { blockId } from './meeting/body-block.js';
