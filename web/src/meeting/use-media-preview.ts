import { useEffect, useState } from 'react';

import type { MediaChoice } from './media-choice.js';

/** Why the preview shows nothing: the browser refused, or there is no such device. */
export type MediaProblem = 'denied' | 'missing' | 'unavailable';

export interface Devices {
  readonly cameras: readonly MediaDeviceInfo[];
  readonly microphones: readonly MediaDeviceInfo[];
  readonly speakers: readonly MediaDeviceInfo[];
}

function problemOf(error: unknown): MediaProblem {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing';
  return 'unavailable';
}

/**
 * The lobby's preview: a stream with the chosen camera and microphone (stopped when the choice
 * changes or the lobby closes), the devices there are, and what went wrong.
 */
export function useMediaPreview(choice: MediaChoice) {
  const [stream, setStream] = useState<MediaStream>();
  const [problem, setProblem] = useState<MediaProblem>();
  const [devices, setDevices] = useState<Devices>({ cameras: [], microphones: [], speakers: [] });

  useEffect(() => {
    let cancelled = false;
    let acquired: MediaStream | undefined;
    const listDevices = async () => {
      const all = await navigator.mediaDevices.enumerateDevices();
      if (cancelled) return;
      setDevices({
        cameras: all.filter((d) => d.kind === 'videoinput'),
        microphones: all.filter((d) => d.kind === 'audioinput'),
        speakers: all.filter((d) => d.kind === 'audiooutput'),
      });
    };
    setProblem(undefined);
    if (navigator.mediaDevices === undefined) {
      setProblem('unavailable');
      return;
    }
    if (!choice.cameraOn && !choice.micOn) {
      setStream(undefined);
      void listDevices();
      return;
    }
    navigator.mediaDevices
      .getUserMedia({
        video: choice.cameraOn
          ? choice.cameraId === undefined
            ? true
            : { deviceId: { exact: choice.cameraId } }
          : false,
        audio: choice.micOn
          ? choice.micId === undefined
            ? true
            : { deviceId: { exact: choice.micId } }
          : false,
      })
      .then(
        (media) => {
          if (cancelled) {
            media.getTracks().forEach((track) => track.stop());
            return;
          }
          acquired = media;
          setStream(media);
          return listDevices();
        },
        (error: unknown) => {
          if (cancelled) return;
          setStream(undefined);
          setProblem(problemOf(error));
          return listDevices();
        },
      );
    return () => {
      cancelled = true;
      acquired?.getTracks().forEach((track) => track.stop());
    };
  }, [choice.cameraOn, choice.micOn, choice.cameraId, choice.micId]);

  return { stream, problem, devices };
}
