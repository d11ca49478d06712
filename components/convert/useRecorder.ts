"use client";
import { useEffect, useRef, useState } from "react";
import { channelsOf, decodeAudio, encodeWav } from "./audio";

/**
 * Microphone recording with MediaRecorder. Browsers record in a compressed container (webm/opus, mp4/aac …), so
 * the result is decoded and re-written as a plain 16-bit WAV: the server then never has to guess the format.
 */
export function useRecorder(onRecorded: (file: File) => void) {
  const [recording, setRecording] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const recorder = useRef<MediaRecorder | null>(null);
  const done = useRef(onRecorded);
  useEffect(() => {
    done.current = onRecorded;
  }, [onRecorded]);

  // release the microphone if the page goes away mid-recording
  useEffect(() => () => stopTracks(recorder.current), []);

  async function start() {
    setError(null);
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (err) {
      setError(`Microphone not available: ${(err as Error).message}`);
      return;
    }
    const rec = new MediaRecorder(stream);
    const chunks: Blob[] = [];
    rec.ondataavailable = (e) => e.data.size > 0 && chunks.push(e.data);
    rec.onstop = () => {
      stopTracks(rec);
      void toWav(new Blob(chunks, { type: rec.mimeType }))
        .then((file) => done.current(file))
        .catch((err: Error) => setError(`Could not read the recording: ${err.message}`));
    };
    recorder.current = rec;
    rec.start();
    setRecording(true);
  }

  function stop() {
    recorder.current?.stop();
    setRecording(false);
  }

  return { recording, error, start, stop };
}

function stopTracks(rec: MediaRecorder | null) {
  rec?.stream.getTracks().forEach((t) => t.stop());
}

async function toWav(blob: Blob): Promise<File> {
  const audio = await decodeAudio(await blob.arrayBuffer());
  const wav = encodeWav(channelsOf(audio), audio.sampleRate);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return new File([wav], `recording-${stamp}.wav`, { type: "audio/wav" });
}
