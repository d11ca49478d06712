#!/usr/bin/env node
// The `voice-studio` bin: registers tsx (resolved from this package, whatever the working folder) and runs the CLI.
import { register } from "tsx/esm/api";

register();
await import("./main.ts");
