"use client";
import type { InputHTMLAttributes } from "react";
import { inputClass } from "@/components/ui";

/** A number box for one setting of a shared table (min/max/step from the API's rules), its value kept as typed. */
export function RangeInput({
  field,
  value,
  onValue,
  ...rest
}: { field: { min: number; max: number; step: number }; value: string; onValue: (v: string) => void } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  "type" | "min" | "max" | "step" | "value" | "onChange"
>) {
  return (
    <input
      {...rest}
      type="number"
      className={inputClass}
      min={field.min}
      max={field.max}
      step={field.step}
      value={value}
      onChange={(e) => onValue(e.target.value)}
    />
  );
}
