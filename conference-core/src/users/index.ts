export { createUserService } from './user-service.js';
export type { ProfilePatch, UserActor, UserService } from './user-service.js';
