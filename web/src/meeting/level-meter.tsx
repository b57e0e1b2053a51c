import { Box, Progress } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** The microphone's loudness, live, so a person sees the right microphone is on. */
export function LevelMeter({ stream }: { stream: MediaStream | undefined }) {
  const { t } = useTranslation();
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (stream === undefined || stream.getAudioTracks().length === 0) {
      setLevel(0);
      return;
    }
    const context = new AudioContext();
    // Browsers start an AudioContext suspended until the page had a click or key press.
    const resume = () => void context.resume();
    resume();
    document.addEventListener('pointerdown', resume);
    document.addEventListener('keydown', resume);
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let frame = 0;
    const tick = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      // RMS on a rough log scale: speech lands in the middle of the bar.
      const rms = Math.sqrt(sum / samples.length);
      setLevel(Math.min(100, Math.round(Math.max(0, 1 + Math.log10(rms + 1e-6) / 3) * 100)));
      frame = requestAnimationFrame(tick);
    };
    tick();
    return () => {
      cancelAnimationFrame(frame);
      document.removeEventListener('pointerdown', resume);
      document.removeEventListener('keydown', resume);
      void context.close();
    };
  }, [stream]);
  // The meter role and its name on a wrapper: Mantine's bar is a progressbar, which this is not.
  return (
    <Box
      role="meter"
      aria-label={t('lobby.micLevel')}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={level}
      data-testid="mic-level"
    >
      <Progress value={level} size="lg" transitionDuration={80} aria-hidden />
    </Box>
  );
}
