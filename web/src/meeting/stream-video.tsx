import { useEffect, useRef } from 'react';

/** A `<video>` showing a MediaStream (muted: sound comes from the meeting's mix only). */
export function StreamVideo({
  stream,
  mirrored = false,
  fit = 'cover',
  testId,
}: {
  stream: MediaStream;
  mirrored?: boolean;
  fit?: 'cover' | 'contain';
  testId?: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current !== null && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return (
    <video
      ref={ref}
      autoPlay
      playsInline
      muted
      data-testid={testId}
      style={{
        position: 'absolute',
        inset: 0,
        width: '100%',
        height: '100%',
        objectFit: fit,
        borderRadius: 10,
        transform: mirrored ? 'scaleX(-1)' : undefined,
      }}
    />
  );
}

/** Plays the meeting's audio mix on the chosen speaker (where the browser can choose one). */
export function MixAudio({ stream, speakerId }: { stream: MediaStream; speakerId: string | undefined }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (element === null) return;
    if (element.srcObject !== stream) element.srcObject = stream;
    const sink = element as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    if (speakerId !== undefined && sink.setSinkId !== undefined)
      void sink.setSinkId(speakerId).catch(() => {});
    void element.play().catch(() => {});
  }, [stream, speakerId]);
  return <audio ref={ref} autoPlay data-testid="meeting-audio" />;
}
