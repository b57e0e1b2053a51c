/**
 * What the lobby settled: camera and microphone on or off, and which devices. The room hands it to
 * the media layer (the `VideoStage` boundary) so it publishes what the person chose.
 */
export interface MediaChoice {
  readonly cameraOn: boolean;
  readonly micOn: boolean;
  readonly cameraId: string | undefined;
  readonly micId: string | undefined;
  readonly speakerId: string | undefined;
}

export const noMedia: MediaChoice = {
  cameraOn: false,
  micOn: false,
  cameraId: undefined,
  micId: undefined,
  speakerId: undefined,
};
