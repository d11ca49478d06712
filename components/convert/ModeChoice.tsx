"use client";
import { mutedText } from "@/components/ui";

export type ConvertMode = "voice" | "cover";

const MODES: { value: ConvertMode; label: string; help: string }[] = [
  { value: "voice", label: "Voice only", help: "The clip is a voice on its own: the whole clip is converted." },
  {
    value: "cover",
    label: "Song (separate vocals first)",
    help: "The clip is a song: its vocals are separated from the music, converted, and mixed back over the music.",
  },
];

/**
 * Voice only or song: a radio group drawn as a segmented control (native radios, so arrow keys move between the
 * two and screen readers announce a group of two options). The chosen mode's help line is shown below it.
 */
export function ModeChoice({ value, onChange, disabled }: { value: ConvertMode; onChange: (m: ConvertMode) => void; disabled?: boolean }) {
  const chosen = MODES.find((m) => m.value === value)!;
  return (
    <fieldset className="space-y-1" disabled={disabled} aria-describedby="convert-mode-help">
      <legend className="text-sm font-medium">Mode</legend>
      <div className="flex flex-wrap gap-1 rounded-lg border border-zinc-300 p-1 sm:inline-flex dark:border-zinc-700" data-testid="mode-choice">
        {MODES.map((m) => (
          <label key={m.value} className="relative min-w-0 flex-1 sm:flex-none">
            {/* the native radio, transparent over its whole segment: it takes the clicks, the span shows the state */}
            <input
              type="radio"
              name="convert-mode"
              value={m.value}
              checked={value === m.value}
              onChange={() => onChange(m.value)}
              className="peer absolute inset-0 z-10 m-0 h-full w-full cursor-pointer appearance-none opacity-0 disabled:cursor-not-allowed"
            />
            <span className="flex h-full items-center justify-center rounded px-3 py-1.5 text-center text-sm peer-checked:bg-indigo-600 peer-checked:font-medium peer-checked:text-white peer-focus-visible:ring-2 peer-focus-visible:ring-indigo-500 peer-focus-visible:ring-offset-1 peer-disabled:opacity-60 peer-[:hover:not(:checked)]:bg-zinc-100 dark:ring-offset-zinc-900 dark:peer-[:hover:not(:checked)]:bg-zinc-800">
              {m.label}
            </span>
          </label>
        ))}
      </div>
      <p id="convert-mode-help" className={`text-xs ${mutedText}`}>
        {chosen.help}
      </p>
    </fieldset>
  );
}
