export { connectAppClient } from './app-client.js';
export type { AppClient } from './app-client.js';
export { fakeAppGetLogin } from './fake-myapps-login.js';
export type { PbxUserLogin } from './fake-myapps-login.js';
export { newGuid, startFakePbx } from './fake-pbx.js';
export type { FakeAppObject, FakeCall, FakePbx, FakePbxUser } from './fake-pbx.js';
